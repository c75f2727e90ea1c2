import { Rng, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, asObjectResult, expectBackwardMatchesForward, referenceForward, referenceGrads, sameForwardFor, type TfForward, scaleHint, type HintRule, asTensorWithShapeHint, variantHint, en } from "gradlab/checks";
import { dgammaVariant, dxVariant, forwardVariant, paramRowTerm, type LnInputs, type Variant } from "./mistakes.host.ts";

type LnCase = LnInputs;

/** Rows with their own offset and spread (so a mean or variance over the wrong axis shows). */
function makeCase(rng: Rng, n: number, d: number, eps: number, scale = 1): LnCase {
  const x = randn([n, d], rng);
  for (let i = 0; i < n; i++) {
    const offset = 3 * rng.normal();
    const spread = scale * (0.5 + rng.next());
    for (let j = 0; j < d; j++) x.data[i * d + j] = offset + spread * x.data[i * d + j];
  }
  const gamma = randn([d], rng);
  for (let j = 0; j < d; j++) gamma.data[j] += 1;
  return { x, gamma, beta: randn([d], rng), dy: randn([n, d], rng), eps };
}

function describeCase(c: LnCase): string {
  return `x [${c.x.shape}], eps ${c.eps}`;
}

/** The reference: tf.moments over the last axis (biased variance), eps inside the square root. */
const layerNorm = sameForwardFor((tf: Tf, eps: number): TfForward => (x, gamma, beta) => {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(eps).sqrt()).mul(gamma).add(beta);
});

// Hints compare with float64 versions of known mistakes (mistakes.host.ts, server-only: in Run they
// return undefined and the hint says nothing).

function forwardHints(c: LnCase): HintRule[] {
  return [
    variantHint(en`Your variance divides by D − 1 (unbiased): layer normalization uses the biased variance, Σ (x − mean)² / D.`, () => forwardVariant(c, { unbiased: true })),
    variantHint(en`Your eps is outside the square root: divide by sqrt(var + eps), not by sqrt(var) + eps.`, () => forwardVariant(c, { epsOutside: true })),
    variantHint(en`You normalise each column over the batch (that is batch normalization): layer normalization normalises each row, over its D features.`, () => forwardVariant(c, { overBatch: true })),
  ];
}

function dxHints(c: LnCase): HintRule[] {
  const full = en`dx = (g − mean(g) − x̂ · mean(g · x̂)) / sqrt(var + eps) per row, with g = dy · gamma`;
  return [
    variantHint(en`Your dx is only dy · gamma / sqrt(var + eps): the mean and the variance depend on x too, and their gradients add two terms: ${full}.`, () => dxVariant(c, { mean: false, variance: false })),
    variantHint(en`Your dx misses the term that comes through the variance: ${full}.`, () => dxVariant(c, { mean: true, variance: false })),
    variantHint(en`Your dx misses the term that comes through the mean: ${full}.`, () => dxVariant(c, { mean: false, variance: true })),
    variantHint(en`Your dx forgets gamma: the gradient reaching x̂ is g = dy · gamma. ${full}.`, () => dxVariant(c, { mean: true, variance: true, gamma: false })),
  ];
}

/** dgamma = Σ_n dy · x̂ and dbeta = Σ_n dy, or the usual wrong versions (one row, the mean). */
function paramHints(c: LnCase, which: "dgamma" | "dbeta"): HintRule[] {
  const n = c.x.shape[0];
  const sum = en`${which} sums over the batch: ${which === "dgamma" ? "dgamma = Σ_n dy[n] · x̂[n]" : "dbeta = Σ_n dy[n]"}.`;
  const withVariant = (v: Variant) => () => (which === "dbeta" ? undefined : dgammaVariant(c, v));
  return [
    variantHint(en`Your dgamma uses an x̂ normalised with the unbiased variance (D − 1): layer normalization divides by D.`, withVariant({ unbiased: true })),
    variantHint(en`Your dgamma uses an x̂ with eps outside the square root: x̂ = (x − mean) / sqrt(var + eps).`, withVariant({ epsOutside: true })),
    variantHint(en`Your ${which} is the first row's term only. ${sum}`, () => paramRowTerm(c, which, 0)),
    variantHint(en`Your ${which} is the last row's term only. ${sum}`, () => paramRowTerm(c, which, n - 1)),
    scaleHint(n > 1 ? [{ value: 1 / n, hint: en`Your ${which} is the mean over the batch: ${sum}` }] : []),
  ];
}

// ---- checks ---------------------------------------------------------------------------------

async function checkForward({ learner, tf }: CheckContext, c: LnCase) {
  const label = en`layerNormForward(x, gamma, beta, ${c.eps})`;
  const expected = referenceForward(tf, layerNorm(tf, c.eps), [c.x, c.gamma, c.beta]);
  expectClose(label, expected, await learner.call("layerNormForward", c.x, c.gamma, c.beta, c.eps), {
    against: `tfjs (${describeCase(c)})`,
    hints: forwardHints(c),
  });
}

type Grad = "dx" | "dgamma" | "dbeta";

async function checkBackward({ learner, tf }: CheckContext, c: LnCase, which: Grad[]) {
  const label = `layerNormBackward(dy, x, gamma, ${c.eps})`;
  const [dx, dgamma, dbeta] = referenceGrads(tf, layerNorm(tf, c.eps), [c.x, c.gamma, c.beta], c.dy);
  const out = asObjectResult(label, await learner.call("layerNormBackward", c.dy, c.x, c.gamma, c.eps), ["dx", "dgamma", "dbeta"]);
  const expected = { dx, dgamma, dbeta };
  for (const k of which) {
    const got =
      k === "dx"
        ? out.dx
        : asTensorWithShapeHint(`${label}.${k}`, out[k], [c.x.shape[1]], (s) =>
            s.length === 2 ? en`${k} has one value per feature, shape [D]: sum the per-row terms over the batch (axis 0).` : undefined,
          );
    expectClose(`${label}.${k}`, expected[k], got, {
      against: `tf.grads (${describeCase(c)})`,
      hints: k === "dx" ? dxHints(c) : paramHints(c, k),
    });
  }
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: LnCase) {
  const label = `layerNormBackward(dy, x, gamma, ${c.eps})`;
  const out = asObjectResult(label, await learner.call("layerNormBackward", c.dy, c.x, c.gamma, c.eps), ["dx", "dgamma", "dbeta"]);
  await expectBackwardMatchesForward({
    backward: out,
    grads: { dx: "x", dgamma: "gamma", dbeta: "beta" },
    inputs: { x: c.x, gamma: c.gamma, beta: c.beta },
    forward: (i) => learner.call("layerNormForward", i.x, i.gamma, i.beta, c.eps),
    forwardLabel: "layerNormForward",
    gradLabelPrefix: `${label}.`,
    dy: c.dy,
  });
}

/** Visible backward cases: a batch with a small eps, and one row whose variance is close to eps. */
const backwardCases = (rng: Rng) => [makeCase(rng, 3, 5, 1e-5), makeCase(rng, 1, 4, 0.1, 0.3)];

function randomCase(rng: Rng, n: number): LnCase {
  const eps = [1e-5, 1e-3, 0.05, 0.5][rng.int(4)];
  return makeCase(rng, n, 2 + rng.int(11), eps, eps >= 0.05 ? 0.3 : 1);
}

export default defineChecks({
  checks: [
    visible("layerNormForward matches tfjs (x [4,6], eps 1e-5)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 4, 6, 1e-5))),
    visible("layerNormForward, batch of one, eps close to the variance (x [1,8], eps 0.1)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 1, 8, 0.1, 0.3))),
    visible("layerNormBackward dx matches tf.grads (x [3,5], eps 1e-5; x [1,4], eps 0.1)", 2, async (ctx) => {
      for (const c of backwardCases(ctx.rng)) await checkBackward(ctx, c, ["dx"]);
    }),
    visible("layerNormBackward dgamma matches tf.grads (x [3,5], eps 1e-5; x [1,4], eps 0.1)", 1, async (ctx) => {
      for (const c of backwardCases(ctx.rng)) await checkBackward(ctx, c, ["dgamma"]);
    }),
    visible("layerNormBackward dbeta matches tf.grads (x [3,5], eps 1e-5; x [1,4], eps 0.1)", 1, async (ctx) => {
      for (const c of backwardCases(ctx.rng)) await checkBackward(ctx, c, ["dbeta"]);
    }),
    visible("layerNormBackward agrees with finite differences of your layerNormForward (x [3,4], eps 0.01)", 1, (ctx) =>
      checkAgainstOwnForward(ctx, makeCase(ctx.rng, 3, 4, 0.01, 0.3))),
    hidden("layerNormForward on random shapes and eps", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkForward(ctx, randomCase(ctx.rng, i === 0 ? 1 : 2 + ctx.rng.int(5)));
    }),
    hidden("layerNormBackward dx, dgamma, dbeta on random shapes and eps", 2, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkBackward(ctx, randomCase(ctx.rng, i === 0 ? 1 : 2 + ctx.rng.int(5)), ["dx", "dgamma", "dbeta"]);
    }),
  ],
});
