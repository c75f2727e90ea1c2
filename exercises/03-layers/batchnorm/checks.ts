import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, expectClose, asObjectResult, expectBackwardMatchesForward, referenceGrads, asTensorWithShapeHint, variantHint, mistakeHints, once, type Mistake, en } from "gradlab/checks";
import { batchNormTrainTf, layerInference, layerTrain, type BnCase } from "./ref.ts";
import { batchNorm64, type BnMistakes, type BnOutputs } from "./mistakes.host.ts";

/**
 * Channels with their own offset and spread (a statistic over the wrong axes shows), moving
 * statistics far from the batch's (inference with batch statistics shows), gamma away from 1.
 */
function makeCase(rng: Rng, shape: number[], momentum: number, eps: number, spread = 1): BnCase {
  const features = shape[shape.length - 1];
  const x = randn(shape, rng);
  const offset = Array.from({ length: features }, () => 3 * rng.normal());
  const scale = Array.from({ length: features }, () => spread * (0.5 + rng.next()));
  for (let i = 0; i < x.data.length; i++) x.data[i] = offset[i % features] + scale[i % features] * x.data[i];
  const gamma = randn([features], rng);
  for (let j = 0; j < features; j++) gamma.data[j] = 1 + 0.5 * gamma.data[j];
  const movingVariance = new Tensor(Float64Array.from({ length: features }, () => 0.2 + 2 * rng.next()), [features]);
  return { x, gamma, beta: randn([features], rng), movingMean: randn([features], rng), movingVariance, momentum, eps, dy: randn(shape, rng) };
}

const describeCase = (c: BnCase) => `x [${c.x.shape}], momentum ${c.momentum}, eps ${c.eps}`;
const trainLabel = (c: BnCase) => en`batchNormTrain(x, gamma, beta, movingMean, movingVariance, ${c.momentum}, ${c.eps})`;
const inferLabel = (c: BnCase) => en`batchNormInference(x, gamma, beta, movingMean, movingVariance, ${c.eps})`;
const backLabel = (c: BnCase) => `batchNormBackward(dy, x, gamma, ${c.eps})`;
const trainArgs = (c: BnCase) => [c.x, c.gamma, c.beta, c.movingMean, c.movingVariance, c.momentum, c.eps];

// ---- known mistakes, simulated in float64 (server-only), for hints --------------------------

/** A mistake's outputs without the all-zero ones (they would "explain" an unimplemented stub). */
function nonZero(o: BnOutputs | undefined): Partial<BnOutputs> | undefined {
  return o && Object.fromEntries(Object.entries(o).filter(([, t]) => t.data.some((v) => v !== 0)));
}

function mistakes(c: BnCase): Mistake<keyof BnOutputs>[] {
  const v = (m: BnMistakes) => once(() => nonZero(batchNorm64(c, m)));
  const dxFull = en`dx = (g − mean(g) − x̂ · mean(g · x̂)) / sqrt(var + eps) per channel, with g = dy · gamma and the means over the same values as the statistics`;
  return [
    {
      hint: en`Your moving statistics use PyTorch's momentum convention (moving = (1 − momentum)·moving + momentum·batch). tfjs/Keras keep the old value with weight momentum: moving = momentum·moving + (1 − momentum)·batch (momentum 0.99 by default).`,
      outputs: v({ momentumSwapped: true }),
    },
    {
      hint: en`Your moving variance is updated with the unbiased batch variance (÷ (M − 1), as PyTorch's running_var is). tfjs updates it with the same biased variance (÷ M) it normalises with.`,
      outputs: v({ unbiasedMovingVariance: true }),
    },
    {
      hint: en`Your batch variance divides by M − 1 (unbiased): batch normalization uses the biased variance, Σ (x − mean)² / M, with M the number of values per channel.`,
      outputs: v({ unbiasedVariance: true }),
    },
    { hint: en`Your eps is outside the square root: divide by sqrt(var + eps), not by sqrt(var) + eps.`, outputs: v({ epsOutside: true }) },
    {
      hint: en`Your statistics are over the batch axis only (one mean per position and channel). With x [N, H, W, C] each channel's mean and variance are over N, H and W together: every axis but the last.`,
      outputs: v({ overBatchAxisOnly: true }),
    },
    {
      hint: en`Your inference normalises with this batch's own mean and variance. At inference batch normalization uses the moving statistics it was given: (x − movingMean) / sqrt(movingVariance + eps).`,
      outputs: v({ inferenceBatchStats: true }),
    },
    { hint: en`Your dx treats the batch mean and variance as constants (dy · gamma / sqrt(var + eps)): they depend on x too, which adds two terms: ${dxFull}.`, outputs: v({ dxWithoutMean: true, dxWithoutVariance: true }) },
    { hint: en`Your dx misses the term that comes through the variance: ${dxFull}.`, outputs: v({ dxWithoutVariance: true }) },
    { hint: en`Your dx misses the term that comes through the mean: ${dxFull}.`, outputs: v({ dxWithoutMean: true }) },
  ];
}

// ---- checks ---------------------------------------------------------------------------------

type TrainPart = "y" | "moving";

async function checkTrain({ learner, tf }: CheckContext, c: BnCase, parts: TrainPart[]) {
  const label = trainLabel(c);
  const expected = layerTrain(tf, c);
  const out = asObjectResult(label, await learner.call("batchNormTrain", ...trainArgs(c)), ["y", "movingMean", "movingVariance"]);
  const ms = mistakes(c);
  const against = `tf.layers.batchNormalization, training (${describeCase(c)})`;
  if (parts.includes("y")) {
    // Normalising with the moving statistics in training is inference's computation.
    const withMoving = variantHint(en`In training, batch normalization normalises with this batch's mean and variance; the moving statistics are only updated (and used at inference).`, () => layerInference(tf, c));
    expectClose(`${label}.y`, expected.y, out.y, { against, hints: [...mistakeHints(ms, "y"), withMoving] });
  }
  if (parts.includes("moving")) {
    for (const k of ["movingMean", "movingVariance"] as const) {
      const unchanged = variantHint(en`Your ${k} is the one you were given: one training step moves it towards the batch's statistic, moving = momentum·moving + (1 − momentum)·batch.`, () => c[k]);
      const got = asTensorWithShapeHint(`${label}.${k}`, out[k], [c.x.shape[c.x.shape.length - 1]], () => en`${k} has one value per channel, shape [C] (the last axis of x).`);
      expectClose(`${label}.${k}`, expected[k], got, { against, hints: [...mistakeHints(ms, k), unchanged] });
    }
  }
}

async function checkInference({ learner, tf }: CheckContext, c: BnCase) {
  const expected = layerInference(tf, c);
  const got = await learner.call("batchNormInference", c.x, c.gamma, c.beta, c.movingMean, c.movingVariance, c.eps);
  expectClose(inferLabel(c), expected, got, { against: `tf.layers.batchNormalization, inference (${describeCase(c)})`, hints: mistakeHints(mistakes(c), "yInference") });
}

type Grad = "dx" | "dgamma" | "dbeta";

async function checkBackward({ learner, tf }: CheckContext, c: BnCase, which: Grad[]) {
  const label = backLabel(c);
  const [dx, dgamma, dbeta] = referenceGrads(tf, batchNormTrainTf(tf, c.eps), [c.x, c.gamma, c.beta], c.dy);
  const expected = { dx, dgamma, dbeta };
  const out = asObjectResult(label, await learner.call("batchNormBackward", c.dy, c.x, c.gamma, c.eps), ["dx", "dgamma", "dbeta"]);
  const ms = mistakes(c);
  const features = c.x.shape[c.x.shape.length - 1];
  for (const k of which) {
    const got =
      k === "dx"
        ? out.dx
        : asTensorWithShapeHint(`${label}.${k}`, out[k], [features], () => en`${k} has one value per channel, shape [C]: sum dy${k === "dgamma" ? " · x̂" : ""} over every axis but the last.`);
    expectClose(`${label}.${k}`, expected[k], got, { against: `tf.grads (${describeCase(c)})`, hints: mistakeHints(ms, k) });
  }
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: BnCase) {
  const out = asObjectResult(backLabel(c), await learner.call("batchNormBackward", c.dy, c.x, c.gamma, c.eps), ["dx", "dgamma", "dbeta"]);
  await expectBackwardMatchesForward({
    backward: out,
    grads: { dx: "x", dgamma: "gamma", dbeta: "beta" },
    inputs: { x: c.x, gamma: c.gamma, beta: c.beta },
    forward: async (i) => {
      const r = await learner.call("batchNormTrain", i.x, i.gamma, i.beta, c.movingMean, c.movingVariance, c.momentum, c.eps);
      return asObjectResult(trainLabel(c), r, ["y"]).y;
    },
    forwardLabel: "batchNormTrain(...).y",
    gradLabelPrefix: `${backLabel(c)}.`,
    dy: c.dy,
  });
}

// ---- cases ----------------------------------------------------------------------------------

const backwardCases = (rng: Rng) => [makeCase(rng, [5, 3], 0.9, 1e-3), makeCase(rng, [2, 2, 3, 2], 0.9, 1e-3)];

/** Momentum away from 0.5 (where both conventions agree); eps from the default to one comparable with the variance. */
function randomCase(ctx: CheckContext, image: boolean, batchOfOne = false): BnCase {
  const { rng } = ctx;
  const n = batchOfOne ? 1 : 2 + rng.int(5);
  const c = 1 + rng.int(5);
  const shape = image ? [n, 1 + rng.int(3), 1 + rng.int(3), c] : [n, c];
  if (image && shape[1] * shape[2] * n < 2) shape[2] = 2;
  const momentum = [0.99, 0.9, 0.8, 0.3][rng.int(4)];
  const eps = [1e-3, 1e-5, 0.01, 0.3][rng.int(4)];
  ctx.describe(en`${image ? en`an image batch` : en`a batch of vectors`} x [${shape}], momentum ${momentum}, eps ${eps}`);
  return makeCase(rng, shape, momentum, eps, eps >= 0.01 ? 0.3 : 1);
}

export default defineChecks({
  checks: [
    visible("batchNormTrain y matches tf.layers.batchNormalization in training (x [6,4], eps 0.001)", 1, (ctx) => checkTrain(ctx, makeCase(ctx.rng, [6, 4], 0.9, 1e-3), ["y"])),
    visible("batchNormTrain with eps comparable to the variance (x [4,3], eps 0.1)", 1, (ctx) => checkTrain(ctx, makeCase(ctx.rng, [4, 3], 0.9, 0.1, 0.3), ["y"])),
    visible("batchNormTrain moving statistics after one step (x [6,4]; momentum 0.9 and 0.99)", 2, async (ctx) => {
      await checkTrain(ctx, makeCase(ctx.rng, [6, 4], 0.9, 1e-3), ["moving"]);
      await checkTrain(ctx, makeCase(ctx.rng, [3, 2], 0.99, 1e-3), ["moving"]);
    }),
    visible("batchNormTrain on images: statistics over N, H and W (x [2,3,3,4], eps 0.01)", 1, (ctx) => checkTrain(ctx, makeCase(ctx.rng, [2, 3, 3, 4], 0.9, 0.01, 0.3), ["y", "moving"])),
    visible("batchNormInference uses the moving statistics (x [5,3]; x [2,2,2,3])", 1, async (ctx) => {
      await checkInference(ctx, makeCase(ctx.rng, [5, 3], 0.9, 1e-3));
      await checkInference(ctx, makeCase(ctx.rng, [2, 2, 2, 3], 0.9, 0.1));
    }),
    visible("batchNormBackward dx matches tf.grads (x [5,3]; x [2,2,3,2])", 2, async (ctx) => {
      for (const c of backwardCases(ctx.rng)) await checkBackward(ctx, c, ["dx"]);
    }),
    visible("batchNormBackward dgamma and dbeta match tf.grads (x [5,3]; x [2,2,3,2])", 1, async (ctx) => {
      for (const c of backwardCases(ctx.rng)) await checkBackward(ctx, c, ["dgamma", "dbeta"]);
    }),
    visible("batchNormBackward agrees with finite differences of your batchNormTrain (x [4,3], eps 0.01)", 1, (ctx) =>
      checkAgainstOwnForward(ctx, makeCase(ctx.rng, [4, 3], 0.9, 0.01, 0.3))),
    hidden("batchNormTrain on random shapes, momentum and eps (an image batch of one included)", 2, async (ctx) => {
      await checkTrain(ctx, randomCase(ctx, true, true), ["y", "moving"]);
      for (let i = 0; i < 3; i++) await checkTrain(ctx, randomCase(ctx, ctx.rng.int(2) === 0), ["y", "moving"]);
    }),
    hidden("batchNormInference on random shapes and eps", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkInference(ctx, randomCase(ctx, ctx.rng.int(2) === 0));
    }),
    hidden("batchNormBackward dx, dgamma, dbeta on random shapes and eps (an image batch of one included)", 2, async (ctx) => {
      await checkBackward(ctx, randomCase(ctx, true, true), ["dx", "dgamma", "dbeta"]);
      for (let i = 0; i < 3; i++) await checkBackward(ctx, randomCase(ctx, ctx.rng.int(2) === 0), ["dx", "dgamma", "dbeta"]);
    }),
  ],
});
