import type * as TF from "@tensorflow/tfjs";
import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, expectNumberClose, asTensorResult, expectGradMatchesForward, scaleHint, type HintRule, fromTf, toTf, keptAcrossGrades, isClose, VS_TFJS_RELATIVE, en } from "gradlab/checks";

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

const refLoss = keptAcrossGrades((tf: Tf, c: Case): number => {
  return tf.tidy(() => tfMse(tf, toTf(tf, c.target))(toTf(tf, c.pred)).dataSync()[0]);
});

const refGrad = keptAcrossGrades((tf: Tf, c: Case): Tensor => {
  const g = tf.tidy(() => tf.grad(tfMse(tf, toTf(tf, c.target)))(toTf(tf, c.pred)));
  const r = fromTf(g);
  g.dispose();
  return r;
});

// ---- hints: the constant factors that known mistakes introduce ------------------------------

/**
 * The wrong counts a mean may be divided by: the product of any proper subset of the axes (the
 * rows, the last axis, ...). Returns count → what it is, for every count other than the size.
 */
function wrongCounts(shape: number[]): Map<number, string> {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Map<number, string>();
  for (let mask = 1; mask < (1 << shape.length) - 1; mask++) {
    const axes = shape.flatMap((_, d) => ((mask >> d) & 1 ? [d] : []));
    const count = axes.reduce((p, d) => p * shape[d], 1);
    if (count === size) continue;
    const what = axes.length === 1 ? en`the size of axis ${axes[0]}` : en`the product of axes ${axes.join(" and ")}`;
    out.set(count, out.has(count) ? `${out.get(count)} or ${what}` : what);
  }
  return out;
}

/**
 * Every factor a known mistake multiplies the right answer by, with each mistake that gives it.
 * Several mistakes can give the same factor (the factor 2 counted twice, and a division by half
 * the elements): the hint then names all of them, since the numbers cannot tell them apart.
 */
function knownFactors(shape: number[], forGradient: boolean): { value: number; causes: string[] }[] {
  const size = shape.reduce((a, b) => a * b, 1);
  const factors: { value: number; causes: string[] }[] = [];
  const add = (value: number, cause: string) => {
    const f = factors.find((x) => Math.abs(x.value - value) <= 1e-9 * Math.abs(value));
    if (f) f.causes.push(cause);
    else factors.push({ value, causes: [cause] });
  };
  if (forGradient) {
    add(0.5, en`the factor 2 of d(e²)/de = 2e is missing`);
    add(2, en`the factor 2 is counted twice`);
  } else {
    add(0.5, en`a factor 1/2 that this loss does not have`);
  }
  for (const [count, what] of wrongCounts(shape)) add(size / count, en`it is divided by ${count} (${what}) where the mean divides by all ${size} elements`);
  if (size > 1) add(size, en`there is no division by the number of elements (${size}): the loss is a mean`);
  return factors.filter((f) => f.value !== 1);
}

const factorText = (value: number) => (value === 0.5 ? en`half` : en`${Number(value.toPrecision(4))} times`);
const causesText = (causes: string[]) => (causes.length === 1 ? causes[0] : causes.length === 2 ? en`either ${causes[0]}, or ${causes[1]}` : en`either ${causes.join(", or ")}`);

function lossHint(c: Case) {
  const factors = knownFactors(c.pred.shape, false);
  return (expected: number, got: number): string | undefined => {
    const ratio = got / expected;
    for (const f of factors) {
      if (isClose(f.value, ratio, VS_TFJS_RELATIVE)) return en`Your loss is ${factorText(f.value)} the reference: ${causesText(f.causes)}.`;
    }
    if (isClose(Math.sqrt(expected), got, VS_TFJS_RELATIVE)) return en`Your value is the root of the mean squared error (RMSE): do not take the square root.`;
    return undefined;
  };
}

function gradHints(c: Case): HintRule[] {
  const list = knownFactors(c.pred.shape, true).map((f) => ({ value: f.value, hint: en`Your gradient is ${factorText(f.value)} the reference: ${causesText(f.causes)}.` }));
  list.push({ value: -1, hint: en`Right size, opposite sign: the gradient with respect to pred is 2 (pred - target) / size, not (target - pred).` });
  return [scaleHint(list)];
}

// ---- checks --------------------------------------------------------------------------------

/** "pred [2,3,2] (12 elements)": the kind of case, for a hidden failure's message. */
const describeCase = (ctx: CheckContext, c: Case) => ctx.describe(c.pred.size === 1 ? en`pred [${c.pred.shape}] (1 element)` : en`pred [${c.pred.shape}] (${c.pred.size} elements)`);

async function checkLoss(ctx: CheckContext, c: Case) {
  const { learner, tf } = ctx;
  describeCase(ctx, c);
  const got = await learner.call("mse", c.pred, c.target);
  expectNumberClose(`mse(pred [${c.pred.shape}], target)`, refLoss(tf, c), got, { against: "tf.losses.meanSquaredError", hint: lossHint(c) });
}

async function checkGrad(ctx: CheckContext, c: Case) {
  const { learner, tf } = ctx;
  describeCase(ctx, c);
  const got = await learner.call("mseBackward", c.pred, c.target);
  expectClose(`mseBackward(pred [${c.pred.shape}], target)`, refGrad(tf, c), got, { against: "tf.grad", hints: gradHints(c) });
}

async function checkAgainstOwnLoss(ctx: CheckContext, c: Case) {
  const { learner } = ctx;
  describeCase(ctx, c);
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
