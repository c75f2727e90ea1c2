import type { Rng } from "gradlab/nd";
import type * as TF from "@tensorflow/tfjs";
import { defineChecks, hidden, visible, type CheckContext, type Tf, CheckFailure, asNumberResult, asObjectResult, InvalidValue, describe, en } from "gradlab/checks";

type SeqLayer =
  | { kind: "dense"; units: number; useBias?: boolean }
  | { kind: "conv2d"; filters: number; kernelSize: [number, number]; strides?: number; padding?: "valid" | "same"; useBias?: boolean }
  | { kind: "maxPooling2d"; poolSize: [number, number]; strides?: number }
  | { kind: "flatten" }
  | { kind: "dropout"; rate: number }
  | { kind: "batchNormalization" };

interface LayerSummary {
  outputShape: number[];
  trainable: number;
  nonTrainable: number;
}
interface Summary {
  layers: LayerSummary[];
  totalTrainable: number;
  totalNonTrainable: number;
  depth: number;
}
interface Model {
  inputShape: number[];
  layers: SeqLayer[];
}

// ---- the reference: a tf.sequential built on inputShape ----------------------------------------

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function tfLayer(tf: Tf, l: SeqLayer, first: { inputShape?: number[] }): TF.layers.Layer {
  const z = { kernelInitializer: "zeros", biasInitializer: "zeros" } as const;
  switch (l.kind) {
    case "dense":
      return tf.layers.dense({ units: l.units, useBias: l.useBias ?? true, ...z, ...first });
    case "conv2d":
      return tf.layers.conv2d({ filters: l.filters, kernelSize: l.kernelSize, strides: l.strides ?? 1, padding: l.padding ?? "valid", useBias: l.useBias ?? true, ...z, ...first });
    case "maxPooling2d":
      return tf.layers.maxPooling2d({ poolSize: l.poolSize, strides: l.strides ?? l.poolSize[0], padding: "valid", ...first });
    case "flatten":
      return tf.layers.flatten(first);
    case "dropout":
      return tf.layers.dropout({ rate: l.rate, ...first });
    case "batchNormalization":
      return tf.layers.batchNormalization(first);
  }
}

const cache = new Map<string, Summary>();

/** Every layer's output shape (batch dropped) and parameter counts, read from tfjs. Cached per model. */
function reference(tf: Tf, model: Model): Summary {
  const key = JSON.stringify(model);
  const hit = cache.get(key);
  if (hit) return hit;
  const m = tf.sequential();
  try {
    model.layers.forEach((l, i) => m.add(tfLayer(tf, l, i === 0 ? { inputShape: model.inputShape } : {})));
    const layers = m.layers.map((l) => ({
      outputShape: (l.outputShape as number[]).slice(1),
      trainable: l.trainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0),
      nonTrainable: l.nonTrainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0),
    }));
    const summary = {
      layers,
      totalTrainable: layers.reduce((s, l) => s + l.trainable, 0),
      totalNonTrainable: layers.reduce((s, l) => s + l.nonTrainable, 0),
      depth: layers.filter((l) => l.trainable > 0).length,
    };
    if (cache.size >= 2000) cache.clear(); // hidden checks draw new specs: keep the cache bounded
    cache.set(key, summary);
    return summary;
  } finally {
    m.dispose();
  }
}

// ---- validating the learner's result -----------------------------------------------------------

const LABEL = "summarize(inputShape, layers)";

function asShape(label: string, v: unknown): number[] {
  if (v instanceof InvalidValue) throw new CheckFailure(`${label} is ${v.why}.`);
  const arr = v instanceof Float64Array || v instanceof Int32Array ? Array.from(v) : v;
  if (!Array.isArray(arr)) throw new CheckFailure(en`${label} is ${describe(v)}; expected an array of sizes like [26, 26, 8].`);
  if (arr.some((d) => d === null)) throw new CheckFailure(en`${label} contains null.`, { hint: en`Shapes are given without the batch dimension: drop tfjs's leading null.` });
  for (const d of arr) if (typeof d !== "number" || !Number.isInteger(d)) throw new CheckFailure(en`${label} contains ${describe(d)}; sizes are integers.`);
  return arr as number[];
}

function asSummary(v: unknown, n: number): { layers: Record<string, unknown>[]; raw: Record<string, unknown> } {
  const o = asObjectResult(LABEL, v, ["layers", "totalTrainable", "totalNonTrainable", "depth"]);
  const layers = o.layers;
  if (!Array.isArray(layers)) throw new CheckFailure(en`${LABEL}.layers is ${describe(layers)}; expected an array with one entry per layer.`);
  if (layers.length !== n) throw new CheckFailure(en`${LABEL}.layers has ${layers.length} entries; the model has ${n} layers (one entry each, the input not included).`);
  return { layers: layers.map((l, i) => asObjectResult(`${LABEL}.layers[${i}]`, l, ["outputShape", "trainable", "nonTrainable"])), raw: o };
}

// ---- describing layers and known mistakes ------------------------------------------------------

function describeLayer(l: SeqLayer): string {
  switch (l.kind) {
    case "dense":
      return `dense(units ${l.units}${l.useBias === false ? ", useBias false" : ""})`;
    case "conv2d":
      return en`conv2d(filters ${l.filters}, kernel ${l.kernelSize[0]}x${l.kernelSize[1]}, strides ${l.strides ?? "1 (default)"}, padding ${l.padding ?? "valid (default)"}${l.useBias === false ? ", useBias false" : ""})`;
    case "maxPooling2d":
      return `maxPooling2d(pool ${l.poolSize[0]}x${l.poolSize[1]}, strides ${l.strides ?? `${l.poolSize[0]} (default)`})`;
    case "dropout":
      return `dropout(rate ${l.rate})`;
    default:
      return l.kind;
  }
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Output sizes a learner may compute by mistake along one axis: [size, hint]. */
function spatialMistakes(l: SeqLayer, n: number, k: number): [number, string][] {
  if (l.kind === "conv2d") {
    const s = l.strides ?? 1;
    if ((l.padding ?? "valid") === "same") {
      return [
        [Math.floor((n - k) / s) + 1, en`With padding 'same' the output size is ceil(n / stride), independent of the kernel; you used the 'valid' formula.`],
        [Math.floor(n / s), en`With padding 'same' the output size is ceil(n / stride): round up, not down.`],
        [n, en`With padding 'same' and a stride, the output size is ceil(n / stride): the stride still shrinks it.`],
        [n - k + 1, en`padding 'same' keeps ceil(n / stride) positions: it pads so that the kernel fits everywhere.`],
      ];
    }
    return [
      [Math.ceil((n - k) / s) + 1, en`With padding 'valid' the output size is floor((n - k) / stride) + 1: round down (a window that does not fit entirely is dropped).`],
      [n - k + 1, en`The stride divides the number of positions: floor((n - k) / stride) + 1.`],
      [Math.ceil(n / s), en`That is the 'same' formula: padding 'valid' (the default) pads nothing, so the output size is floor((n - k) / stride) + 1.`],
      [Math.floor((n - k) / s), en`Off by one: floor((n - k) / stride) + 1 positions (the first window starts at 0).`],
      [n, en`padding 'valid' (the default) shrinks the image: floor((n - k) / stride) + 1.`],
    ];
  }
  if (l.kind === "maxPooling2d") {
    const s = l.strides ?? l.poolSize[0];
    return [
      [n - k + 1, l.strides === undefined ? en`maxPooling2d strides default to the pool size (poolSize[0]), not 1: windows do not overlap.` : en`The stride divides the number of positions: floor((n - p) / stride) + 1.`],
      [Math.ceil((n - k) / s) + 1, en`Pooling pads nothing ('valid'): the output size is floor((n - p) / stride) + 1, a window that does not fit entirely is dropped.`],
      [Math.ceil(n / s), en`Pooling pads nothing ('valid'): the output size is floor((n - p) / stride) + 1, not ceil(n / stride).`],
      [n, en`maxPooling2d shrinks the image: floor((n - p) / stride) + 1 along each axis.`],
    ];
  }
  return [];
}

function shapeHint(l: SeqLayer, input: number[], expected: number[], got: number[]): string | undefined {
  if (got.length === expected.length + 1 && sameShape(got.slice(1), expected)) return en`Shapes are given without the batch dimension.`;
  if ((l.kind === "conv2d" || l.kind === "maxPooling2d") && got.length === 3 && input.length === 3) {
    const k = l.kind === "conv2d" ? l.kernelSize : l.poolSize;
    if (got[2] !== expected[2]) return l.kind === "conv2d" ? en`A conv2d outputs \`filters\` channels.` : en`Pooling keeps the number of channels.`;
    if (k[0] !== k[1]) {
      const same = l.kind === "conv2d" && l.padding === "same";
      const stride = l.kind === "conv2d" ? l.strides ?? 1 : l.strides ?? l.poolSize[0];
      const squareW = outSize(input[1], k[0], stride, same);
      const squareH = outSize(input[0], k[1], stride, same);
      const name = l.kind === "conv2d" ? "kernelSize" : "poolSize";
      if (got[1] === squareW && got[1] !== expected[1] && got[0] === expected[0]) return en`The width uses ${name}[1]: ${name} is [height, width], and this window is not square.`;
      if (got[0] === squareH && got[0] !== expected[0] && got[1] === expected[1]) return en`The height uses ${name}[0]: ${name} is [height, width], and this window is not square.`;
    }
    const a = spatialMistakes(l, input[0], k[0]);
    const b = spatialMistakes(l, input[1], k[1]);
    const matches: string[] = [];
    for (let i = 0; i < a.length; i++) {
      if ((got[0] === a[i][0] || got[0] === expected[0]) && (got[1] === b[i][0] || got[1] === expected[1])) matches.push(a[i][1]);
    }
    if (matches.length) return matches.length === 1 ? matches[0] : en`One of these: ${matches.join(" / ")}`;
    if (got[0] === expected[1] && got[1] === expected[0]) return en`Height and width are swapped: kernelSize is [kh, kw] and shapes are [height, width, channels].`;
  }
  if (l.kind === "dense" && input.length > 1 && sameShape(got, [expected[expected.length - 1]])) return en`A dense layer acts on the last axis only (as in tfjs): other axes are kept, [h, w, c] becomes [h, w, units].`;
  if (l.kind === "flatten" && got.length === 1) return en`flatten multiplies every size of its input (without the batch).`;
  if ((l.kind === "dropout" || l.kind === "batchNormalization") && !sameShape(got, input)) return en`${l.kind} does not change the shape.`;
  return undefined;
}

function paramsHint(l: SeqLayer, input: number[], output: number[], expected: LayerSummary, got: { trainable: number; nonTrainable: number }): string | undefined {
  const last = input[input.length - 1];
  switch (l.kind) {
    case "dense": {
      const bias = l.useBias === false ? 0 : l.units;
      if (l.useBias === false && got.trainable === expected.trainable + l.units) return en`useBias: false means no bias vector.`;
      if (input.length > 1 && got.trainable === size(input) * l.units + bias) return en`A dense layer acts on the last axis only (as in tfjs): its kernel is [lastDim, units], shared across the other axes.`;
      if (got.trainable === last * l.units) return en`A dense layer has a bias of \`units\` values (useBias defaults to true).`;
      return undefined;
    }
    case "conv2d": {
      const w = l.kernelSize[0] * l.kernelSize[1] * last * l.filters;
      if (l.useBias === false && got.trainable === w + l.filters) return en`useBias: false means no bias vector.`;
      if (l.useBias !== false && got.trainable === w + size(output)) return en`The conv bias is one number per filter, shared by every position: not one per output position.`;
      if (got.trainable === l.kernelSize[0] * l.kernelSize[1] * l.filters + (l.useBias === false ? 0 : l.filters)) return en`Each filter spans every input channel: the kernel is [kh, kw, inChannels, filters].`;
      for (const k of [l.kernelSize[0], l.kernelSize[1]]) {
        if (l.kernelSize[0] !== l.kernelSize[1] && got.trainable === k * k * last * l.filters + (l.useBias === false ? 0 : l.filters)) {
          return en`This kernel is not square (kernelSize is [kh, kw]): it has kh·kw·inChannels·filters weights.`;
        }
      }
      if (l.useBias !== false && got.trainable === w) return en`A conv2d layer has one bias per filter (useBias defaults to true).`;
      return undefined;
    }
    case "batchNormalization":
      if (got.trainable === 4 * last) return en`The moving mean and moving variance are non-trainable: 2C trainable (gamma, beta), 2C non-trainable.`;
      if (got.trainable === 2 * size(input)) return en`batchNormalization normalises over the last axis (the channels): C is the last size, not the product of all sizes.`;
      if (got.trainable === 2 * last && got.nonTrainable === 0) return en`The moving mean and moving variance (C values each) are non-trainable parameters: count them.`;
      return undefined;
    default:
      return en`${l.kind} has no parameters.`;
  }
}

// ---- the checks' comparisons -------------------------------------------------------------------

/** Layer by layer, first the shape and then the counts; reports the first layer that differs. */
async function checkLayers({ learner, tf }: CheckContext, model: Model): Promise<Summary> {
  const ref = reference(tf, model);
  const { layers } = asSummary(await learner.call("summarize", model.inputShape, model.layers), model.layers.length);
  for (let i = 0; i < model.layers.length; i++) {
    const l = model.layers[i];
    const input = i === 0 ? model.inputShape : ref.layers[i - 1].outputShape;
    const e = ref.layers[i];
    const at = en`layers[${i}] ${describeLayer(l)} on input [${input}]`;
    const shape = asShape(`${LABEL}.layers[${i}].outputShape`, layers[i].outputShape);
    if (!sameShape(shape, e.outputShape)) {
      throw new CheckFailure(en`${at}: outputShape is wrong: expected [${e.outputShape}], got [${shape}] (tfjs's layer.outputShape without the batch).`, {
        hint: shapeHint(l, input, e.outputShape, shape),
      });
    }
    const got = {
      trainable: asNumberResult(`${LABEL}.layers[${i}].trainable`, layers[i].trainable),
      nonTrainable: asNumberResult(`${LABEL}.layers[${i}].nonTrainable`, layers[i].nonTrainable),
    };
    for (const field of ["trainable", "nonTrainable"] as const) {
      if (got[field] !== e[field]) {
        throw new CheckFailure(en`${at}: ${field} is wrong: expected ${e[field]}, got ${got[field]} (tfjs's layer.${field}Weights).`, {
          hint: paramsHint(l, input, e.outputShape, e, got),
        });
      }
    }
  }
  return ref;
}

async function checkTotals({ learner, tf }: CheckContext, model: Model): Promise<void> {
  const ref = reference(tf, model);
  const { layers, raw } = asSummary(await learner.call("summarize", model.inputShape, model.layers), model.layers.length);
  for (const field of ["totalTrainable", "totalNonTrainable"] as const) {
    const got = asNumberResult(`${LABEL}.${field}`, raw[field]);
    if (got !== ref[field]) {
      const perLayer = field === "totalTrainable" ? "trainable" : "nonTrainable";
      const own = layers.reduce((s, l) => s + (typeof l[perLayer] === "number" ? (l[perLayer] as number) : NaN), 0);
      const all = ref.totalTrainable + ref.totalNonTrainable;
      throw new CheckFailure(en`${LABEL}.${field} is wrong: expected ${ref[field]}, got ${got}.`, {
        hint:
          got === own
            ? en`Your ${field} is the sum of your layers' ${perLayer} counts, so a layer's count is wrong: see the per-layer checks.`
            : got === all && field === "totalTrainable"
              ? en`totalTrainable counts trainable parameters only: batchNormalization's moving statistics are non-trainable.`
              : en`${field} is the sum of every layer's ${perLayer} count.`,
      });
    }
  }
}

async function checkDepth({ learner }: CheckContext, model: Model, ref: Summary): Promise<void> {
  const { raw } = asSummary(await learner.call("summarize", model.inputShape, model.layers), model.layers.length);
  const got = asNumberResult(`${LABEL}.depth`, raw.depth);
  if (got === ref.depth) return;
  const withParams = model.layers.filter((l) => l.kind === "dense" || l.kind === "conv2d").length;
  const hint =
    got === model.layers.length
      ? en`depth counts only the layers that hold trainable parameters: dropout, flatten and maxPooling2d do not count.`
      : got === withParams
        ? en`batchNormalization holds trainable parameters (gamma and beta), so it counts towards the depth.`
        : en`depth is the number of layers whose trainable count is positive.`;
  throw new CheckFailure(en`${LABEL}.depth is wrong for [${model.layers.map((l) => l.kind).join(", ")}]: expected ${ref.depth}, got ${got}.`, { hint });
}

/** "input [20,14,3]; conv2d(...), maxPooling2d(...), ...": the model's structure (sizes and settings, no values exist here). */
function describeModel(model: Model): string {
  const special = model.layers.some((l) => (l.kind === "conv2d" && l.kernelSize[0] !== l.kernelSize[1]) || (l.kind === "maxPooling2d" && l.poolSize[0] !== l.poolSize[1]));
  return en`a random ${model.inputShape.length === 1 ? "MLP" : "CNN"} of ${model.layers.length} layers${special ? en` with non-square kernels or pooling windows` : ""}`;
}

// ---- models --------------------------------------------------------------------------------------

const MLP: Model = {
  inputShape: [28, 28],
  layers: [{ kind: "flatten" }, { kind: "dense", units: 128 }, { kind: "dropout", rate: 0.2 }, { kind: "dense", units: 10 }],
};

const CNN: Model = {
  inputShape: [32, 32, 3],
  layers: [
    { kind: "conv2d", filters: 16, kernelSize: [3, 3], padding: "same" },
    { kind: "batchNormalization" },
    { kind: "maxPooling2d", poolSize: [2, 2] },
    { kind: "conv2d", filters: 32, kernelSize: [3, 3], strides: 2 },
    { kind: "batchNormalization" },
    { kind: "dropout", rate: 0.25 },
    { kind: "flatten" },
    { kind: "dense", units: 64, useBias: false },
    { kind: "dense", units: 10 },
  ],
};

const between = (rng: Rng, lo: number, hi: number) => lo + rng.int(hi - lo + 1);
const coin = (rng: Rng, p = 0.5) => rng.next() < p;
const outSize = (n: number, k: number, s: number, same: boolean) => (same ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1);

/**
 * A CNN whose every conv kernel and pooling window is non-square (kh ≠ kw, ph ≠ pw): a summary
 * that reads kernelSize[0] or poolSize[0] for both axes gets a shape or a count wrong.
 */
function nonSquareModel(rng: Rng): Model {
  const layers: SeqLayer[] = [];
  let [h, w, c] = [between(rng, 12, 30), between(rng, 12, 30), between(rng, 1, 4)];
  const inputShape = [h, w, c];
  for (let b = 0; b < 2 && Math.min(h, w) >= 5; b++) {
    const kh = between(rng, 1, 4);
    const kw = kh === 1 ? between(rng, 2, 4) : coin(rng) ? kh - 1 : kh + 1;
    const strides = coin(rng) ? undefined : between(rng, 1, 2);
    const padding = coin(rng) ? "valid" : "same";
    const filters = between(rng, 1, 16);
    layers.push({ kind: "conv2d", filters, kernelSize: [kh, kw], ...(strides ? { strides } : {}), padding });
    [h, w, c] = [outSize(h, kh, strides ?? 1, padding === "same"), outSize(w, kw, strides ?? 1, padding === "same"), filters];
    const ph = between(rng, 1, Math.min(3, h));
    const pw = Math.min(w, ph === 1 ? 2 : coin(rng) ? ph - 1 : ph + 1);
    if (ph === pw || Math.min(h, w) < 2) break;
    layers.push({ kind: "maxPooling2d", poolSize: [ph, pw] });
    [h, w] = [outSize(h, ph, ph, false), outSize(w, pw, ph, false)];
  }
  layers.push({ kind: "flatten" }, { kind: "dense", units: between(rng, 1, 16) });
  return { inputShape, layers };
}

/** A random valid CNN (or, sometimes, an MLP): conv blocks, flatten, dense head. */
function randomModel(rng: Rng): Model {
  const layers: SeqLayer[] = [];
  if (coin(rng, 0.2)) {
    const inputShape = [between(rng, 1, 300)];
    for (let i = between(rng, 1, 3); i > 0; i--) {
      layers.push({ kind: "dense", units: between(rng, 1, 128), ...(coin(rng, 0.3) ? { useBias: coin(rng, 0.3) } : {}) });
      if (coin(rng, 0.3)) layers.push({ kind: "batchNormalization" });
      if (coin(rng, 0.3)) layers.push({ kind: "dropout", rate: 0.5 });
    }
    return { inputShape, layers };
  }
  let [h, w, c] = [between(rng, 5, 40), between(rng, 5, 40), between(rng, 1, 4)];
  const inputShape = [h, w, c];
  for (let b = between(rng, 1, 3); b > 0 && Math.min(h, w) >= 2; b--) {
    const kh = between(rng, 1, Math.min(5, h));
    const kw = coin(rng, 0.7) ? Math.min(kh, w) : between(rng, 1, Math.min(5, w));
    const strides = coin(rng) ? undefined : between(rng, 1, 3);
    const padding = coin(rng, 0.3) ? undefined : coin(rng) ? "valid" : "same";
    const filters = between(rng, 1, 32);
    layers.push({ kind: "conv2d", filters, kernelSize: [kh, kw], ...(strides ? { strides } : {}), ...(padding ? { padding } : {}), ...(coin(rng, 0.2) ? { useBias: false } : {}) });
    const same = padding === "same";
    [h, w, c] = [outSize(h, kh, strides ?? 1, same), outSize(w, kw, strides ?? 1, same), filters];
    if (coin(rng, 0.4)) layers.push({ kind: "batchNormalization" });
    if (Math.min(h, w) >= 2 && coin(rng, 0.6)) {
      const p = between(rng, 2, Math.min(3, h, w));
      const pw = coin(rng, 0.7) ? p : between(rng, 1, Math.min(3, w));
      const s = coin(rng) ? undefined : between(rng, 1, 3);
      layers.push({ kind: "maxPooling2d", poolSize: [p, pw], ...(s ? { strides: s } : {}) });
      [h, w] = [outSize(h, p, s ?? p, false), outSize(w, pw, s ?? p, false)];
    }
    if (coin(rng, 0.3)) layers.push({ kind: "dropout", rate: 0.25 });
  }
  layers.push({ kind: "flatten" });
  for (let i = between(rng, 1, 2); i > 0; i--) {
    if (coin(rng, 0.3)) layers.push({ kind: "dropout", rate: 0.5 });
    layers.push({ kind: "dense", units: between(rng, 1, 64), ...(coin(rng, 0.2) ? { useBias: false } : {}) });
  }
  return { inputShape, layers };
}

export default defineChecks({
  checks: [
    visible("MLP: flatten, dense, dropout, dense", 1, (ctx) => checkLayers(ctx, MLP).then(() => undefined)),
    visible("conv2d with padding 'valid': floor((n - k) / stride) + 1", 1, (ctx) =>
      checkLayers(ctx, {
        inputShape: [28, 28, 1],
        layers: [
          { kind: "conv2d", filters: 8, kernelSize: [5, 5] },
          { kind: "conv2d", filters: 4, kernelSize: [3, 2], strides: 2, padding: "valid" },
          { kind: "conv2d", filters: 6, kernelSize: [2, 2], strides: 3 },
        ],
      }).then(() => undefined),
    ),
    visible("conv2d with padding 'same': ceil(n / stride)", 1, (ctx) =>
      checkLayers(ctx, {
        inputShape: [15, 10, 3],
        layers: [
          { kind: "conv2d", filters: 8, kernelSize: [3, 3], padding: "same" },
          { kind: "conv2d", filters: 8, kernelSize: [5, 3], strides: 2, padding: "same" },
          { kind: "conv2d", filters: 2, kernelSize: [1, 1], strides: 3, padding: "same", useBias: false },
        ],
      }).then(() => undefined),
    ),
    visible("maxPooling2d: strides default to poolSize[0]; non-square windows [height, width]", 1, (ctx) =>
      checkLayers(ctx, {
        inputShape: [17, 16, 4],
        layers: [
          { kind: "maxPooling2d", poolSize: [2, 2] },
          { kind: "maxPooling2d", poolSize: [3, 3], strides: 1 },
          { kind: "maxPooling2d", poolSize: [2, 3] },
          { kind: "maxPooling2d", poolSize: [3, 1], strides: 1 },
        ],
      }).then(() => undefined),
    ),
    visible("batchNormalization: 2C trainable, 2C non-trainable", 1, (ctx) =>
      checkLayers(ctx, {
        inputShape: [8, 8, 3],
        layers: [{ kind: "conv2d", filters: 16, kernelSize: [3, 3] }, { kind: "batchNormalization" }, { kind: "flatten" }, { kind: "dense", units: 5 }, { kind: "batchNormalization" }],
      }).then(() => undefined),
    ),
    visible("dense on a feature map acts on the last axis; useBias: false", 1, (ctx) =>
      checkLayers(ctx, {
        inputShape: [4, 6, 3],
        layers: [{ kind: "dense", units: 7 }, { kind: "dense", units: 2, useBias: false }, { kind: "flatten" }, { kind: "dense", units: 1 }],
      }).then(() => undefined),
    ),
    visible("totals add up every layer's counts", 1, (ctx) => checkTotals(ctx, CNN)),
    visible("depth counts the layers that hold trainable parameters", 1, async (ctx) => {
      await checkDepth(ctx, MLP, reference(ctx.tf, MLP));
      await checkDepth(ctx, CNN, reference(ctx.tf, CNN));
    }),
    hidden("random models: every shape, count, total and the depth", 2, async (ctx) => {
      for (let i = 0; i < 4; i++) {
        const model = i === 3 ? nonSquareModel(ctx.rng) : randomModel(ctx.rng);
        ctx.describe(describeModel(model));
        const ref = await checkLayers(ctx, model);
        await checkTotals(ctx, model);
        await checkDepth(ctx, model, ref);
      }
    }),
  ],
});
