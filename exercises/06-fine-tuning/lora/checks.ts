import { Rng, Tensor, randn, zeros } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, expectEqual, CheckFailure, asObjectResult, expectBackwardMatchesForward, referenceForward, referenceGrads, type TfForward, scaleHint, type HintRule, variantHint, en } from "gradlab/checks";
import { loraDxScaled, loraForwardScaled } from "./mistakes.host.ts";

type Grad = "dx" | "da" | "dbm";
const GRADS: Grad[] = ["dx", "da", "dbm"];

interface Case {
  x: Tensor;
  w: Tensor;
  b: Tensor;
  a: Tensor;
  bm: Tensor;
  alpha: number;
  dy: Tensor;
}

/** y = x w + b + (alpha / r) (x a) bm in tfjs ops; inputs (x, w, b, a, bm). */
const loraTf =
  (tf: Tf, alpha: number): TfForward =>
  (x, w, b, a, bm) =>
    tf.add(tf.add(tf.matMul(x, w), b), tf.mul(tf.matMul(tf.matMul(x, a), bm), alpha / (a.shape as number[])[1]));

function makeCase(rng: Rng, n: number, d: number, m: number, r: number, alpha: number, opts: { bmZero?: boolean } = {}): Case {
  return {
    x: randn([n, d], rng),
    w: randn([d, m], rng),
    b: randn([m], rng),
    a: randn([d, r], rng),
    bm: opts.bmZero ? zeros([r, m]) : randn([r, m], rng),
    alpha,
    dy: randn([n, m], rng),
  };
}

/** N = 1..4, D and M = 1..6, r = 1..4, alpha = r · (0.5, 0.75, ..., 4). */
function randomCase(rng: Rng): Case {
  const r = 1 + rng.int(4);
  return makeCase(rng, 1 + rng.int(4), 1 + rng.int(6), 1 + rng.int(6), r, r * (0.5 + 0.25 * rng.int(15)));
}

const args = (c: Case) => [c.x, c.w, c.b, c.a, c.bm, c.alpha];
const rank = (c: Case) => c.a.shape[1];
const scaleOf = (c: Case) => c.alpha / rank(c);
/** "alpha / r = 6 / 2 = 3" */
const scaleText = (c: Case) => `alpha / r = ${c.alpha} / ${rank(c)} = ${Number(scaleOf(c).toPrecision(4))}`;

/** y with the adapter scaled by `s` (s = alpha / r is right), in float64: for hints (server-only). */
const forwardWithScale = (c: Case, s: number) => loraForwardScaled(c.x, c.w, c.b, c.a, c.bm, s);

/**
 * Scales a learner may divide alpha by instead of r: the sizes of the other axes. Only those whose
 * scale differs from r's and from the other known mistakes' can be told apart; each comes with what it is.
 */
function wrongRanks(c: Case): { size: number; what: string }[] {
  const [d, m] = c.w.shape;
  const r = rank(c);
  const out: { size: number; what: string }[] = [];
  const widths: [number, string][] = d === m ? [[m, en`M = D, the layer's width`]] : [[m, en`M = w.shape[1], the output width`], [d, en`D = a.shape[0], the input width`]];
  for (const [size, what] of widths) {
    // alpha / size must differ from every other known scale (1, alpha, r / alpha, alpha / r): otherwise the numbers cannot tell the mistakes apart.
    const scale = c.alpha / size;
    const others = [1, c.alpha, r / c.alpha, c.alpha / r];
    if (size !== r && !out.some((o) => o.size === size) && others.every((o) => Math.abs(o - scale) > 1e-9 * Math.abs(o))) out.push({ size, what });
  }
  return out;
}

const wrongRankHint = (c: Case, what: string, size: number) =>
  en`the adapter is scaled by alpha / ${size} (${what}); LoRA divides alpha by the rank r = a.shape[1]: ${scaleText(c)}.`;

function forwardHints(c: Case): HintRule[] {
  const s = scaleOf(c);
  return [
    variantHint(
      en`The adapter's output is not scaled${c.alpha !== rank(c) && c.w.shape.includes(c.alpha) ? en` (or it is divided by a layer width, ${c.alpha}, instead of the rank: here both give 1)` : ""}: multiply (x a) bm by ${scaleText(c)}.`,
      () => forwardWithScale(c, 1),
    ),
    variantHint(en`The adapter is scaled by alpha = ${c.alpha}; LoRA scales it by ${scaleText(c)}, with r = a.shape[1].`, () => forwardWithScale(c, c.alpha)),
    variantHint(en`The adapter is scaled by r / alpha; the scale is ${scaleText(c)}.`, () => forwardWithScale(c, 1 / s)),
    variantHint(en`Your output is x w + b alone: the adapter's (alpha / r) (x a) bm is missing.`, () => forwardWithScale(c, 0)),
    variantHint(en`Your output is missing the bias b.`, () => loraForwardScaled(c.x, c.w, undefined, c.a, c.bm, s)),
    ...wrongRanks(c).map((o) => variantHint(en`Your output: ${wrongRankHint(c, o.what, o.size)}`, () => forwardWithScale(c, c.alpha / o.size))),
  ];
}

function gradHints(c: Case, key: Grad): HintRule[] {
  const s = scaleOf(c);
  const r = rank(c);
  const dxWith = (scale: number) => loraDxScaled(c.dy, c.w, c.a, c.bm, scale);
  if (key === "dx") {
    return [
      variantHint(en`dx only has the frozen path dy wᵀ: x also feeds the adapter, so dx = dy wᵀ + (alpha / r) (dy bmᵀ) aᵀ.`, () => dxWith(0)),
      variantHint(en`dx's adapter path is not scaled: it is (alpha / r) (dy bmᵀ) aᵀ with ${scaleText(c)}.`, () => dxWith(1)),
      ...wrongRanks(c).map((o) => variantHint(en`In dx, ${wrongRankHint(c, o.what, o.size)}`, () => dxWith(c.alpha / o.size))),
    ];
  }
  return [
    scaleHint([
      ...wrongRanks(c).map((o) => ({ value: r / o.size, hint: en`In ${key}, ${wrongRankHint(c, o.what, o.size)}` })),
      { value: 1 / s, hint: en`Your ${key} is the reference divided by ${scaleText(c)}: the adapter's scale belongs in its gradients too.` },
      { value: r, hint: en`Your ${key} is scaled by alpha instead of alpha / r (r = a.shape[1] = ${r}).` },
      { value: 1 / (s * s), hint: en`Your ${key} is scaled by r / alpha instead of alpha / r.` },
    ]),
  ];
}

/** "x [3,5], w [5,4], rank 2": the kind of case, for a hidden failure's message. */
const describeCase = (ctx: CheckContext, c: Case, what: string) =>
  ctx.describe(en`${what}: x [${c.x.shape}], w [${c.w.shape}], rank r = ${rank(c)}${c.x.shape[0] === 1 ? en` (a batch of one)` : ""}`);

async function checkForward(ctx: CheckContext, c: Case) {
  const { learner, tf } = ctx;
  describeCase(ctx, c, "loraForward");
  const expected = referenceForward(tf, loraTf(tf, c.alpha), [c.x, c.w, c.b, c.a, c.bm]);
  expectClose(`loraForward(x, w, b, a, bm, ${c.alpha})`, expected, await learner.call("loraForward", ...args(c)), { against: "tfjs", hints: forwardHints(c) });
}

/** A gradient of the transposed shape gets its own message (it cannot be compared element by element). */
function expectNotTransposed(label: string, got: unknown, shape: number[], formula: string) {
  if (got instanceof Tensor && got.shape.length === 2 && shape[0] !== shape[1] && got.shape[0] === shape[1] && got.shape[1] === shape[0]) {
    throw new CheckFailure(en`${label} has shape [${got.shape}], expected [${shape}].`, { hint: en`${label.split(".").pop()} is transposed: it has the shape of its parameter, ${formula}.` });
  }
}

async function checkBackward(ctx: CheckContext, c: Case, which: Grad[] = GRADS) {
  const { learner, tf } = ctx;
  describeCase(ctx, c, "loraBackward");
  const grads = referenceGrads(tf, loraTf(tf, c.alpha), [c.x, c.w, c.b, c.a, c.bm], c.dy);
  const expected: Record<Grad, Tensor> = { dx: grads[0], da: grads[3], dbm: grads[4] };
  const label = `loraBackward(dy, x, w, a, bm, ${c.alpha})`;
  const out = asObjectResult(label, await learner.call("loraBackward", c.dy, c.x, c.w, c.a, c.bm, c.alpha), GRADS);
  for (const key of which) {
    if (key === "da") expectNotTransposed(`${label}.da`, out.da, c.a.shape, en`[D, r]: da = (alpha / r) · xᵀ (dy bmᵀ)`);
    if (key === "dbm") expectNotTransposed(`${label}.dbm`, out.dbm, c.bm.shape, en`[r, M]: dbm = (alpha / r) · (x a)ᵀ dy`);
    expectClose(`${label}.${key}`, expected[key], out[key], { against: "tf.grads", hints: gradHints(c, key) });
  }
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: Case) {
  const out = asObjectResult(`loraBackward(dy, x, w, a, bm, ${c.alpha})`, await learner.call("loraBackward", c.dy, c.x, c.w, c.a, c.bm, c.alpha), GRADS);
  await expectBackwardMatchesForward({
    backward: out,
    grads: { dx: "x", da: "a", dbm: "bm" },
    inputs: { x: c.x, a: c.a, bm: c.bm },
    forward: (i) => learner.call("loraForward", ...args({ ...c, ...i })),
    forwardLabel: "loraForward",
    dy: c.dy,
  });
}

/**
 * Trainable parameters counted by tf.layers: a dense layer [d → m] with bias, and the adapter as two
 * bias-free dense layers d → r → m. Zero initialisers: the counts do not depend on the values, and
 * drawing 590k random numbers would cost a third of a second.
 */
function referenceCounts(tf: Tf, d: number, m: number, r: number): { full: number; lora: number } {
  const full = tf.sequential({ layers: [tf.layers.dense({ inputShape: [d], units: m, kernelInitializer: "zeros" })] });
  const adapter = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [d], units: r, useBias: false, kernelInitializer: "zeros" }),
      tf.layers.dense({ units: m, useBias: false, kernelInitializer: "zeros" }),
    ],
  });
  const counts = { full: full.countParams(), lora: adapter.countParams() };
  full.dispose();
  adapter.dispose();
  return counts;
}

async function checkParamCount(ctx: CheckContext, d: number, m: number, r: number) {
  const { learner, tf } = ctx;
  ctx.describe(en`loraParamCount on random sizes`);
  const expected = referenceCounts(tf, d, m, r);
  const label = `loraParamCount(${d}, ${m}, ${r})`;
  const out = asObjectResult(label, await learner.call("loraParamCount", d, m, r), ["full", "lora"]);
  expectEqual(
    `${label}.full`,
    expected.full,
    out.full,
    out.full === d * m ? en`full counts the kernel only: fine-tuning the whole layer trains its bias too (d·m + m).` : en`full is every trainable parameter of the dense layer: its kernel w [d, m] and its bias b [m].`,
  );
  expectEqual(
    `${label}.lora`,
    expected.lora,
    out.lora,
    out.lora === r * (d + m) + m ? en`lora counts only the adapter a [d, r] and bm [r, m]; the bias stays frozen.` : en`lora is the adapter's parameters: a [d, r] plus bm [r, m].`,
  );
}

export default defineChecks({
  checks: [
    visible("loraForward matches tfjs (x [3,4], w [4,3], r = 2, alpha = 4)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 3, 4, 3, 2, 4))),
    visible("loraForward with a batch of one and rank 1 (x [1,5], w [5,2], r = 1, alpha = 2)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 1, 5, 2, 1, 2))),
    visible("loraForward and loraBackward at initialisation, bm = 0 (x [2,4], w [4,3], r = 2, alpha = 8)", 1, async (ctx) => {
      const c = makeCase(ctx.rng, 2, 4, 3, 2, 8, { bmZero: true });
      await checkForward(ctx, c);
      await checkBackward(ctx, c);
    }),
    visible("loraBackward dx matches tf.grads (x [3,5], w [5,4], r = 2, alpha = 6)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 3, 5, 4, 2, 6), ["dx"])),
    visible("loraBackward da matches tf.grads (x [3,5], w [5,4], r = 2, alpha = 6)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 3, 5, 4, 2, 6), ["da"])),
    visible("loraBackward dbm matches tf.grads (x [3,5], w [5,4], r = 2, alpha = 6)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 3, 5, 4, 2, 6), ["dbm"])),
    visible("loraBackward agrees with finite differences of your loraForward (x [2,4], w [4,3], r = 2, alpha = 3)", 1, (ctx) =>
      checkAgainstOwnForward(ctx, makeCase(ctx.rng, 2, 4, 3, 2, 3)),
    ),
    visible("loraParamCount matches tf.layers (768×768 r 8, 128×10 r 4, 5×3 r 1)", 1, async (ctx) => {
      await checkParamCount(ctx, 768, 768, 8);
      await checkParamCount(ctx, 128, 10, 4);
      await checkParamCount(ctx, 5, 3, 1);
    }),
    hidden("loraForward and loraBackward on random shapes", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) {
        const c = randomCase(ctx.rng);
        await checkForward(ctx, c);
        await checkBackward(ctx, c);
      }
    }),
    hidden("loraParamCount on random sizes", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkParamCount(ctx, 1 + ctx.rng.int(512), 1 + ctx.rng.int(512), 1 + ctx.rng.int(16));
    }),
  ],
});
