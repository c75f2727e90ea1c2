import { Rng, Tensor, mul, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, expectClose, asObjectResult, expectBackwardMatchesForward, referenceForward, referenceGrads, mistakeHints, once, type Mistake, en } from "gradlab/checks";
import { lstmTf, type LstmCase } from "./ref.ts";
import { lstm64, type LstmMistakes, type LstmOutputs } from "./mistakes.host.ts";

type Grad = "dx" | "dh0" | "dc0" | "dwx" | "dwh" | "db";
const GRADS: Grad[] = ["dx", "dh0", "dc0", "dwx", "dwh", "db"];
const INPUT_OF: Record<Grad, keyof LstmCase> = { dx: "x", dh0: "h0", dc0: "c0", dwx: "wx", dwh: "wh", db: "b" };

interface Case extends LstmCase {
  dhs: Tensor;
}

/** Weights scaled by 0.5 so that the gates stay mostly out of saturation (gradients stay informative). */
function makeCase(rng: Rng, n: number, steps: number, d: number, h: number): Case {
  return {
    x: randn([n, steps, d], rng),
    h0: mul(randn([n, h], rng), 0.5),
    c0: mul(randn([n, h], rng), 0.5),
    wx: mul(randn([d, 4 * h], rng), 0.5),
    wh: mul(randn([h, 4 * h], rng), 0.5),
    b: mul(randn([4 * h], rng), 0.5),
    dhs: randn([n, steps, h], rng),
  };
}

/** [N, T, D, H]: N = 1 or 2..4, T = 1..5, D = 1..4, H = 1..5. */
function randomShape(rng: Rng): [number, number, number, number] {
  return [rng.int(3) === 0 ? 1 : 2 + rng.int(3), 1 + rng.int(5), 1 + rng.int(4), 1 + rng.int(5)];
}

const args = (c: LstmCase) => [c.x, c.h0, c.c0, c.wx, c.wh, c.b];

/** The mistakes learners make, each with what it would produce on this case (computed on demand). */
function mistakes(c: Case): Mistake<keyof LstmOutputs>[] {
  const variant = (m: LstmMistakes) => once(() => lstm64(c, c.dhs, m));
  const order = (o: string) =>
    en`Your numbers are what the gate order ${o} gives. tfjs/Keras (and PyTorch) lay the 4H columns of wx, wh and b out as i, f, c (the candidate g), o: i = σ(z[:, 0:H]), f = σ(z[:, H:2H]), g = tanh(z[:, 2H:3H]), o = σ(z[:, 3H:4H]).`;
  return [
    { hint: order(en`f, i, g, o (input and forget gates swapped)`), outputs: variant({ order: ["f", "i", "g", "o"] }) },
    { hint: order(en`i, f, o, g (candidate and output gate swapped, as in CS231n)`), outputs: variant({ order: ["i", "f", "o", "g"] }) },
    { hint: order(en`i, g, f, o (TensorFlow 1's LSTMCell order i, j, f, o)`), outputs: variant({ order: ["i", "g", "f", "o"] }) },
    {
      hint: en`Your gates use the hard sigmoid clip(0.2·z + 0.5, 0, 1), tf.layers.lstm's default recurrentActivation; this exercise uses the logistic sigmoid 1 / (1 + e^(-z)).`,
      outputs: variant({ gateActivation: "hard-sigmoid" }),
    },
    { hint: en`Your h_t = o_t · c_t misses the tanh of the cell: h_t = o_t · tanh(c_t).`, outputs: variant({ hWithoutTanh: true }) },
    {
      hint: en`dL/dc_t is not carried through time: besides dL/dh_t · o_t · (1 - tanh²(c_t)), c_t also receives f_{t+1} · dL/dc_{t+1} from the next step (and dc0 = f_0 · dL/dc_0).`,
      outputs: variant({ dcNotCarried: true }),
    },
    {
      hint: en`dL/dh_t is not carried through time: besides dhs_t, h_t also feeds step t+1 through wh, so it receives (dL/dz_{t+1})·whᵀ from the next step (and dh0 is that sum at t = 0).`,
      outputs: variant({ dhNotCarried: true }),
    },
    {
      hint: en`The tanh derivative on the cell is missing: h_t = o_t · tanh(c_t), so dL/dc_t gets dL/dh_t · o_t · (1 - tanh²(c_t)), not dL/dh_t · o_t.`,
      outputs: variant({ noCellTanhGrad: true }),
    },
  ];
}

async function checkForward({ learner, tf }: CheckContext, c: Case) {
  const expected = referenceForward(tf, lstmTf(tf), args(c));
  expectClose("lstmForward(x, h0, c0, wx, wh, b)", expected, await learner.call("lstmForward", ...args(c)), {
    against: "tfjs",
    hints: mistakeHints(mistakes(c), "hs"),
  });
}

async function checkBackward({ learner, tf }: CheckContext, c: Case, which: Grad[]) {
  const grads = referenceGrads(tf, lstmTf(tf), args(c), c.dhs);
  const expected = Object.fromEntries(GRADS.map((k, i) => [k, grads[i]])) as Record<Grad, Tensor>;
  const label = en`lstmBackward(dhs, x, h0, c0, wx, wh, b)`;
  const out = asObjectResult(label, await learner.call("lstmBackward", c.dhs, ...args(c)), GRADS);
  const ms = mistakes(c);
  for (const k of which) expectClose(`${label}.${k}`, expected[k], out[k], { against: "tf.grads", hints: mistakeHints(ms, k) });
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: Case) {
  const out = asObjectResult("lstmBackward(dhs, x, h0, c0, wx, wh, b)", await learner.call("lstmBackward", c.dhs, ...args(c)), GRADS);
  await expectBackwardMatchesForward({
    backward: out,
    grads: INPUT_OF,
    inputs: { x: c.x, h0: c.h0, c0: c.c0, wx: c.wx, wh: c.wh, b: c.b },
    forward: (i) => learner.call("lstmForward", ...args({ ...c, ...i })),
    forwardLabel: "lstmForward",
    dy: c.dhs,
    maxElements: 8, // spread over the tensor: with H = 2 that still samples every gate block
  });
}

export default defineChecks({
  checks: [
    visible("lstmForward matches tfjs (x [2,3,3], H = 3)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 2, 3, 3, 3))),
    visible("lstmForward with one sequence of one step (x [1,1,2], H = 2)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 1, 1, 2, 2))),
    visible("lstmBackward dx and dh0 match tf.grads (x [2,4,3], H = 2)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 2), ["dx", "dh0"])),
    visible("lstmBackward dc0 matches tf.grads (x [2,4,3], H = 2)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 2), ["dc0"])),
    visible("lstmBackward dwx and db match tf.grads (x [2,4,3], H = 2)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 2), ["dwx", "db"])),
    visible("lstmBackward dwh matches tf.grads (x [2,4,3], H = 2)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 2), ["dwh"])),
    visible("lstmBackward with one sequence of one step (x [1,1,2], H = 2)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 1, 1, 2, 2), GRADS)),
    visible("lstmBackward agrees with finite differences of your lstmForward (x [2,3,2], H = 2)", 1, (ctx) => checkAgainstOwnForward(ctx, makeCase(ctx.rng, 2, 3, 2, 2))),
    hidden("lstmForward on random shapes", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkForward(ctx, makeCase(ctx.rng, ...randomShape(ctx.rng)));
    }),
    hidden("lstmBackward dx, dh0, dc0, dwx, dwh, db on random shapes", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkBackward(ctx, makeCase(ctx.rng, ...randomShape(ctx.rng)), GRADS);
    }),
  ],
});
