import type * as TF from "@tensorflow/tfjs";
import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, asObjectResult, expectBackwardMatchesForward, referenceForward, referenceGrads, sameForwardFor, type TfForward, scaleHint, type HintRule, asTensorWithShapeHint, variantHint, en } from "gradlab/checks";
import { wrongDb, wrongDw, type Geometry } from "./mistakes.host.ts";

type Padding = "valid" | "same";

interface ConvCase {
  x: Tensor; // [N, H, W, Cin]
  w: Tensor; // [KH, KW, Cin, Cout]
  b: Tensor; // [Cout]
  dy: Tensor; // [N, Ho, Wo, Cout]
  stride: number;
  padding: Padding;
}

/** Output size and padding before the first row / column, as TensorFlow computes them. */
function geometry(h: number, w: number, kh: number, kw: number, stride: number, padding: Padding): Geometry {
  if (padding === "valid") return { ho: Math.floor((h - kh) / stride) + 1, wo: Math.floor((w - kw) / stride) + 1, top: 0, left: 0 };
  const ho = Math.ceil(h / stride);
  const wo = Math.ceil(w / stride);
  return { ho, wo, top: Math.floor(Math.max((ho - 1) * stride + kh - h, 0) / 2), left: Math.floor(Math.max((wo - 1) * stride + kw - w, 0) / 2) };
}

function convGeometry(c: Pick<ConvCase, "x" | "w" | "stride" | "padding">): Geometry {
  const [, h, w] = c.x.shape;
  const [kh, kw] = c.w.shape;
  return geometry(h, w, kh, kw, c.stride, c.padding);
}

function outShape(c: Pick<ConvCase, "x" | "w" | "stride" | "padding">): number[] {
  const g = convGeometry(c);
  return [c.x.shape[0], g.ho, g.wo, c.w.shape[3]];
}

function makeCase(rng: Rng, x: [number, number, number, number], k: [number, number, number], stride: number, padding: Padding): ConvCase {
  const [kh, kw, cout] = k;
  const base = { x: randn(x, rng), w: randn([kh, kw, x[3], cout], rng), b: randn([cout], rng), stride, padding };
  return { ...base, dy: randn(outShape(base), rng) };
}

function describeCase(c: ConvCase): string {
  return `x [${c.x.shape}], w [${c.w.shape}], stride ${c.stride}, '${c.padding}'`;
}

/** Known mistakes in 'same' padding, computed for hints. */
type SamePadMistake = "extraOnTop" | "unclamped";

/** Total 'same' padding before clamping at 0 along rows and columns: negative when the stride is larger than the kernel needs. */
function rawSamePadding(c: Pick<ConvCase, "x" | "w" | "stride">): [number, number] {
  const [, h, w] = c.x.shape;
  const [kh, kw] = c.w.shape;
  return [(Math.ceil(h / c.stride) - 1) * c.stride + kh - h, (Math.ceil(w / c.stride) - 1) * c.stride + kw - w];
}

/**
 * The same convolution as patches × kernel (im2col) from tfjs slice/pad/concat/matMul, for
 * gradients: the wasm backend has no Conv2DBackpropFilter kernel, and tf.conv2d there returns
 * zeros for 'same' with stride > 1 when (Ho − 1)·stride + KH − H < 0. Checked equal to tf.conv2d
 * (forward, tf.grads for x and w) on the cpu backend for every H, W ≤ 7, KH, KW ≤ 3, stride ≤ 3.
 */
function im2colConv(tf: Tf, x: TF.Tensor, w: TF.Tensor, stride: number, padding: Padding, mistake?: SamePadMistake): TF.Tensor {
  let [n, h, wd, cin] = x.shape;
  const [kh, kw, , cout] = w.shape;
  const g = geometry(h, wd, kh, kw, stride, padding);
  if (mistake === "extraOnTop" && padding === "same") {
    // A learner's mistake, for a hint: the odd row / column of padding on top / left.
    g.top = Math.ceil(Math.max((g.ho - 1) * stride + kh - h, 0) / 2);
    g.left = Math.ceil(Math.max((g.wo - 1) * stride + kw - wd, 0) / 2);
  }
  if (mistake === "unclamped" && padding === "same") {
    // A learner's mistake, for a hint: the total padding not clamped at 0, so a negative "padding"
    // skips the first rows / columns. Crop them, then pad nothing on that side.
    g.top = Math.floor(((g.ho - 1) * stride + kh - h) / 2);
    g.left = Math.floor(((g.wo - 1) * stride + kw - wd) / 2);
    if (g.top < 0) [x, h, g.top] = [x.slice([0, -g.top, 0, 0]), h + g.top, 0];
    if (g.left < 0) [x, wd, g.left] = [x.slice([0, 0, -g.left, 0]), wd + g.left, 0];
  }
  // Pad (or crop) to exactly KH − 1 + Ho·stride rows and KW − 1 + Wo·stride columns, so that the
  // patch of kernel tap (a, c) is a [Ho·stride, Wo·stride] block subsampled by the stride.
  const hp = kh - 1 + g.ho * stride;
  const wp = kw - 1 + g.wo * stride;
  const xp = tf.pad(x, [[0, 0], [g.top, Math.max(0, hp - g.top - h)], [g.left, Math.max(0, wp - g.left - wd)], [0, 0]]).slice([0, 0, 0, 0], [n, hp, wp, cin]);
  const cols: TF.Tensor[] = [];
  for (let a = 0; a < kh; a++)
    for (let c = 0; c < kw; c++) {
      let patch = xp.slice([0, a, c, 0], [n, g.ho * stride, g.wo * stride, cin]);
      if (stride > 1) patch = patch.reshape([n * g.ho, stride, g.wo, stride * cin]).slice([0, 0, 0, 0], [n * g.ho, 1, g.wo, cin]);
      cols.push(patch.reshape([n * g.ho * g.wo, cin]));
    }
  return tf.concat(cols, 1).matMul(w.reshape([kh * kw * cin, cout])).reshape([n, g.ho, g.wo, cout]);
}

/** tf.conv2d, except where the wasm backend gets it wrong ('same', stride > 1, negative raw padding). */
function tfConv(tf: Tf, x: TF.Tensor, w: TF.Tensor, stride: number, padding: Padding): TF.Tensor {
  const [, h, wd] = x.shape;
  const [kh, kw] = w.shape;
  const g = geometry(h, wd, kh, kw, stride, padding);
  const wasmBug = padding === "same" && stride > 1 && ((g.ho - 1) * stride + kh - h < 0 || (g.wo - 1) * stride + kw - wd < 0);
  return wasmBug ? im2colConv(tf, x, w, stride, padding) : tf.conv2d(x as TF.Tensor4D, w as TF.Tensor4D, stride, padding);
}

const maybeFlip = (tf: Tf, w: TF.Tensor, flip: boolean) => (flip ? tf.reverse(w, [0, 1]) : w);

/** Forward reference: tf.conv2d(x, w, stride, padding).add(b); `flip` gives the true convolution. */
const conv = sameForwardFor((tf: Tf, stride: number, padding: Padding, flip: boolean = false): TfForward =>
  (x, w, b) => tfConv(tf, x, maybeFlip(tf, w, flip), stride, padding).add(b));

/** The same function for tf.grads (see im2colConv). */
const convForGrads = sameForwardFor((tf: Tf, stride: number, padding: Padding, flip: boolean = false): TfForward =>
  (x, w, b) => im2colConv(tf, x, maybeFlip(tf, w, flip), stride, padding).add(b));

// ---- hints ----------------------------------------------------------------------------------

function shapeHint(c: ConvCase): (got: number[]) => string | undefined {
  const [, h, w] = c.x.shape;
  const [kh, kw] = c.w.shape;
  const other = geometry(h, w, kh, kw, c.stride, c.padding === "valid" ? "same" : "valid");
  const noStride = geometry(h, w, kh, kw, 1, c.padding);
  const formula =
    en`The output size is Ho = floor((H − KH) / stride) + 1 for 'valid' and Ho = ceil(H / stride) for 'same' (likewise Wo with W, KW); 'same' pads max((Ho − 1)·stride + KH − H, 0) rows in all, floor of half of them on top and the rest at the bottom.`;
  return (got) => {
    if (got.length !== 4) return en`${formula} The output is [N, Ho, Wo, Cout].`;
    if (got[1] === other.ho && got[2] === other.wo) return en`Your output has the size of '${c.padding === "valid" ? "same" : "valid"}' padding. ${formula}`;
    if (c.stride > 1 && got[1] === noStride.ho && got[2] === noStride.wo) return en`Your output size ignores the stride ${c.stride}. ${formula}`;
    return formula;
  };
}

/** Forward or gradients of the true convolution (kernel flipped in KH and KW): the classic mix-up. */
function flippedHint(what: string, candidate: () => Tensor | undefined): HintRule {
  return variantHint(
    en`Your ${what} is what a flipped kernel gives (a true convolution, w[KH−1−i, KW−1−j]): tfjs's conv2d is a cross-correlation, y[n,i,j,o] = b[o] + Σ x[n, i·stride + a − top, j·stride + c − left, ci] · w[a, c, ci, o], without flipping w.`,
    candidate,
  );
}

function dwHints(c: ConvCase): HintRule[] {
  const [n] = c.x.shape;
  const [, ho, wo] = outShape(c);
  const positions = ho * wo;
  // Known wrong dw (mistakes.host.ts, server-only: undefined in Run, where the hint then says nothing).
  const wrong = (kind: "overwritten" | "last-sample") => () => wrongDw(c, convGeometry(c), kind);
  const divided = [
    { value: 1 / n, hint: en`Your dw is the reference divided by the batch size ${n}: dw sums over the batch (dy already carries any averaging).` },
    { value: 1 / positions, hint: en`Your dw is the reference divided by the ${positions} output positions: dw sums the contributions of every position, it does not average them.` },
    { value: 1 / (n * positions), hint: en`Your dw is the reference divided by N·Ho·Wo = ${n * positions}: dw sums over the batch and every output position, it does not average.` },
  ].filter((f) => f.value !== 1);
  return [
    variantHint(en`Your dw holds only the last contribution to each weight: accumulate with += over every sample and output position (the same weight is used at every position).`, wrong("overwritten")),
    variantHint(en`Your dw only has the last sample's contribution: accumulate over the whole batch.`, wrong("last-sample")),
    scaleHint(divided),
  ];
}

function dbHints(c: ConvCase): HintRule[] {
  const [n, ho, wo] = c.dy.shape;
  // Known wrong db (mistakes.host.ts, server-only: undefined in Run).
  const wrong = (kind: "last-position" | "first-position" | "first-sample") => () => wrongDb(c.dy, kind);
  const total = n * ho * wo;
  const notSummed = en`db must be summed over N, Ho and Wo: db[o] = Σ_{n,i,j} dy[n,i,j,o] (the bias is added at every position of every sample).`;
  return [
    variantHint(en`Your db is dy at the last position only (assigned instead of accumulated). ${notSummed}`, wrong("last-position")),
    variantHint(en`Your db is dy at the first position only. ${notSummed}`, wrong("first-position")),
    variantHint(en`Your db sums one sample only. ${notSummed}`, wrong("first-sample")),
    scaleHint(
      [
        { value: 1 / total, hint: en`Your db is the mean of dy over N·Ho·Wo = ${total} positions. ${notSummed}` },
        { value: 1 / (ho * wo), hint: en`Your db is divided by the ${ho * wo} output positions. ${notSummed}` },
        { value: 1 / n, hint: en`Your db is divided by the batch size ${n}. ${notSummed}` },
      ].filter((f) => f.value !== 1),
    ),
  ];
}

// ---- checks ---------------------------------------------------------------------------------

/** "'same' padding, stride 3, 1x1 kernel, x [2,5,5,3]": the kind of case, for a hidden failure's message. */
function describeKind(ctx: CheckContext, c: ConvCase, what: string): void {
  const clamped = c.padding === "same" && Math.min(...rawSamePadding(c)) < 0 ? en` (the stride is larger than the kernel needs: the total padding clamps at 0)` : "";
  ctx.describe(en`${what}: '${c.padding}' padding, stride ${c.stride}, ${c.w.shape[0]}x${c.w.shape[1]} kernel, x [${c.x.shape}]${clamped}`);
}

async function checkForward(ctx: CheckContext, c: ConvCase) {
  const { learner, tf } = ctx;
  describeKind(ctx, c, "conv2dForward");
  const label = `conv2dForward(x, w, b, ${c.stride}, '${c.padding}')`;
  const expected = referenceForward(tf, conv(tf, c.stride, c.padding), [c.x, c.w, c.b]);
  const got = asTensorWithShapeHint(label, await learner.call("conv2dForward", c.x, c.w, c.b, c.stride, c.padding), expected.shape, shapeHint(c));
  expectClose(label, expected, got, {
    against: `tfjs (${describeCase(c)})`,
    hints: [
      flippedHint("output", () => referenceForward(tf, conv(tf, c.stride, c.padding, true), [c.x, c.w, c.b])),
      variantHint(en`Your output is the convolution without the bias b.`, () => referenceForward(tf, (x, w) => tfConv(tf, x, w, c.stride, c.padding), [c.x, c.w])),
      variantHint(
        en`Your 'same' padding puts the odd extra row (column) on top (left): TensorFlow puts floor(P/2) on top and the rest, the larger half, at the bottom (right).`,
        () => (c.padding === "same" ? referenceForward(tf, (x, w, b) => im2colConv(tf, x, w, c.stride, c.padding, "extraOnTop").add(b), [c.x, c.w, c.b]) : undefined),
      ),
      variantHint(
        en`Your 'same' padding is negative here (stride ${c.stride} with a ${c.w.shape[0]}x${c.w.shape[1]} kernel: (Ho − 1)·stride + KH − H < 0), so your windows skip the first rows or columns. The total padding is max((Ho − 1)·stride + KH − H, 0): clamp it at 0, then floor of half on top (left).`,
        () => (c.padding === "same" && Math.min(...rawSamePadding(c)) < 0 ? referenceForward(tf, (x, w, b) => im2colConv(tf, x, w, c.stride, c.padding, "unclamped").add(b), [c.x, c.w, c.b]) : undefined),
      ),
    ],
  });
}

type Grad = "dx" | "dw" | "db";

async function checkBackward(ctx: CheckContext, c: ConvCase, which: Grad[]) {
  const { learner, tf } = ctx;
  describeKind(ctx, c, `conv2dBackward ${which.join(", ")}`);
  const label = `conv2dBackward(dy, x, w, ${c.stride}, '${c.padding}')`;
  const [dx, dw, db] = referenceGrads(tf, convForGrads(tf, c.stride, c.padding), [c.x, c.w, c.b], c.dy);
  const out = asObjectResult(label, await learner.call("conv2dBackward", c.dy, c.x, c.w, c.stride, c.padding), ["dx", "dw", "db"]);
  const flipped = (k: number) => () => referenceGrads(tf, convForGrads(tf, c.stride, c.padding, true), [c.x, c.w, c.b], c.dy)[k];
  const expected = { dx, dw, db };
  const hints: Record<Grad, HintRule[]> = {
    dx: [flippedHint("dx", flipped(0))],
    dw: [flippedHint("dw", flipped(1)), ...dwHints(c)],
    db: dbHints(c),
  };
  for (const k of which) {
    const got = k === "db"
      ? asTensorWithShapeHint(`${label}.db`, out.db, db.shape, () => en`db has one value per output channel, shape [Cout]: sum dy over N, Ho and Wo.`)
      : out[k];
    expectClose(`${label}.${k}`, expected[k], got, { against: `tf.grads (${describeCase(c)})`, hints: hints[k] });
  }
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: ConvCase) {
  const label = `conv2dBackward(dy, x, w, ${c.stride}, '${c.padding}')`;
  const out = asObjectResult(label, await learner.call("conv2dBackward", c.dy, c.x, c.w, c.stride, c.padding), ["dx", "dw", "db"]);
  await expectBackwardMatchesForward({
    backward: out,
    grads: { dx: "x", dw: "w", db: "b" },
    inputs: { x: c.x, w: c.w, b: c.b },
    forward: (i) => learner.call("conv2dForward", i.x, i.w, i.b, c.stride, c.padding),
    forwardLabel: "conv2dForward",
    gradLabelPrefix: `${label}.`,
    dy: c.dy,
    maxElements: 24,
  });
}

/** The visible backward cases: 'valid' with a batch, 'same' with stride 2 and a batch of 1, 'same' with an even kernel. */
const backwardCases = (rng: Rng) => [
  makeCase(rng, [2, 5, 5, 2], [3, 3, 3], 1, "valid"),
  makeCase(rng, [1, 6, 5, 2], [3, 3, 2], 2, "same"),
  makeCase(rng, [2, 4, 5, 1], [2, 2, 2], 1, "same"),
];

/** 'same' padding with a stride larger than the kernel needs: the raw total padding is negative along at least one axis. */
function clampedPaddingCase(rng: Rng, n: number): ConvCase {
  for (;;) {
    const k = 1 + rng.int(2);
    const stride = k + 1 + rng.int(2);
    const c = makeCase(rng, [n, 3 + rng.int(8), 3 + rng.int(8), 1 + rng.int(3)], [k, k, 1 + rng.int(3)], stride, "same");
    if (Math.min(...rawSamePadding(c)) < 0) return c;
  }
}

function randomCase(rng: Rng, n: number): ConvCase {
  const kh = 1 + rng.int(3);
  const kw = rng.int(3) === 0 ? 1 + rng.int(3) : kh;
  const padding: Padding = rng.int(2) === 0 ? "valid" : "same";
  const h = kh + rng.int(6);
  const w = kw + rng.int(6);
  return makeCase(rng, [n, h, w, 1 + rng.int(3)], [kh, kw, 1 + rng.int(3)], 1 + rng.int(3), padding);
}

export default defineChecks({
  checks: [
    visible("conv2dForward, 'valid', stride 1 (x [2,5,5,2], w [3,3,2,3])", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, [2, 5, 5, 2], [3, 3, 3], 1, "valid"))),
    visible("conv2dForward, 'same', stride 2, odd kernel, batch of 1 (x [1,7,6,2], w [3,3,2,2])", 1, (ctx) =>
      checkForward(ctx, makeCase(ctx.rng, [1, 7, 6, 2], [3, 3, 2], 2, "same"))),
    visible("conv2dForward, 'same', even kernel, strides 1 and 2 (x [2,5,6,1], w [2,2,1,2])", 1, async (ctx) => {
      const c = makeCase(ctx.rng, [2, 5, 6, 1], [2, 2, 2], 1, "same");
      await checkForward(ctx, c);
      await checkForward(ctx, { ...c, stride: 2 });
    }),
    visible("conv2dForward, 1x1 kernel: stride 1 'same', stride 2 'valid', and stride 3 'same', where the total padding clamps at 0 (x [2,5,5,3], w [1,1,3,4])", 1, async (ctx) => {
      const c = makeCase(ctx.rng, [2, 5, 5, 3], [1, 1, 4], 1, "same");
      await checkForward(ctx, c);
      await checkForward(ctx, { ...c, stride: 2, padding: "valid" });
      await checkForward(ctx, { ...c, stride: 3 });
    }),
    visible("conv2dBackward dx matches tf.grads ('valid'; 'same' stride 2; even kernel)", 1, async (ctx) => {
      for (const c of backwardCases(ctx.rng)) await checkBackward(ctx, c, ["dx"]);
    }),
    visible("conv2dBackward dw matches tf.grads ('valid'; 'same' stride 2; even kernel)", 1, async (ctx) => {
      for (const c of backwardCases(ctx.rng)) await checkBackward(ctx, c, ["dw"]);
    }),
    visible("conv2dBackward db matches tf.grads ('valid'; 'same' stride 2; even kernel)", 1, async (ctx) => {
      for (const c of backwardCases(ctx.rng)) await checkBackward(ctx, c, ["db"]);
    }),
    visible("conv2dBackward agrees with finite differences of your conv2dForward (x [2,5,4,2], w [3,2,2,2], stride 2, 'same')", 1, (ctx) =>
      checkAgainstOwnForward(ctx, makeCase(ctx.rng, [2, 5, 4, 2], [3, 2, 2], 2, "same"))),
    hidden("conv2dForward on random shapes, strides and paddings", 1, async (ctx) => {
      for (let i = 0; i < 4; i++) await checkForward(ctx, randomCase(ctx.rng, i === 0 ? 1 : 1 + ctx.rng.int(3)));
      await checkForward(ctx, clampedPaddingCase(ctx.rng, 1 + ctx.rng.int(2)));
    }),
    hidden("conv2dBackward dx, dw, db on random shapes, strides and paddings", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkBackward(ctx, randomCase(ctx.rng, i === 0 ? 1 : 1 + ctx.rng.int(3)), ["dx", "dw", "db"]);
      await checkBackward(ctx, clampedPaddingCase(ctx.rng, 1 + ctx.rng.int(2)), ["dx", "dw", "db"]);
    }),
  ],
});
