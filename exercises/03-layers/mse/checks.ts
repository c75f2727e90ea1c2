import type * as TF from "@tensorflow/tfjs";
import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf } from "../../../lib/exercise.ts";
import { expectClose, expectNumberClose } from "../../../lib/checks/compare.ts";
import { asTensorResult } from "../../../lib/checks/learner.ts";
import { expectGradMatchesForward } from "../../../lib/checks/finite-diff.ts";
import { scaleHint, type HintRule } from "../../../lib/checks/hints.ts";
import { fromTf, toTf } from "../../../lib/checks/tf.ts";

interface Case {
  pred: Tensor;
  target: Tensor;
}

// Values are float32 numbers so that tfjs (float32) and the learner (float64) see the same inputs.
const f32 = (t: Tensor) => new Tensor(t.data.map(Math.fround), t.shape.slice());

function makeCase(rng: Rng, shape: number[], scale = 1): Case {
  const scaled = () => f32(new Tensor(randn(shape, rng).data.map((v) => v * scale), shape));
  return { pred: scaled(), target: scaled() };
}

// ---- the tfjs reference: tf.losses.meanSquaredError (mean over every element) and tf.grad of it ----

const tfMse = (tf: Tf, target: TF.Tensor) => (pred: TF.Tensor) => tf.losses.meanSquaredError(target, pred) as TF.Scalar;

function refLoss(tf: Tf, c: Case): number {
  return tf.tidy(() => tfMse(tf, toTf(tf, c.target))(toTf(tf, c.pred)).dataSync()[0]);
}

function refGrad(tf: Tf, c: Case): Tensor {
  const g = tf.tidy(() => tf.grad(tfMse(tf, toTf(tf, c.target)))(toTf(tf, c.pred)));
  const r = fromTf(g);
  g.dispose();
  return r;
}

// ---- hints: the constant factors that known mistakes introduce ------------------------------

function factors(c: Case) {
  const size = c.pred.size;
  const rows = c.pred.shape.length > 1 ? c.pred.shape[0] : size;
  return { size, rows, perRow: size / rows };
}

function lossHint(c: Case) {
  const { size, rows, perRow } = factors(c);
  return (expected: number, got: number): string | undefined => {
    const ratio = got / expected;
    const near = (x: number) => Math.abs(ratio - x) <= 1e-3 * Math.abs(x);
    if (perRow > 1 && near(perRow)) return `Your loss is the reference times ${perRow}: you divided by the number of rows (${rows}); the mean is over all ${size} elements.`;
    if (size > 1 && near(size)) return `Your loss is the reference times ${size}: that is the sum of the squared errors; divide by the number of elements.`;
    if (near(0.5)) return "Your loss is half the mean squared error: no 1/2 factor here.";
    if (near(Math.sqrt(expected) / expected)) return "Your value is the root of the mean squared error (RMSE): do not take the square root.";
    return undefined;
  };
}

function gradHints(c: Case): HintRule[] {
  const { size, rows, perRow } = factors(c);
  const list = [{ value: 0.5, hint: "Your gradient is half the reference: d(e²)/de = 2e, the factor 2 is missing." }];
  if (perRow > 1) list.push({ value: perRow, hint: `Your gradient is the reference times ${perRow}: you divided by the number of rows (${rows}) instead of the number of elements (${size}).` });
  if (size > 1) list.push({ value: size, hint: `Your gradient is the reference times ${size}: the loss is a mean, so divide by the number of elements (${size}).` });
  list.push({ value: -1, hint: "Right size, opposite sign: the gradient with respect to pred is 2 (pred - target) / size, not (target - pred)." });
  return [scaleHint(list)];
}

// ---- checks --------------------------------------------------------------------------------

async function checkLoss({ learner, tf }: CheckContext, c: Case) {
  const got = await learner.call("mse", c.pred, c.target);
  expectNumberClose(`mse(pred [${c.pred.shape}], target)`, refLoss(tf, c), got, { against: "tf.losses.meanSquaredError", hint: lossHint(c) });
}

async function checkGrad({ learner, tf }: CheckContext, c: Case) {
  const got = await learner.call("mseBackward", c.pred, c.target);
  expectClose(`mseBackward(pred [${c.pred.shape}], target)`, refGrad(tf, c), got, { against: "tf.grad", hints: gradHints(c) });
}

async function checkAgainstOwnLoss({ learner }: CheckContext, c: Case) {
  const label = `mseBackward(pred [${c.pred.shape}], target)`;
  const grad = asTensorResult(label, await learner.call("mseBackward", c.pred, c.target), c.pred.shape);
  await expectGradMatchesForward({ wrt: "pred", gradLabel: label, forwardLabel: "mse", at: c.pred, grad, forward: (p) => learner.call("mse", p, c.target) });
}

function randomShape(rng: Rng): number[] {
  const rank = 1 + rng.int(3);
  return Array.from({ length: rank }, (_, d) => (d === 0 && rng.int(4) === 0 ? 1 : 1 + rng.int(rank === 1 ? 10 : 5)));
}

const randomCase = (rng: Rng) => makeCase(rng, randomShape(rng), [0.1, 1, 10][rng.int(3)]);

export default defineChecks({
  checks: [
    visible("mse matches tf.losses.meanSquaredError, the mean over all elements (pred [3,4])", 1, (ctx) => checkLoss(ctx, makeCase(ctx.rng, [3, 4]))),
    visible("mse on a 1-D [5] and a 3-D [2,3,2] shape", 1, async (ctx) => {
      await checkLoss(ctx, makeCase(ctx.rng, [5]));
      await checkLoss(ctx, makeCase(ctx.rng, [2, 3, 2]));
    }),
    visible("mseBackward matches tf.grad (pred [3,4])", 1, (ctx) => checkGrad(ctx, makeCase(ctx.rng, [3, 4]))),
    visible("mseBackward on a 1-D [5], a 3-D [2,3,2] and a single-element [1,1] shape", 1, async (ctx) => {
      await checkGrad(ctx, makeCase(ctx.rng, [5]));
      await checkGrad(ctx, makeCase(ctx.rng, [2, 3, 2]));
      await checkGrad(ctx, makeCase(ctx.rng, [1, 1]));
    }),
    visible("mseBackward agrees with finite differences of your mse (pred [3,4])", 1, (ctx) => checkAgainstOwnLoss(ctx, makeCase(ctx.rng, [3, 4]))),
    hidden("mse on random shapes and scales", 2, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkLoss(ctx, randomCase(ctx.rng));
    }),
    hidden("mseBackward on random shapes and scales", 2, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkGrad(ctx, randomCase(ctx.rng));
    }),
    hidden("mseBackward agrees with finite differences of your mse on a random shape", 1, (ctx) => checkAgainstOwnLoss(ctx, randomCase(ctx.rng))),
  ],
});
