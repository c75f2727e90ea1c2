import { Rng, Tensor, mul, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, expectClose, asObjectResult, expectBackwardMatchesForward, referenceGrads, mistakeHints, once, type Mistake, en } from "gradlab/checks";
import { gruTf, layerGru, type GruCase } from "./ref.ts";
import { gru64, type GruMistakes, type GruOutputs } from "./mistakes.host.ts";

type Grad = "dx" | "dh0" | "dwx" | "dwh" | "db";
const GRADS: Grad[] = ["dx", "dh0", "dwx", "dwh", "db"];
const INPUT_OF: Record<Grad, keyof GruCase> = { dx: "x", dh0: "h0", dwx: "wx", dwh: "wh", db: "b" };

interface Case extends GruCase {
  dhs: Tensor;
}

/** Weights scaled by 0.5 so that the gates stay mostly out of saturation (gradients stay informative). */
function makeCase(rng: Rng, n: number, steps: number, d: number, h: number): Case {
  return {
    x: randn([n, steps, d], rng),
    h0: mul(randn([n, h], rng), 0.5),
    wx: mul(randn([d, 3 * h], rng), 0.5),
    wh: mul(randn([h, 3 * h], rng), 0.5),
    b: mul(randn([3 * h], rng), 0.5),
    dhs: randn([n, steps, h], rng),
  };
}

/** [N, T, D, H]: N = 1 or 2..4, T = 1..5, D = 1..4, H = 1..5. */
function randomCase(ctx: CheckContext): Case {
  const { rng } = ctx;
  const [n, t, d, h] = [rng.int(3) === 0 ? 1 : 2 + rng.int(3), 1 + rng.int(5), 1 + rng.int(4), 1 + rng.int(5)];
  ctx.describe(en`x [${n},${t},${d}], H = ${h}`);
  return makeCase(rng, n, t, d, h);
}

const args = (c: GruCase) => [c.x, c.h0, c.wx, c.wh, c.b];

/** The mistakes learners make, each with what it would produce on this case (computed on demand). */
function mistakes(c: Case): Mistake<keyof GruOutputs>[] {
  const variant = (m: GruMistakes) => once(() => gru64(c, c.dhs, m));
  return [
    {
      hint: en`Your numbers are what the gate order r, z, h gives (PyTorch's order). tfjs/Keras lay the 3H columns of wx, wh and b out as z (update), r (reset), h (candidate): z from columns 0:H, r from H:2H, the candidate from 2H:3H.`,
      outputs: variant({ orderRZH: true }),
    },
    {
      hint: en`Your interpolation is the other way round: tfjs/Keras (and PyTorch) keep the old state with weight z, h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ_t. (Cho et al. and some textbooks write it with z and 1 − z swapped.)`,
      outputs: variant({ interpolationSwapped: true }),
    },
    {
      hint: en`Your reset gate is applied after the recurrent matmul, ĥ = tanh(x·wx_h + b_h + r ⊙ (h_{t−1}·wh_h)) (Keras's reset_after = true, PyTorch's GRU). tfjs's GRU resets before it: ĥ = tanh(x·wx_h + b_h + (r ⊙ h_{t−1})·wh_h).`,
      outputs: variant({ resetAfter: true }),
    },
    {
      hint: en`Your gates use the hard sigmoid clip(0.2·a + 0.5, 0, 1), tf.layers.gru's default recurrentActivation; this exercise uses the logistic sigmoid 1 / (1 + e^(−a)).`,
      outputs: variant({ hardSigmoid: true }),
    },
    {
      hint: en`dL/dh_t is not carried through time: besides dhs_t, h_t feeds step t+1 (directly with weight z_{t+1}, and through wh into z, r and ĥ), so it receives all of that back from the next step (and dh0 is that sum at t = 0).`,
      outputs: variant({ dhNotCarried: true }),
    },
    {
      hint: en`dh_{t−1} misses the direct path: h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ, so h_{t−1} receives z ⊙ dL/dh_t besides what comes back through wh.`,
      outputs: variant({ noDirectPath: true }),
    },
    {
      hint: en`The candidate block of your dwh multiplies by h_{t−1}, but the candidate's recurrent input is r ⊙ h_{t−1}: dwh[:, 2H:3H] = Σ_t (r_t ⊙ h_{t−1})ᵀ · dL/dâ_t.`,
      outputs: variant({ dwhCandidateWithoutReset: true }),
    },
  ];
}

async function checkForward({ learner, tf }: CheckContext, c: Case) {
  const expected = layerGru(tf, c);
  expectClose("gruForward(x, h0, wx, wh, b)", expected, await learner.call("gruForward", ...args(c)), {
    against: "tf.layers.gru",
    hints: mistakeHints(mistakes(c), "hs"),
  });
}

async function checkBackward({ learner, tf }: CheckContext, c: Case, which: Grad[]) {
  const grads = referenceGrads(tf, gruTf(tf), args(c), c.dhs);
  const expected = Object.fromEntries(GRADS.map((k, i) => [k, grads[i]])) as Record<Grad, Tensor>;
  const label = en`gruBackward(dhs, x, h0, wx, wh, b)`;
  const out = asObjectResult(label, await learner.call("gruBackward", c.dhs, ...args(c)), GRADS);
  const ms = mistakes(c);
  for (const k of which) expectClose(`${label}.${k}`, expected[k], out[k], { against: "tf.grads", hints: mistakeHints(ms, k) });
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: Case) {
  const out = asObjectResult("gruBackward(dhs, x, h0, wx, wh, b)", await learner.call("gruBackward", c.dhs, ...args(c)), GRADS);
  await expectBackwardMatchesForward({
    backward: out,
    grads: INPUT_OF,
    inputs: { x: c.x, h0: c.h0, wx: c.wx, wh: c.wh, b: c.b },
    forward: (i) => learner.call("gruForward", ...args({ ...c, ...i })),
    forwardLabel: "gruForward",
    dy: c.dhs,
    maxElements: 9, // spread over the tensor: with H = 2 that still samples every gate block
  });
}

export default defineChecks({
  checks: [
    visible("gruForward matches tf.layers.gru (x [2,3,3], H = 3)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 2, 3, 3, 3))),
    visible("gruForward with one sequence of one step (x [1,1,2], H = 2)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 1, 1, 2, 2))),
    visible("gruBackward dx and dh0 match tf.grads (x [2,4,3], H = 2)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 2), ["dx", "dh0"])),
    visible("gruBackward dwx and db match tf.grads (x [2,4,3], H = 2)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 2), ["dwx", "db"])),
    visible("gruBackward dwh matches tf.grads (x [2,4,3], H = 2)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 2, 4, 3, 2), ["dwh"])),
    visible("gruBackward with one sequence of one step (x [1,1,2], H = 2)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 1, 1, 2, 2), GRADS)),
    visible("gruBackward agrees with finite differences of your gruForward (x [2,3,2], H = 2)", 1, (ctx) => checkAgainstOwnForward(ctx, makeCase(ctx.rng, 2, 3, 2, 2))),
    hidden("gruForward on random shapes", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkForward(ctx, randomCase(ctx));
    }),
    hidden("gruBackward dx, dh0, dwx, dwh, db on random shapes", 2, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkBackward(ctx, randomCase(ctx), GRADS);
    }),
  ],
});
