import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, expectClose, isClose, CheckFailure, asTensorResult, expectGradMatchesForward, referenceForward, referenceGrads, type TfForward, type HintRule, VS_TFJS, variantHint, en } from "gradlab/checks";
import { derivativeAlone, sigmoidOf, sigmoidTimesDy, unsquaredTanhBackward } from "./mistakes.host.ts";

type Act = "relu" | "sigmoid" | "tanh";
const ACTS: Act[] = ["relu", "sigmoid", "tanh"];
const TF_OP: Record<Act, TfForward> = { relu: (x) => x.relu(), sigmoid: (x) => x.sigmoid(), tanh: (x) => x.tanh() };

/** Element-wise map keeping the shape. */
const ew = (t: Tensor, f: (v: number, i: number) => number) => new Tensor(t.data.map(f), t.shape.slice());
// Inputs are float32 numbers, so tfjs (float32) and the learner (float64) see the same values.
const f32 = (t: Tensor) => ew(t, Math.fround);

interface Case {
  x: Tensor;
  dy: Tensor;
}

function makeCase(rng: Rng, shape: number[], scale = 2, zeros: number[] = []): Case {
  const x = f32(ew(randn(shape, rng), (v) => v * scale));
  for (const i of zeros) x.data[i] = 0;
  return { x, dy: f32(randn(shape, rng)) };
}

// ---- hints: what known mistakes produce ------------------------------------------------------

const NON_FINITE: Record<Act, string> = {
  relu: en`relu should never produce a non-finite value: return x where x > 0 and 0 elsewhere.`,
  sigmoid:
    en`exp overflows to Infinity for |x| in the hundreds: exp(-x) for x ≪ 0, exp(x) for x ≫ 0, and Infinity / Infinity is NaN. Compute 1 / (1 + exp(-x)) when x ≥ 0 and exp(x) / (1 + exp(x)) when x < 0: exp then only sees non-positive numbers.`,
  tanh: en`(e^x - e^-x) / (e^x + e^-x) overflows to Infinity / Infinity = NaN for large |x|: use Math.tanh (or rewrite with exp(-2|x|)).`,
};

function forwardHints(act: Act, c: Case): HintRule[] {
  const x = c.x;
  switch (act) {
    case "relu":
      return [variantHint(en`Your values are 0 or 1: that is relu's derivative (a mask); relu(x) itself is x where x > 0, else 0.`, () => ew(x, (v) => (v > 0 ? 1 : 0)))];
    case "sigmoid":
      return [variantHint(en`Your values are sigmoid(-x) = 1 - sigmoid(x): sigmoid(x) = 1 / (1 + exp(-x)) (note the minus sign).`, () => sigmoidOf(x, -1))];
    case "tanh":
      return [variantHint(en`Your values are sigmoid(x); tanh(x) = 2·sigmoid(2x) - 1 ranges over (-1, 1).`, () => sigmoidOf(x, 1))];
  }
}

function backwardHints(act: Act, c: Case): HintRule[] {
  const { x, dy } = c;
  const common = variantHint(en`Your values are ${act}'(x) alone: multiply by the upstream gradient, dx = dy · ${act}'(x) (chain rule).`, () => derivativeAlone(act, x));
  switch (act) {
    case "relu":
      return [
        common,
        variantHint(en`Your dx is relu(dy): the mask must come from the input x (dy where x > 0, else 0), not from the sign of dy.`, () => ew(dy, (v) => (v > 0 ? v : 0))),
        // x < 0 must block the gradient: some element with x < 0 carries dy.
        (_expected, got) => {
          const leaks = x.data.some((v, i) => v < 0 && Math.abs(dy.data[i]) > 1e-3 && isClose(dy.data[i], got.data[i], VS_TFJS));
          return leaks ? en`Where x < 0 ReLU's derivative is 0, but your dx passes dy through there: the mask comes from x (x > 0), not from dy or y.` : undefined;
        },
        // Wrong only where x is exactly 0, with dy passed: relu'(0) taken as 1.
        (expected, got) => {
          let atZero = 0;
          for (let i = 0; i < x.data.length; i++) {
            if (isClose(expected.data[i], got.data[i], VS_TFJS)) continue;
            if (x.data[i] !== 0 || !isClose(dy.data[i], got.data[i], VS_TFJS)) return undefined;
            atZero++;
          }
          return atZero ? en`Only the elements where x is exactly 0 are wrong: the convention (tfjs's) is relu'(0) = 0, so the mask is x > 0, not x >= 0.` : undefined;
        },
      ];
    case "sigmoid":
      return [
        common,
        variantHint(en`You used x where sigmoid(x) belongs: sigmoid'(x) = s(1 - s) with s = sigmoid(x), not x(1 - x).`, () => ew(x, (v, i) => dy.data[i] * v * (1 - v))),
        variantHint(en`sigmoid'(x) = s(1 - s) with s = sigmoid(x): the factor (1 - s) is missing.`, () => sigmoidTimesDy(x, dy)),
      ];
    case "tanh":
      return [
        common,
        variantHint(en`tanh'(x) = 1 - tanh(x)², squared: you used 1 - tanh(x).`, () => unsquaredTanhBackward(x, dy)),
        variantHint(en`You used x where tanh(x) belongs: tanh'(x) = 1 - tanh(x)², not 1 - x².`, () => ew(x, (v, i) => dy.data[i] * (1 - v * v))),
      ];
  }
}

/** expectClose, with the activation's own hint when the learner's result is not finite. */
function compare(act: Act, label: string, expected: Tensor, got: unknown, against: string, hints: HintRule[]): void {
  try {
    expectClose(label, expected, got, { against, hints });
  } catch (e) {
    if (e instanceof CheckFailure && / contains (NaN|-?Infinity) /.test(e.message)) throw new CheckFailure(e.message, { hint: NON_FINITE[act], data: e.data });
    throw e;
  }
}

async function checkForward({ learner, tf }: CheckContext, act: Act, c: Case) {
  const expected = referenceForward(tf, TF_OP[act], [c.x]);
  compare(act, `${act}(x)`, expected, await learner.call(act, c.x), `tf.${act}`, forwardHints(act, c));
}

async function checkBackward({ learner, tf }: CheckContext, act: Act, c: Case) {
  const [expected] = referenceGrads(tf, TF_OP[act], [c.x], c.dy);
  compare(act, `${act}Backward(dy, x)`, expected, await learner.call(`${act}Backward`, c.dy, c.x), "tf.grads", backwardHints(act, c));
}

async function checkAgainstOwnForward({ learner }: CheckContext, act: Act, c: Case) {
  const grad = asTensorResult(`${act}Backward(dy, x)`, await learner.call(`${act}Backward`, c.dy, c.x), c.x.shape);
  await expectGradMatchesForward({ wrt: "x", gradLabel: `${act}Backward(dy, x)`, forwardLabel: act, at: c.x, grad, dy: c.dy, forward: (x) => learner.call(act, x) });
}

/** Huge and moderate inputs, positive and negative, in a [3, 4] tensor. */
function hugeCase(rng: Rng): Case {
  const x = new Tensor([-1e4, -1000, -100, -40, -20, -0.5, 0.5, 20, 40, 100, 1000, 1e4], [3, 4]);
  return { x, dy: f32(randn([3, 4], rng)) };
}

/** Finite differences need a point away from relu's kink at 0. */
function smoothCase(rng: Rng): Case {
  const c = makeCase(rng, [2, 5], 2);
  return { ...c, x: ew(c.x, (v) => (Math.abs(v) < 0.05 ? Math.fround(v < 0 ? -0.5 : 0.5) : v)) };
}

function randomShape(rng: Rng): number[] {
  const rank = 1 + rng.int(3);
  return Array.from({ length: rank }, () => 1 + rng.int(rank === 1 ? 9 : 4));
}

function randomCase(rng: Rng): Case {
  const shape = randomShape(rng);
  const n = shape.reduce((a, b) => a * b, 1);
  const zeros = Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.1);
  return makeCase(rng, shape, [1, 3, 10][rng.int(3)], zeros);
}

export default defineChecks({
  checks: [
    visible("relu matches tf.relu (x [3,4], two elements exactly 0)", 1, (ctx) => checkForward(ctx, "relu", makeCase(ctx.rng, [3, 4], 2, [1, 6]))),
    visible("sigmoid matches tf.sigmoid (x [2,2,3])", 1, (ctx) => checkForward(ctx, "sigmoid", makeCase(ctx.rng, [2, 2, 3], 3))),
    visible("tanh matches tf.tanh (x [7], 1-D)", 1, (ctx) => checkForward(ctx, "tanh", makeCase(ctx.rng, [7], 2))),
    visible("reluBackward matches tf.grads, relu'(0) = 0 (x [3,4])", 1, (ctx) => checkBackward(ctx, "relu", makeCase(ctx.rng, [3, 4], 2, [2, 9]))),
    visible("sigmoidBackward matches tf.grads (x [2,3,2])", 1, (ctx) => checkBackward(ctx, "sigmoid", makeCase(ctx.rng, [2, 3, 2], 3))),
    visible("tanhBackward matches tf.grads (x [7], 1-D)", 1, (ctx) => checkBackward(ctx, "tanh", makeCase(ctx.rng, [7], 2))),
    visible("all six stay finite and right for huge inputs (|x| up to 1e4)", 1, async (ctx) => {
      const c = hugeCase(ctx.rng);
      for (const act of ACTS) {
        await checkForward(ctx, act, c);
        await checkBackward(ctx, act, c);
      }
    }),
    visible("each backward agrees with finite differences of your forward (x [2,5])", 1, async (ctx) => {
      for (const act of ACTS) await checkAgainstOwnForward(ctx, act, smoothCase(ctx.rng));
    }),
    hidden("relu, sigmoid, tanh on random 1-D, 2-D and 3-D shapes", 1, async (ctx) => {
      for (let i = 0; i < 2; i++) for (const act of ACTS) await checkForward(ctx, act, randomCase(ctx.rng));
    }),
    hidden("reluBackward, sigmoidBackward, tanhBackward on random shapes", 1, async (ctx) => {
      for (let i = 0; i < 2; i++) for (const act of ACTS) await checkBackward(ctx, act, randomCase(ctx.rng));
    }),
  ],
});
