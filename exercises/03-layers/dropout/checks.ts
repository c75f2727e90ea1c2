import { type Rng, Tensor, ones, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, SandboxFn, expectClose, fmt, CheckFailure, asObjectResult, asTensorResult, expectGradMatchesForward, referenceForward, referenceGrads, scaleHint, type HintRule, VS_FLOAT64, variantHint, hostAnswer, en } from "gradlab/checks";
import { columnMajorMask, keepMask, type MaskOptions } from "./mask.host.ts";

interface DropCase {
  x: Tensor;
  dy: Tensor;
  rate: number;
  /** Seed of the learner's random(): `new SandboxFn("uniform", [seed])` in the sandbox, `new Rng(seed)` in mask.host.ts. */
  seed: number;
}

function makeCase(rng: Rng, shape: number[], rate: number): DropCase {
  return { x: randn(shape, rng), dy: randn(shape, rng), rate, seed: rng.int(2 ** 31) };
}

function describeCase(c: DropCase): string {
  return `x [${c.x.shape}], rate ${c.rate}`;
}

/** The reference mask for `c` (mask.host.ts: server-only; in Run, recorded for the visible cases). */
const maskOf = (c: DropCase, opts?: MaskOptions): Tensor | undefined => keepMask(c.x.shape, c.seed, c.rate, opts ?? {});

/** y computed by tfjs from the reference mask: x · mask / (1 − rate). */
function expectedY({ tf }: CheckContext, c: DropCase, mask: Tensor): Tensor {
  return referenceForward(tf, (x, m) => x.mul(m).div(1 - c.rate), [c.x, mask]);
}

const SEQUENCE =
  en`call random() exactly once per element, in row-major order (the order of x.data), and nowhere else during the forward pass.`;

/** Hints naming the mistake from the mask (or from y, mapped through `asY`). */
function sequenceHints(c: DropCase, asY: (m: Tensor) => Tensor): HintRule[] {
  // Run has no mistake masks (undefined): the hint then says nothing.
  const variant = (opts: MaskOptions) => () => { const m = maskOf(c, opts); return m && asY(m); };
  const hints: HintRule[] = [
    variantHint(en`You keep an element where random() < rate: keep it where random() >= rate (rate is the probability of dropping).`, variant({ inverted: true })),
  ];
  for (const skip of [1, 2, 3]) hints.push(variantHint(en`Your mask is the right rule on a random sequence shifted by ${skip} call${skip > 1 ? "s" : ""}: ${SEQUENCE}`, variant({ skip })));
  for (const [every, skip] of [[2, 0], [2, 1]]) hints.push(variantHint(en`Your mask uses every second random number (random() is called twice per element): ${SEQUENCE}`, variant({ every, skip })));
  hints.push(variantHint(en`Your random numbers go to the elements column by column: ${SEQUENCE}`, () => { const m = columnMajorMask(c.x.shape, c.seed, c.rate); return m && asY(m); }));
  return hints;
}

async function forwardOut({ learner }: CheckContext, c: DropCase, training: boolean, label: string) {
  return asObjectResult(label, await learner.call("dropoutForward", c.x, c.rate, training, new SandboxFn("uniform", [c.seed])), ["y", "mask"]);
}

const forwardLabel = (c: DropCase, training: boolean) => `dropoutForward(x, ${c.rate}, ${training}, random)`;

async function checkTrainingY(ctx: CheckContext, c: DropCase) {
  const label = forwardLabel(c, true);
  const out = await forwardOut(ctx, c, true, label);
  const mask = hostAnswer(maskOf(c));
  const asY = (m: Tensor) => expectedY(ctx, c, m);
  expectClose(`${label}.y`, asY(mask), out.y, {
    against: en`x · mask / (1 − rate) computed by tfjs from the reference mask (${describeCase(c)})`,
    hints: [
      variantHint(en`Your y is x · mask without the 1 / (1 − rate) scale: inverted dropout scales the kept elements during training, so that nothing changes at test time.`, () => referenceForward(ctx.tf, (x, m) => x.mul(m), [c.x, mask])),
      variantHint(en`Your y multiplies the kept elements by (1 − rate): inverted dropout divides them by (1 − rate).`, () => referenceForward(ctx.tf, (x, m) => x.mul(m).mul(1 - c.rate), [c.x, mask])),
      ...sequenceHints(c, asY),
    ],
  });
}

async function checkTrainingMask(ctx: CheckContext, c: DropCase) {
  const label = forwardLabel(c, true);
  const out = await forwardOut(ctx, c, true, label);
  const mask = hostAnswer(maskOf(c));
  expectClose(`${label}.mask`, mask, out.mask, {
    tol: VS_FLOAT64,
    against: en`the 0/1 keep indicator of your random() draws (${describeCase(c)})`,
    hints: [
      scaleHint([{ value: 1 / (1 - c.rate), hint: en`Your mask holds 1 / (1 − rate) for kept elements: the mask is the 0/1 keep indicator; the scale belongs in y (and in the backward).` }]),
      ...sequenceHints(c, (m) => m),
      () => en`mask[i] is 1 where the i-th random() number is >= rate and 0 where it is smaller, one number per element in row-major order.`,
    ],
  });
}

async function checkNotTraining(ctx: CheckContext, c: DropCase) {
  const label = forwardLabel(c, false);
  const out = await forwardOut(ctx, c, false, label);
  const testTime = en`Outside training dropout does nothing: y = x and the mask is all ones (inverted dropout already scaled during training, so there is no scaling at test time).`;
  expectClose(`${label}.y`, c.x, out.y, {
    tol: VS_FLOAT64,
    against: "x itself",
    hints: [scaleHint([{ value: 1 - c.rate, hint: en`Your y is x · (1 − rate). ${testTime}` }, { value: 1 / (1 - c.rate), hint: en`Your y is x / (1 − rate). ${testTime}` }]), () => en`Your y is not x. ${testTime}`],
  });
  expectClose(`${label}.mask`, ones(c.x.shape), out.mask, { tol: VS_FLOAT64, against: "all ones", hints: [() => testTime] });
}

/** Over a large tensor of ones: the fraction dropped is close to rate and the mean of y close to 1. */
async function checkStatistics(ctx: CheckContext, shape: number[], rate: number) {
  const c: DropCase = { x: ones(shape), dy: ones(shape), rate, seed: ctx.rng.int(2 ** 31) };
  const label = forwardLabel(c, true);
  const out = await forwardOut(ctx, c, true, label);
  const y = asTensorResult(`${label}.y`, out.y, shape);
  const mask = asTensorResult(`${label}.mask`, out.mask, shape);
  const n = y.data.length;
  let dropped = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const m = mask.data[i];
    if (m !== 0 && m !== 1) throw new CheckFailure(en`${label}.mask has ${fmt(m)} at flat index ${i}; the mask holds only 0 (dropped) and 1 (kept).`);
    dropped += 1 - m;
    total += y.data[i];
  }
  const fraction = dropped / n;
  const sigma = Math.sqrt((rate * (1 - rate)) / n);
  const stats = en`${fmt(fraction)} of ${n} elements dropped (expected ${rate} ± ${fmt(4 * sigma)}); mean of y ${fmt(total / n)} for x all ones (expected 1 ± ${fmt((4 * sigma) / (1 - rate))})`;
  if (Math.abs(fraction - rate) > 4 * sigma) {
    throw new CheckFailure(en`With rate ${rate}, ${stats}.`, {
      hint: Math.abs(fraction - (1 - rate)) <= 4 * sigma ? en`You drop a fraction 1 − rate: rate is the probability of dropping; keep where random() >= rate.` : undefined,
    });
  }
  if (Math.abs(total / n - 1) > (4 * sigma) / (1 - rate) || y.data.some((v, i) => Math.abs(v - mask.data[i] / (1 - rate)) > 1e-9)) {
    throw new CheckFailure(en`With rate ${rate}, ${stats}; kept elements must be x / (1 − rate) = ${fmt(1 / (1 - rate))} and dropped ones 0.`, {
      hint: en`Scale the kept elements by 1 / (1 − rate) so that the expected value of y equals x.`,
    });
  }
  return { output: `${stats}.` };
}

async function checkBackward({ learner, tf }: CheckContext, c: DropCase) {
  const mask = hostAnswer(maskOf(c));
  const label = `dropoutBackward(dy, mask, ${c.rate})`;
  const [dx] = referenceGrads(tf, (x) => x.mul(tf.tensor(Float32Array.from(mask.data), mask.shape)).div(1 - c.rate), [c.x], c.dy);
  expectClose(label, dx, await learner.call("dropoutBackward", c.dy, mask, c.rate), {
    against: en`tf.grads of sum(x · mask / (1 − rate) · dy) (${describeCase(c)})`,
    hints: [
      variantHint(en`Your dx is dy · mask without the 1 / (1 − rate): the backward of y = x · mask / (1 − rate) keeps the scale.`, () => referenceForward(tf, (g, m) => g.mul(m), [c.dy, mask])),
      scaleHint([{ value: (1 - c.rate) ** 2, hint: en`Your dx multiplies by (1 − rate) where it should divide.` }]),
    ],
  });
}

async function checkAgainstOwnForward(ctx: CheckContext, c: DropCase) {
  const { learner } = ctx;
  const label = forwardLabel(c, true);
  const out = await forwardOut(ctx, c, true, label);
  const mask = asTensorResult(`${label}.mask`, out.mask, c.x.shape);
  const dx = asTensorResult(`dropoutBackward(dy, mask, ${c.rate})`, await learner.call("dropoutBackward", c.dy, mask, c.rate), c.x.shape);
  await expectGradMatchesForward({
    wrt: "x",
    gradLabel: `dropoutBackward(dy, mask, ${c.rate}) with your forward's mask`,
    at: c.x,
    grad: dx,
    dy: c.dy,
    forwardLabel: "dropoutForward(...).y (same random() seed every call)",
    forward: async (x) => (await forwardOut(ctx, { ...c, x }, true, label)).y,
  });
}

function randomShape(rng: Rng): number[] {
  const rank = 1 + rng.int(3);
  return Array.from({ length: rank }, () => 1 + rng.int(6));
}

const randomRate = (rng: Rng) => [0.1, 0.25, 0.5, 0.75, 0.9][rng.int(5)];

export default defineChecks({
  checks: [
    visible("dropoutForward in training: y = x · mask / (1 − rate) (x [4,5], rate 0.3)", 1, (ctx) => checkTrainingY(ctx, makeCase(ctx.rng, [4, 5], 0.3))),
    visible("dropoutForward in training: mask is the 0/1 keep indicator, random() >= rate (x [4,5], rate 0.3)", 1, (ctx) =>
      checkTrainingMask(ctx, makeCase(ctx.rng, [4, 5], 0.3))),
    visible("dropoutForward drops a fraction rate of a large tensor and keeps the mean (x [100,100] of ones, rate 0.4)", 1, (ctx) =>
      checkStatistics(ctx, [100, 100], 0.4)),
    visible("dropoutForward outside training: y is x, the mask all ones (x [3,4], rate 0.5)", 1, (ctx) => checkNotTraining(ctx, makeCase(ctx.rng, [3, 4], 0.5))),
    visible("dropoutForward with rate 0 keeps everything, unscaled (x [2,6])", 1, async (ctx) => {
      const c = makeCase(ctx.rng, [2, 6], 0);
      await checkTrainingMask(ctx, c);
      await checkTrainingY(ctx, c);
    }),
    visible("dropoutBackward matches tf.grads (dy [4,5], rate 0.3)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, [4, 5], 0.3))),
    visible("dropoutBackward agrees with finite differences of your dropoutForward (x [3,4], rate 0.5)", 1, (ctx) =>
      checkAgainstOwnForward(ctx, makeCase(ctx.rng, [3, 4], 0.5))),
    hidden("dropoutForward in training, y and mask, on random shapes (1-D to 3-D) and rates", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) {
        const c = makeCase(ctx.rng, randomShape(ctx.rng), randomRate(ctx.rng));
        await checkTrainingMask(ctx, c);
        await checkTrainingY(ctx, c);
      }
    }),
    hidden("dropoutForward outside training on random shapes and rates", 1, async (ctx) => {
      for (let i = 0; i < 2; i++) await checkNotTraining(ctx, makeCase(ctx.rng, randomShape(ctx.rng), randomRate(ctx.rng)));
    }),
    hidden("dropoutBackward on random shapes and rates", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkBackward(ctx, makeCase(ctx.rng, randomShape(ctx.rng), randomRate(ctx.rng)));
    }),
  ],
});
