import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, expectClose, expectNumberClose, fmt, isClose, CheckFailure, VS_TFJS, mistakeExplains, type HintRule, asTensorResult, hostAnswer, en } from "gradlab/checks";
import { refClip, refGlobalNorm, refSgdStep, type ClipSpec } from "./ref.ts";
import { clip64, globalNorm64, sgdStep64, type ClipMistakes } from "./clip.host.ts";

// Inputs are float32 numbers, so tfjs (float32) and the learner (float64) start from the same values.
const f32 = (t: Tensor) => new Tensor(t.data.map(Math.fround), t.shape.slice());

/** Gradient tensors of the given shapes, each with its own scale (a per-tensor norm differs from the global one). */
function makeGrads(rng: Rng, shapes: number[][], scales?: number[]): Tensor[] {
  return shapes.map((s, i) => {
    const k = scales?.[i] ?? 0.1 + 3 * rng.next();
    return f32(new Tensor(randn(s, rng).data.map((v) => v * k), s));
  });
}

const shapesText = (gs: Tensor[]) => {
  const shapes = gs.map((g) => `[${g.shape}]`).join(", ");
  return gs.length > 1 ? en`${gs.length} tensors (${shapes})` : en`1 tensor (${shapes})`;
};
/** The learner's list of tensors, each validated against the expected one's shape. */
function asTensorList(label: string, v: unknown, like: Tensor[]): Tensor[] {
  if (!Array.isArray(v)) throw new CheckFailure(en`${label} returned ${v === undefined ? "nothing" : typeof v}; expected an array of ${like.length} tensors, one per gradient, in order.`, v === undefined ? { hint: en`Did you forget a \`return\`?` } : {});
  if (v.length !== like.length) throw new CheckFailure(en`${label} returned ${v.length} tensors; expected ${like.length}, one per gradient, in the same order.`);
  return like.map((e, i) => asTensorResult(`${label}[${i}]`, v[i], e.shape));
}

/** Every element of a list of tensors, in order. */
const flat = (ts: Tensor[]) => Float64Array.from(ts.flatMap((t) => Array.from(t.data)));

type Variant = { hint: string; outputs: () => Tensor[] | undefined };

/**
 * Compare a list tensor by tensor. A mistake's hint fires when it explains the learner's whole
 * list (one tensor alone may agree with several mistakes: a small tensor is unchanged by most).
 */
function expectList(label: string, expected: Tensor[], got: unknown, against: string, variants: Variant[]) {
  const list = asTensorList(label, got, expected);
  const [e, g] = [flat(expected), flat(list)];
  const hints: HintRule[] = variants.map((m) => () => {
    const v = m.outputs();
    return v && v.length === list.length && mistakeExplains(e, flat(v), g) ? m.hint : undefined;
  });
  expected.forEach((t, i) => expectClose(`${label}[${i}]`, t, list[i], { against, hints }));
}

const HINT = {
  perTensor:
    en`You clip each tensor by its own norm (what Keras's clipnorm and tf.clip_by_norm do). Clipping by the global norm scales every tensor by the same factor, clipNorm / max(globalNorm, clipNorm), with the norm taken over all the tensors together.`,
  alwaysRescale: en`Your gradients are rescaled to norm clipNorm even though their global norm is already below it: clipping only shrinks, g · clipNorm / max(globalNorm, clipNorm), so below clipNorm they are unchanged.`,
  squared: en`Your global norm is missing the square root: globalNorm = sqrt(Σ over every tensor and element of g²).`,
  sumOfNorms: en`Your global norm is the sum of each tensor's norm. It is the norm of all the gradients as one long vector: sqrt(Σ_i ‖g_i‖²).`,
  upperOnly: en`Your value clipping only clips from above (min(g, clipValue)): clip into [−clipValue, clipValue], so large negative gradients are clipped too.`,
  unclipped: en`Your step moves by lr · g with g not clipped: clip the gradient first (by the global norm or by value, whichever h gives), then p − lr · clipped g (clipping lr · g instead clips nothing when lr · g is already within the clip).`,
  clipUpdate: en`Your step clips the update lr · g instead of the gradient: clip the gradient first, then multiply by lr (p − lr · clip(g)).`,
};

/** The clipping mistakes, in the order of normVariants. */
const NORM_MISTAKES: ClipMistakes[] = [{ perTensor: true }, { alwaysRescale: true }, { norm: "squared" }, { norm: "sum-of-norms" }, { upperOnly: true }];

function normVariants(gs: Tensor[], clip: ClipSpec): Variant[] {
  const hints = [HINT.perTensor, HINT.alwaysRescale, HINT.squared, HINT.sumOfNorms, HINT.upperOnly];
  return NORM_MISTAKES.map((m, i) => ({ hint: hints[i], outputs: () => clip64(gs, clip, m) }));
}

const describeH = (h: { lr: number } & ClipSpec) =>
  `{ lr: ${fmt(h.lr)}${h.clipNorm !== undefined ? `, clipNorm: ${fmt(h.clipNorm)}` : ""}${h.clipValue !== undefined ? `, clipValue: ${fmt(h.clipValue)}` : ""} }`;

// ---- checks ---------------------------------------------------------------------------------

async function checkGlobalNorm({ learner, tf }: CheckContext, gs: Tensor[]) {
  const expected = refGlobalNorm(tf, gs);
  const candidates: [number, string][] = [
    [globalNorm64(gs, { norm: "squared" }), HINT.squared],
    [globalNorm64(gs, { norm: "sum-of-norms" }), HINT.sumOfNorms],
  ];
  expectNumberClose(`globalNorm(${shapesText(gs)})`, expected, await learner.call("globalNorm", gs), {
    against: "tfjs",
    hint: (_, got) => candidates.find(([c]) => !isClose(c, expected, VS_TFJS) && isClose(c, got, VS_TFJS))?.[1],
  });
}

async function checkClipByNorm(ctx: CheckContext, gs: Tensor[], clipNorm: number) {
  const { learner, tf } = ctx;
  const expected = refClip(tf, gs, { clipNorm });
  const got = await learner.call("clipByGlobalNorm", gs, clipNorm);
  expectList(`clipByGlobalNorm(${shapesText(gs)}, ${fmt(clipNorm)})`, expected, got, en`tfjs (global norm ${fmt(refGlobalNorm(ctx.tf, gs))})`, normVariants(gs, { clipNorm }));
}

async function checkClipByValue({ learner, tf }: CheckContext, gs: Tensor[], clipValue: number) {
  const expected = refClip(tf, gs, { clipValue });
  const got = await learner.call("clipByValue", gs, clipValue);
  expectList(`clipByValue(${shapesText(gs)}, ${fmt(clipValue)})`, expected, got, "tf.clipByValue", normVariants(gs, { clipValue }));
}

async function checkStep({ learner, tf }: CheckContext, params: Tensor[], gs: Tensor[], h: { lr: number } & ClipSpec) {
  const expected = refSgdStep(tf, params, gs, h);
  const got = await learner.call("clippedSgdStep", params, gs, h);
  const v = (m: ClipMistakes) => () => sgdStep64(params, gs, h, m);
  const variants: Variant[] = [
    { hint: HINT.unclipped, outputs: v({ step: "unclipped" }) },
    { hint: HINT.clipUpdate, outputs: v({ step: "clip-update" }) },
    ...normVariants(gs, h).map((n, i) => ({ hint: n.hint, outputs: v(NORM_MISTAKES[i]) })),
  ];
  expectList(`clippedSgdStep(params, grads, ${describeH(h)})`, expected, got, en`tf.train.sgd on the clipped gradients`, variants);
}

// ---- cases ----------------------------------------------------------------------------------

const SHAPES = [[3, 4], [4], [2, 2]];

/** A clipNorm this many times the global norm (never 1, where clipping and not clipping agree); the norm is the server's. */
const clipNormFor = (gs: Tensor[], factor: number) => Math.fround(factor * hostAnswer(globalNorm64(gs)));

/** A clipValue this fraction of the largest |g|: some elements clipped, some not. */
function clipValueFor(gs: Tensor[], fraction: number): number {
  let m = 0;
  for (const g of gs) for (const v of g.data) m = Math.max(m, Math.abs(v));
  return Math.fround(fraction * m);
}

function randomGrads(ctx: CheckContext): Tensor[] {
  const n = 1 + ctx.rng.int(4);
  const shapes = Array.from({ length: n }, () => (ctx.rng.int(2) === 0 ? [1 + ctx.rng.int(6)] : [1 + ctx.rng.int(4), 1 + ctx.rng.int(4)]));
  return makeGrads(ctx.rng, shapes);
}

function randomClip(ctx: CheckContext, gs: Tensor[]): { spec: ClipSpec; kind: string } {
  switch (ctx.rng.int(3)) {
    case 0: {
      const factor = [0.1, 0.3, 0.6][ctx.rng.int(3)];
      return { spec: { clipNorm: clipNormFor(gs, factor) }, kind: en`clipNorm below the global norm` };
    }
    case 1: {
      const factor = [1.5, 4][ctx.rng.int(2)];
      return { spec: { clipNorm: clipNormFor(gs, factor) }, kind: en`clipNorm above the global norm` };
    }
    default:
      return { spec: { clipValue: clipValueFor(gs, 0.2 + 0.6 * ctx.rng.next()) }, kind: "clipValue" };
  }
}

export default defineChecks({
  checks: [
    visible("globalNorm matches tfjs (3 tensors: [3,4], [4], [2,2])", 1, (ctx) => checkGlobalNorm(ctx, makeGrads(ctx.rng, SHAPES))),
    visible("clipByGlobalNorm scales every tensor by one factor (clipNorm = global norm / 4)", 1, (ctx) => {
      const gs = makeGrads(ctx.rng, SHAPES, [0.2, 3, 1]);
      return checkClipByNorm(ctx, gs, clipNormFor(gs, 0.25));
    }),
    visible("clipByGlobalNorm leaves gradients below clipNorm unchanged (clipNorm = 2 × global norm)", 1, (ctx) => {
      const gs = makeGrads(ctx.rng, SHAPES, [0.2, 3, 1]);
      return checkClipByNorm(ctx, gs, clipNormFor(gs, 2));
    }),
    visible("clipByGlobalNorm with all-zero gradients (global norm 0, clipNorm 1)", 1, (ctx) => checkClipByNorm(ctx, makeGrads(ctx.rng, SHAPES, [0, 0, 0]), 1)),
    visible("clipByValue matches tf.clipByValue (3 tensors, clipValue = 0.4 × the largest |g|)", 1, (ctx) => {
      const gs = makeGrads(ctx.rng, SHAPES, [1, 2, 0.5]);
      return checkClipByValue(ctx, gs, clipValueFor(gs, 0.4));
    }),
    visible("clippedSgdStep follows tf.train.sgd on the clipped gradients (lr 0.5; clipNorm; clipValue; neither)", 2, async (ctx) => {
      const params = makeGrads(ctx.rng, SHAPES, [1, 1, 1]);
      const gs = makeGrads(ctx.rng, SHAPES, [0.5, 4, 1]);
      // lr 0.5: the update lr·g is still beyond the clip, so clipping it instead of g shows.
      await checkStep(ctx, params, gs, { lr: 0.5, clipNorm: clipNormFor(gs, 0.2) });
      await checkStep(ctx, params, gs, { lr: 0.5, clipValue: clipValueFor(gs, 0.3) });
      await checkStep(ctx, params, gs, { lr: 0.5 });
    }),
    hidden("globalNorm and clipByGlobalNorm on random gradient lists (clipNorm below and above the norm)", 2, async (ctx) => {
      for (let i = 0; i < 4; i++) {
        const gs = randomGrads(ctx);
        const above = i % 2 === 1;
        ctx.describe(en`${shapesText(gs)}, clipNorm ${above ? "above" : "below"} the global norm`);
        await checkGlobalNorm(ctx, gs);
        await checkClipByNorm(ctx, gs, clipNormFor(gs, above ? [1.5, 4][ctx.rng.int(2)] : [0.1, 0.3, 0.6][ctx.rng.int(3)]));
      }
    }),
    hidden("clipByValue on random gradient lists", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) {
        const gs = randomGrads(ctx);
        ctx.describe(en`${shapesText(gs)}, some elements beyond clipValue`);
        await checkClipByValue(ctx, gs, clipValueFor(gs, 0.2 + 0.6 * ctx.rng.next()));
      }
    }),
    hidden("clippedSgdStep on random gradient lists, learning rates and clipping", 2, async (ctx) => {
      for (let i = 0; i < 3; i++) {
        const gs = randomGrads(ctx);
        const params = makeGrads(ctx.rng, gs.map((g) => g.shape), gs.map(() => 1));
        const { spec, kind } = randomClip(ctx, gs);
        const lr = [0.01, 0.1, 0.5][ctx.rng.int(3)];
        ctx.describe(en`${shapesText(gs)}, lr ${lr}, ${kind}`);
        await checkStep(ctx, params, gs, { lr, ...spec });
      }
    }),
  ],
});
