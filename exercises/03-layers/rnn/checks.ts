import { Rng, Tensor, mul, randn, transpose } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, asObjectResult, expectBackwardMatchesForward, referenceForward, referenceGrads, mistakeHints, once, type Mistake, en } from "gradlab/checks";
import { rnnTf, type RnnCase } from "./ref.ts";
import { rnnBackward64, rnnForward64 } from "./mistakes.host.ts";

type Grad = "dx" | "dh0" | "dwx" | "dwh" | "db";
const GRADS: Grad[] = ["dx", "dh0", "dwx", "dwh", "db"];

interface Case extends RnnCase {
  dhs: Tensor;
}

/** Weights scaled by 0.5 so that tanh stays mostly out of saturation (gradients stay informative). */
function makeCase(rng: Rng, n: number, steps: number, d: number, h: number): Case {
  return {
    x: randn([n, steps, d], rng),
    h0: mul(randn([n, h], rng), 0.5),
    wx: mul(randn([d, h], rng), 0.5),
    wh: mul(randn([h, h], rng), 0.5),
    b: mul(randn([h], rng), 0.5),
    dhs: randn([n, steps, h], rng),
  };
}

/** [N, T, D, H]: N = 1 or 2..4, T = 1..5, D = 1..4, H = 1..5. */
function randomShape(rng: Rng): [number, number, number, number] {
  return [rng.int(3) === 0 ? 1 : 2 + rng.int(3), 1 + rng.int(5), 1 + rng.int(4), 1 + rng.int(5)];
}

const args = (c: Case) => [c.x, c.h0, c.wx, c.wh, c.b];

function forwardMistakes(tf: Tf, c: Case): Mistake<"hs">[] {
  return [
    {
      hint: en`Your h_t are what h_{t-1}·whᵀ gives: the recurrent term is h_{t-1}·wh, with wh [H, H] indexed [previous unit, new unit] (a square wh never complains about its shape).`,
      outputs: once(() => ({ hs: referenceForward(tf, rnnTf(tf), [c.x, c.h0, c.wx, transpose(c.wh), c.b]) })),
    },
    { hint: en`Your h_t are what you get with h0 in place of h_{t-1} at every step: carry the state, h_{t-1} is the previous step's output.`, outputs: once(() => ({ hs: rnnForward64(c, { stateFromH0: true }) })) },
    { hint: en`Your h_t are the pre-activations: apply tanh to x_t·wx + h_{t-1}·wh + b.`, outputs: once(() => ({ hs: rnnForward64(c, { noTanh: true }) })) },
    { hint: en`Your h_t are computed without the bias b.`, outputs: once(() => ({ hs: rnnForward64(c, { noBias: true }) })) },
  ];
}

function backwardMistakes(c: Case): Mistake<Grad>[] {
  const steps = c.x.shape[1];
  const variant = (m: Parameters<typeof rnnBackward64>[2]) => once(() => rnnBackward64(c.dhs, c, m));
  return [
    {
      hint: en`Your gradients ignore the path back through h_{t-1}: dL/dh_t is dhs_t plus what step t+1 sends back, (dL/da_{t+1})·whᵀ. Carry it backwards through time.`,
      outputs: variant({ noRecurrence: true }),
    },
    {
      hint: en`This gradient holds the contribution of the first time step only: accumulate (+=) the parameter gradients over all ${steps} steps instead of assigning them at each step.`,
      outputs: variant({ paramsFromStep: "first" }),
    },
    {
      hint: en`This gradient holds the contribution of the last time step only: the weights are shared by all ${steps} steps, so their gradients are sums over every step.`,
      outputs: variant({ paramsFromStep: "last" }),
    },
    { hint: en`The tanh derivative is missing: dL/da_t = dL/dh_t · (1 - h_t²).`, outputs: variant({ tanhGrad: "none" }) },
    { hint: en`The tanh derivative is 1 - h_t², not 1 - h_t.`, outputs: variant({ tanhGrad: "one-minus-h" }) },
    { hint: en`The tanh derivative is taken at the wrong point: tanh'(a) = 1 - tanh(a)² = 1 - h_t², not 1 - a_t² with the pre-activation a_t.`, outputs: variant({ tanhGrad: "pre-activation" }) },
  ];
}

async function checkForward({ learner, tf }: CheckContext, c: Case) {
  const expected = referenceForward(tf, rnnTf(tf), args(c));
  expectClose("rnnForward(x, h0, wx, wh, b)", expected, await learner.call("rnnForward", ...args(c)), {
    against: "tfjs",
    hints: mistakeHints(forwardMistakes(tf, c), "hs"),
  });
}

async function checkBackward({ learner, tf }: CheckContext, c: Case, which: Grad[]) {
  const grads = referenceGrads(tf, rnnTf(tf), args(c), c.dhs);
  const expected = Object.fromEntries(GRADS.map((k, i) => [k, grads[i]])) as Record<Grad, Tensor>;
  const label = en`rnnBackward(dhs, x, h0, wx, wh, b)`;
  const out = asObjectResult(label, await learner.call("rnnBackward", c.dhs, ...args(c)), GRADS);
  const mistakes = backwardMistakes(c);
  for (const k of which) expectClose(`${label}.${k}`, expected[k], out[k], { against: "tf.grads", hints: mistakeHints(mistakes, k) });
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: Case) {
  const out = asObjectResult("rnnBackward(dhs, x, h0, wx, wh, b)", await learner.call("rnnBackward", c.dhs, ...args(c)), GRADS);
  await expectBackwardMatchesForward({
    backward: out,
    grads: { dx: "x", dh0: "h0", dwx: "wx", dwh: "wh", db: "b" },
    inputs: { x: c.x, h0: c.h0, wx: c.wx, wh: c.wh, b: c.b },
    forward: (i) => learner.call("rnnForward", ...args({ ...c, ...i })),
    forwardLabel: "rnnForward",
    dy: c.dhs,
    maxElements: 16,
  });
}

export default defineChecks({
  checks: [
    visible("rnnForward matches tfjs (x [2,3,3], H = 4)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 2, 3, 3, 4))),
    visible("rnnForward with one sequence of one step (x [1,1,2], H = 3)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 1, 1, 2, 3))),
    visible("rnnBackward dx matches tf.grads (x [2,4,3], H = 3)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 3), ["dx"])),
    visible("rnnBackward dh0 matches tf.grads (x [2,4,3], H = 3)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 3), ["dh0"])),
    visible("rnnBackward dwx and db match tf.grads (x [2,4,3], H = 3)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 3), ["dwx", "db"])),
    visible("rnnBackward dwh matches tf.grads (x [2,4,3], H = 3)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 3), ["dwh"])),
    visible("rnnBackward with one sequence of one step (x [1,1,2], H = 3)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 1, 1, 2, 3), GRADS)),
    visible("rnnBackward agrees with finite differences of your rnnForward (x [2,3,2], H = 3)", 1, (ctx) => checkAgainstOwnForward(ctx, makeCase(ctx.rng, 2, 3, 2, 3))),
    hidden("rnnForward on random shapes", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkForward(ctx, makeCase(ctx.rng, ...randomShape(ctx.rng)));
    }),
    hidden("rnnBackward dx, dh0, dwx, dwh, db on random shapes", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkBackward(ctx, makeCase(ctx.rng, ...randomShape(ctx.rng)), GRADS);
    }),
  ],
});
