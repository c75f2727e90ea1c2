import { Rng, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectEqual, fmt, CheckFailure, asObjectResult, asTensorResult, SandboxFn, hostAnswer, en } from "gradlab/checks";
import { KINDS, boundOf, cdfOf, ksDistance, ksThreshold, varianceOf, type Dist, type InitKind } from "./ref.ts";
import { expectedFans, mistakeDistributions, referenceDistribution } from "./reference.host.ts";

/**
 * Each statistical test fails a correct sampler with probability at most this (DKW–Massart bound);
 * a submission runs at most 14 of them, so a correct one loses marks with probability < 2e-10.
 */
const FALSE_FAILURE = 1e-11;

// ---- computeFans ------------------------------------------------------------------------------

async function checkFans({ learner }: CheckContext, shape: number[]) {
  const label = `computeFans([${shape}])`;
  const expected = hostAnswer(expectedFans(shape));
  const out = asObjectResult(label, await learner.call("computeFans", shape), ["fanIn", "fanOut"]);
  const conv = shape.length >= 3 && shape.length <= 5;
  const hintFor = (got: unknown, key: "fanIn" | "fanOut") => {
    if (conv && got === shape[shape.length - (key === "fanIn" ? 2 : 1)]) {
      return en`Your ${key} leaves out the receptive field: for a conv kernel [kh, kw, in, out] every one of the kh·kw positions is a separate input (and output), so ${key} = ${key === "fanIn" ? "in" : "out"} · kh · kw.`;
    }
    if (got === expected[key === "fanIn" ? "fanOut" : "fanIn"]) return en`Your fanIn and fanOut are swapped: a kernel's input channels are its second-to-last axis (the rows of a dense [in, out] kernel), its outputs the last.`;
    if (shape.length < 2 || shape.length > 5) return en`For a shape of rank 1 or above 5, tfjs uses sqrt(number of elements) for both fans.`;
    return undefined;
  };
  expectEqual(`${label}.fanIn`, expected.fanIn, out.fanIn, hintFor(out.fanIn, "fanIn"));
  expectEqual(`${label}.fanOut`, expected.fanOut, out.fanOut, hintFor(out.fanOut, "fanOut"));
}

// ---- initialize: a sample against tfjs's distribution ----------------------------------------

function moments(data: Float64Array): { mean: number; variance: number } {
  let m = 0;
  for (const v of data) m += v;
  m /= data.length;
  let s = 0;
  for (const v of data) s += (v - m) ** 2;
  return { mean: m, variance: s / data.length };
}

/** A sample from tfjs's own initialiser must pass the same test: the reference is tfjs's distribution. */
function crossCheckTfjs(tf: Tf, kind: InitKind, shape: number[], dist: Dist, seed: number) {
  const t = tf.tidy(() => tf.initializers[kind]({ seed }).apply(shape, "float32"));
  const sample = t.dataSync() as Float32Array;
  t.dispose();
  const d = ksDistance(sample, cdfOf(dist));
  if (d > ksThreshold(sample.length, FALSE_FAILURE)) throw new Error(`weight-init reference disagrees with tfjs's ${kind} on [${shape}] (KS ${d})`);
}

async function checkSample(ctx: CheckContext, kind: InitKind, shape: number[]) {
  const { learner, tf, rng } = ctx;
  const seed = rng.int(2 ** 31);
  const label = `initialize("${kind}", [${shape}], random)`;
  const w = asTensorResult(label, await learner.call("initialize", kind, shape, new SandboxFn("uniform", [seed])), shape);
  const dist = hostAnswer(referenceDistribution(kind, shape));
  crossCheckTfjs(tf, kind, shape, dist, seed);
  const n = w.data.length;
  const { mean, variance } = moments(w.data);
  const expectedVar = varianceOf(dist);
  const stats = en`mean ${fmt(mean)}, variance ${fmt(variance)} (tfjs's ${kind}: mean 0, variance ${fmt(expectedVar)})`;
  if (variance === 0) {
    throw new CheckFailure(en`${label} returned ${n} copies of ${fmt(mean)}; ${stats}.`, { hint: en`Draw every weight independently with random(): a kernel of equal weights gives every unit the same gradient, and they never become different.` });
  }
  const bound = boundOf(dist);
  let worst = 0;
  for (const v of w.data) worst = Math.max(worst, Math.abs(v));
  const cdf = cdfOf(dist);
  const eps = ksThreshold(n, FALSE_FAILURE);
  // The mistake that explains the sample best, if any explains it (several can be close: name the closest).
  const named = () =>
    (mistakeDistributions(kind, shape) ?? [])
      .map((m) => ({ hint: m.hint, d: ksDistance(w.data, cdfOf(m.dist)) }))
      .filter((m) => m.d <= eps)
      .sort((a, b) => a.d - b.d)[0]?.hint;
  if (worst > bound * (1 + 1e-9)) {
    throw new CheckFailure(en`${label} has a value of magnitude ${fmt(worst)}, beyond the largest tfjs's ${kind} can draw for this shape, ${fmt(bound)} (${kind.endsWith("Uniform") ? en`the uniform's limit` : en`2 stddev, where tf.truncatedNormal cuts`}); ${stats}.`, {
      hint: named() ?? (kind.endsWith("Uniform") ? en`The uniform limit is sqrt(3 · scale), with scale from the fans (see the statement).` : en`tf.truncatedNormal redraws every value beyond 2 stddev: no weight may exceed 2·sqrt(scale).`),
    });
  }
  const d = ksDistance(w.data, cdf);
  if (d > eps) {
    const ratio = variance / expectedVar;
    throw new CheckFailure(
      en`${label} does not look like a sample of tfjs's ${kind}: the Kolmogorov–Smirnov distance from its distribution is ${fmt(d)}, above ${fmt(eps)} (a correct sampler of ${n} values exceeds that with probability below ${FALSE_FAILURE}); ${stats}.`,
      { hint: named() ?? (Math.abs(ratio - 1) > 0.1 ? en`Your weights' variance is ${fmt(ratio)} times tfjs's: check the scale (fans, the factor 1 or 2) and how it becomes a limit or a stddev.` : en`The variance is about right but the shape of the distribution is not: check uniform against normal, the truncation at 2 stddev, and that every draw is independent.`) },
    );
  }
  return `${kind} [${shape}]: ${stats}, KS ${fmt(d)} ≤ ${fmt(eps)}`;
}

// ---- the signal through 20 ReLU layers --------------------------------------------------------

const WIDTH = 256;
const DEPTH = 20;
const BATCH = 64;
/** The measured gain may be this factor away from the expected one (about 9 standard deviations of its log, measured: 0.49-0.54). */
const DEPTH_BAND = 100;

function meanSquare(h: Float64Array): number {
  let s = 0;
  for (const v of h) s += v * v;
  return s / h.length;
}

/** relu(h · w) for h [BATCH, WIDTH], w [WIDTH, WIDTH]. */
function reluLayer(h: Float64Array, w: Float64Array): Float64Array {
  const out = new Float64Array(BATCH * WIDTH);
  for (let i = 0; i < BATCH; i++) {
    for (let k = 0; k < WIDTH; k++) {
      const a = h[i * WIDTH + k];
      if (a === 0) continue;
      for (let j = 0; j < WIDTH; j++) out[i * WIDTH + j] += a * w[k * WIDTH + j];
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
  return out;
}

/**
 * A [64, 256] batch of unit-variance inputs through 20 dense ReLU layers whose kernels come from the
 * learner's initialize. Each layer multiplies the mean square of the signal by WIDTH · Var(w) / 2 in
 * expectation (for any symmetric weights: ReLU keeps half of a symmetric pre-activation's square),
 * so after 20 layers it is (WIDTH · Var(w) / 2)^20: 1 for He-uniform, 2^-20 for Glorot with ReLU.
 */
async function checkDepth(ctx: CheckContext, kind: InitKind) {
  const { learner, rng } = ctx;
  const shape = [WIDTH, WIDTH];
  const x = randn([BATCH, WIDTH], rng);
  let h = x.data;
  const trace: number[] = [meanSquare(h)];
  for (let l = 0; l < DEPTH; l++) {
    const label = en`initialize("${kind}", [${shape}], random) for layer ${l + 1}`;
    const w = asTensorResult(label, await learner.call("initialize", kind, shape, new SandboxFn("uniform", [rng.int(2 ** 31)])), shape);
    h = reluLayer(h, w.data);
    trace.push(meanSquare(h));
  }
  const gain = trace[DEPTH] / trace[0];
  const expected = ((WIDTH * varianceOf(hostAnswer(referenceDistribution(kind, shape)))) / 2) ** DEPTH;
  const every5 = trace.filter((_, i) => i % 5 === 0).map((v, i) => `layer ${5 * i}: ${fmt(v)}`).join(", ");
  const text = en`mean square of the signal through ${DEPTH} ReLU layers of width ${WIDTH} with your ${kind}: ${every5}; gain ${fmt(gain)}, expected about ${fmt(expected)}`;
  if (!(gain >= expected / DEPTH_BAND && gain <= expected * DEPTH_BAND)) {
    const perLayer = Math.pow(gain, 1 / DEPTH);
    throw new CheckFailure(en`${text} (a factor ${DEPTH_BAND} either way is allowed).`, {
      hint: en`Each layer multiplies the signal's mean square by about ${fmt(perLayer)} with your weights, where tfjs's ${kind} gives ${fmt(Math.pow(expected, 1 / DEPTH))}: over ${DEPTH} layers that ${perLayer < 1 ? "vanishes" : "explodes"}. The variance of your weights is off; the initialize checks show by how much.`,
    });
  }
  return text;
}

// ---- random cases -------------------------------------------------------------------------------

/** A dense or conv kernel with at least 16,000 elements (the KS threshold stays below 0.04). */
function randomShape(rng: Rng): number[] {
  if (rng.int(2) === 0) {
    const fanIn = 100 + rng.int(300);
    return [fanIn, Math.ceil(16000 / fanIn) + rng.int(100)];
  }
  const k = [1, 3, 5][rng.int(3)];
  const cin = 8 + rng.int(56);
  return [k, k, cin, Math.ceil(16000 / (k * k * cin)) + rng.int(32)];
}

const DENSE = [200, 100];
const CONV = [3, 3, 32, 64];

export default defineChecks({
  checks: [
    visible("computeFans as tfjs: dense [200,100], conv [3,3,32,64], conv1d [5,16,8], a bias [10]", 1, async (ctx) => {
      for (const s of [DENSE, CONV, [5, 16, 8], [10]]) await checkFans(ctx, s);
    }),
    ...KINDS.map((kind) =>
      visible(`initialize("${kind}") draws tfjs's distribution (dense [200,100]; conv [3,3,32,64])`, 1, async (ctx) => {
        const lines = [await checkSample(ctx, kind, DENSE), await checkSample(ctx, kind, CONV)];
        return { output: lines.join("\n") };
      }),
    ),
    visible(`20 ReLU layers of width ${WIDTH}: He-uniform keeps the signal, Glorot-uniform loses half of it per layer`, 2, async (ctx) => {
      const lines = [await checkDepth(ctx, "heUniform"), await checkDepth(ctx, "glorotUniform")];
      return { output: lines.join("\n") };
    }),
    hidden("computeFans on random dense, conv and other shapes", 1, async (ctx) => {
      const r = ctx.rng;
      const shapes = [
        [1 + r.int(500), 1 + r.int(500)],
        [1 + r.int(7), 1 + r.int(7), 1 + r.int(64), 1 + r.int(64)],
        [1 + r.int(5), 1 + r.int(5), 1 + r.int(5), 1 + r.int(16), 1 + r.int(16)],
        [1 + r.int(100)],
      ];
      for (const s of shapes) {
        ctx.describe(en`a kernel of rank ${s.length}`);
        await checkFans(ctx, s);
      }
    }),
    hidden("initialize on random kinds and dense or conv shapes", 2, async (ctx) => {
      for (let i = 0; i < 4; i++) {
        const kind = KINDS[(i + ctx.rng.int(4)) % 4];
        const shape = randomShape(ctx.rng);
        ctx.describe(shape.length === 2 ? en`${kind}, a dense kernel [${shape}]` : en`${kind}, a conv kernel [${shape}]`);
        await checkSample(ctx, kind, shape);
      }
    }),
  ],
});
