import type { Rng } from "gradlab/nd";
import type * as TF from "@tensorflow/tfjs";
import { CheckFailure, InvalidValue, asNumberResult, asObjectResult, defineChecks, describe, hidden, hostAnswer, visible, type CheckContext, type Tf, en } from "gradlab/checks";
import { costHint, expectedCosts, type LayerCost, type LayerFacts, type ProfileLayer } from "./profile.host.ts";

interface Model {
  inputShape: number[];
  layers: ProfileLayer[];
  batchSize: number;
}

// ---- the reference's facts: a tf.sequential built on inputShape ---------------------------------

/**
 * The tfjs layer for a spec on an input of shape `input`. tfjs 4.22 has no attention layer: its
 * stand-in is one of its four projections, a dense(d) on [T, d] (same shape in and out), whose
 * parameters count four times.
 */
function tfLayer(tf: Tf, l: ProfileLayer, input: number[], first: { inputShape?: number[] }): TF.layers.Layer {
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
    case "lstm":
      return tf.layers.lstm({ units: l.units, returnSequences: l.returnSequences ?? false, ...z, recurrentInitializer: "zeros", ...first });
    case "attention":
      return tf.layers.dense({ units: input[input.length - 1], ...z, ...first });
  }
}

const cache = new Map<string, LayerFacts[]>();

/** Each layer's input and output shapes (batch dropped) and parameter count, read from tfjs. Cached per model. */
function facts(tf: Tf, model: Model): LayerFacts[] {
  const key = JSON.stringify([model.inputShape, model.layers]);
  const hit = cache.get(key);
  if (hit) return hit;
  const m = tf.sequential();
  try {
    const out: LayerFacts[] = [];
    let input = model.inputShape;
    model.layers.forEach((spec, i) => {
      const layer = tfLayer(tf, spec, input, i === 0 ? { inputShape: model.inputShape } : {});
      m.add(layer);
      const outputShape = (layer.outputShape as number[]).slice(1);
      const params = layer.countParams() * (spec.kind === "attention" ? 4 : 1);
      out.push({ spec, inputShape: input, outputShape, params });
      input = outputShape;
    });
    if (cache.size >= 2000) cache.clear(); // hidden checks draw new models: keep the cache bounded
    cache.set(key, out);
    return out;
  } finally {
    m.dispose();
  }
}

// ---- validating the learner's result ---------------------------------------------------------------

const LABEL = en`profile(inputShape, layers, batchSize)`;
const FIELDS = ["macs", "activationBytes", "paramBytes"] as const;
const TOTALS = ["totalMacs", "totalFlops", "totalActivationBytes", "totalParamBytes"] as const;

interface LearnerProfile {
  layers: Record<(typeof FIELDS)[number], number>[];
  totals: Record<(typeof TOTALS)[number], number>;
}

function asProfile(v: unknown, n: number): LearnerProfile {
  if (v instanceof InvalidValue) throw new CheckFailure(en`${LABEL} returned something that could not be read: ${v.why}.`);
  const o = asObjectResult(LABEL, v, ["layers", ...TOTALS]);
  const layers = o.layers;
  if (!Array.isArray(layers)) throw new CheckFailure(en`${LABEL}.layers is ${describe(layers)}; expected an array with one entry per layer.`);
  if (layers.length !== n) throw new CheckFailure(en`${LABEL}.layers has ${layers.length} entries; the model has ${n} layers (one entry each, the input not included).`);
  return {
    layers: layers.map((l, i) => {
      const e = asObjectResult(`${LABEL}.layers[${i}]`, l, [...FIELDS]);
      return Object.fromEntries(FIELDS.map((f) => [f, asNumberResult(`${LABEL}.layers[${i}].${f}`, e[f])])) as LearnerProfile["layers"][number];
    }),
    totals: Object.fromEntries(TOTALS.map((f) => [f, asNumberResult(`${LABEL}.${f}`, o[f])])) as LearnerProfile["totals"],
  };
}

// ---- describing layers --------------------------------------------------------------------------

function describeLayer(l: ProfileLayer): string {
  switch (l.kind) {
    case "dense":
      return `dense(units ${l.units}${l.useBias === false ? ", useBias false" : ""})`;
    case "conv2d":
      return en`conv2d(filters ${l.filters}, kernel ${l.kernelSize[0]}x${l.kernelSize[1]}, strides ${l.strides ?? "1 (default)"}, padding ${l.padding ?? "valid (default)"}${l.useBias === false ? ", useBias false" : ""})`;
    case "maxPooling2d":
      return `maxPooling2d(pool ${l.poolSize[0]}x${l.poolSize[1]}, strides ${l.strides ?? `${l.poolSize[0]} (default)`})`;
    case "lstm":
      return `lstm(units ${l.units}, returnSequences ${l.returnSequences ?? "false (default)"})`;
    case "attention":
      return `attention(numHeads ${l.numHeads})`;
    case "flatten":
      return "flatten";
  }
}

const UNIT = { macs: "multiply-adds", activationBytes: "bytes", paramBytes: "bytes" } as const;

// ---- the checks' comparisons ----------------------------------------------------------------------

/** Layer by layer, MACs, then activation bytes, then parameter bytes; reports the first value that differs. */
async function checkLayers({ learner, tf }: CheckContext, model: Model): Promise<LayerCost[]> {
  const f = facts(tf, model);
  const expected = hostAnswer(expectedCosts(f, model.batchSize));
  const got = asProfile(await learner.call("profile", model.inputShape, model.layers, model.batchSize), model.layers.length);
  for (let i = 0; i < f.length; i++) {
    for (const field of FIELDS) {
      const g = got.layers[i][field];
      if (g === expected[i][field]) continue;
      throw new CheckFailure(
        en`layers[${i}] ${describeLayer(f[i].spec)} on input [${f[i].inputShape}] (output [${f[i].outputShape}]), batch ${model.batchSize}: ${field} is wrong: expected ${expected[i][field]} ${UNIT[field]}, got ${g}.`,
        { hint: costHint(f[i], model.batchSize, field, g) ?? (g === 0 ? en`0 ${UNIT[field]}: is the ${f[i].spec.kind} case still the starter's stub?` : undefined) },
      );
    }
  }
  return expected;
}

async function checkTotals({ learner, tf }: CheckContext, model: Model): Promise<void> {
  const expected = hostAnswer(expectedCosts(facts(tf, model), model.batchSize));
  const got = asProfile(await learner.call("profile", model.inputShape, model.layers, model.batchSize), model.layers.length);
  const sum = (rows: LayerCost[], f: (typeof FIELDS)[number]) => rows.reduce((s, l) => s + l[f], 0);
  const want = {
    totalMacs: sum(expected, "macs"),
    totalFlops: 2 * sum(expected, "macs"),
    totalActivationBytes: sum(expected, "activationBytes"),
    totalParamBytes: sum(expected, "paramBytes"),
  };
  const perLayer = { totalMacs: "macs", totalFlops: "macs", totalActivationBytes: "activationBytes", totalParamBytes: "paramBytes" } as const;
  for (const t of TOTALS) {
    const g = got.totals[t];
    if (g === want[t]) continue;
    const own = sum(got.layers, perLayer[t]);
    let hint: string;
    if (t === "totalFlops" && g === got.totals.totalMacs) hint = en`A multiply-add is two floating-point operations, a multiply and an add: totalFlops = 2 × totalMacs.`;
    else if (t === "totalFlops" && g === 2 * own) hint = en`totalFlops is twice your totalMacs, so a layer's macs is wrong: see the per-layer checks.`;
    else if (g === own) hint = en`Your ${t} is the sum of your layers' ${perLayer[t]}, so a layer's value is wrong: see the per-layer checks.`;
    else hint = t === "totalFlops" ? en`totalFlops = 2 × the sum of every layer's macs.` : en`${t} is the sum of every layer's ${perLayer[t]}.`;
    throw new CheckFailure(en`${LABEL}.${t} is wrong for batch ${model.batchSize}: expected ${want[t]}, got ${g}.`, { hint });
  }
}

const run = (ctx: CheckContext, models: Model[]) => models.reduce((p, m) => p.then(() => checkLayers(ctx, m).then(() => undefined)), Promise.resolve());

// ---- models ---------------------------------------------------------------------------------------

const MLP: Model = { inputShape: [28, 28], layers: [{ kind: "flatten" }, { kind: "dense", units: 128 }, { kind: "dense", units: 10 }], batchSize: 32 };
const DENSE_ON_MAP: Model = { inputShape: [6, 5, 3], layers: [{ kind: "dense", units: 4 }, { kind: "dense", units: 2, useBias: false }], batchSize: 2 };
const CNN: Model = {
  inputShape: [32, 32, 3],
  layers: [
    { kind: "conv2d", filters: 16, kernelSize: [3, 3], padding: "same" },
    { kind: "conv2d", filters: 32, kernelSize: [3, 3], strides: 2 },
    { kind: "conv2d", filters: 8, kernelSize: [5, 3], strides: 2, padding: "same", useBias: false },
  ],
  batchSize: 8,
};
const POOLED: Model = {
  inputShape: [24, 24, 3],
  layers: [
    { kind: "conv2d", filters: 8, kernelSize: [3, 3] },
    { kind: "maxPooling2d", poolSize: [2, 2] },
    { kind: "maxPooling2d", poolSize: [3, 2], strides: 1 },
    { kind: "flatten" },
    { kind: "dense", units: 10 },
  ],
  batchSize: 16,
};
const RECURRENT: Model = {
  inputShape: [20, 8],
  layers: [{ kind: "lstm", units: 16, returnSequences: true }, { kind: "lstm", units: 12 }, { kind: "dense", units: 3 }],
  batchSize: 10,
};
const ATTENTION: Model = { inputShape: [16, 32], layers: [{ kind: "attention", numHeads: 4 }, { kind: "attention", numHeads: 1 }, { kind: "dense", units: 8 }], batchSize: 2 };
const LONG_ATTENTION: Model = { inputShape: [50, 8], layers: [{ kind: "attention", numHeads: 2 }], batchSize: 3 };
const MIXED: Model = {
  inputShape: [12, 6],
  layers: [{ kind: "lstm", units: 8, returnSequences: true }, { kind: "attention", numHeads: 2 }, { kind: "flatten" }, { kind: "dense", units: 5 }],
  batchSize: 4,
};
const SMALL_CNN = (batchSize: number): Model => ({ ...POOLED, batchSize });

// ---- random models for hidden checks -------------------------------------------------------------

const between = (rng: Rng, lo: number, hi: number) => lo + rng.int(hi - lo + 1);
const coin = (rng: Rng, p = 0.5) => rng.next() < p;
const outSize = (n: number, k: number, s: number, same: boolean) => (same ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1);

/** A random valid CNN: conv (non-square kernels sometimes) and pooling blocks, flatten, a dense head. */
function randomCnn(rng: Rng): Model {
  const layers: ProfileLayer[] = [];
  let [h, w] = [between(rng, 6, 40), between(rng, 6, 40)];
  const inputShape = [h, w, between(rng, 1, 4)];
  for (let b = between(rng, 1, 3); b > 0 && Math.min(h, w) >= 3; b--) {
    const kh = between(rng, 1, Math.min(5, h));
    const kw = coin(rng, 0.6) ? Math.min(kh, w) : between(rng, 1, Math.min(5, w));
    const strides = coin(rng) ? undefined : between(rng, 1, 3);
    const padding = coin(rng, 0.3) ? undefined : coin(rng) ? "valid" : "same";
    layers.push({ kind: "conv2d", filters: between(rng, 1, 32), kernelSize: [kh, kw], ...(strides ? { strides } : {}), ...(padding ? { padding } : {}), ...(coin(rng, 0.2) ? { useBias: false } : {}) });
    [h, w] = [outSize(h, kh, strides ?? 1, padding === "same"), outSize(w, kw, strides ?? 1, padding === "same")];
    if (Math.min(h, w) >= 2 && coin(rng, 0.6)) {
      const p = between(rng, 2, Math.min(3, h));
      const pw = Math.min(w, coin(rng, 0.7) ? p : between(rng, 1, 3));
      const s = coin(rng) ? undefined : between(rng, 1, 3);
      layers.push({ kind: "maxPooling2d", poolSize: [p, pw], ...(s ? { strides: s } : {}) });
      [h, w] = [outSize(h, p, s ?? p, false), outSize(w, pw, s ?? p, false)];
    }
  }
  if (coin(rng, 0.3)) layers.push({ kind: "dense", units: between(rng, 1, 16) }); // on the feature map
  layers.push({ kind: "flatten" }, { kind: "dense", units: between(rng, 1, 64), ...(coin(rng, 0.2) ? { useBias: false } : {}) });
  return { inputShape, layers, batchSize: between(rng, 2, 128) };
}

/** A random sequence model [T, d]: LSTMs and attention (numHeads dividing the width), a dense head. */
function randomSequenceModel(rng: Rng): Model {
  const heads = () => between(rng, 1, 4);
  let h = heads();
  let d = h * between(rng, 1, 8);
  const inputShape = [between(rng, 2, 64), d];
  const layers: ProfileLayer[] = [];
  if (coin(rng, 0.6)) {
    h = heads();
    d = h * between(rng, 1, 8);
    layers.push({ kind: "lstm", units: d, returnSequences: true });
  }
  layers.push({ kind: "attention", numHeads: h });
  if (coin(rng)) layers.push({ kind: "dense", units: between(rng, 1, 24) }); // per time step
  if (coin(rng)) layers.push({ kind: "lstm", units: between(rng, 1, 24), ...(coin(rng, 0.3) ? { returnSequences: false } : {}) });
  else layers.push({ kind: "flatten" });
  layers.push({ kind: "dense", units: between(rng, 1, 10) });
  return { inputShape, layers, batchSize: between(rng, 2, 64) };
}

const kindOf = (m: Model) => en`a random ${m.layers.some((l) => l.kind === "attention") ? "sequence model" : "CNN"} of ${m.layers.length} layers, batch of ${m.batchSize}`;

export default defineChecks({
  checks: [
    visible("dense: positions × inputs × units multiply-adds, bias adds not counted", 1, (ctx) => run(ctx, [MLP, DENSE_ON_MAP])),
    visible("conv2d: outH·outW·filters·kh·kw·inChannels multiply-adds ('same', strides, non-square kernel)", 1, (ctx) => run(ctx, [CNN])),
    visible("maxPooling2d and flatten: no multiply-adds, but their outputs take memory", 1, (ctx) => run(ctx, [POOLED])),
    visible("lstm: four gates, input and recurrent kernels, every time step; returnSequences", 1, (ctx) => run(ctx, [RECURRENT])),
    visible("attention: projections, Q·Kᵀ and weights·V; the attention weights of every head in memory", 1, (ctx) => run(ctx, [ATTENTION, LONG_ATTENTION])),
    visible("batch size: MACs and activations scale with it, parameters do not", 1, (ctx) => run(ctx, [SMALL_CNN(1), SMALL_CNN(64)])),
    visible("totals: sums of the layers, FLOPs = 2 × MACs", 1, async (ctx) => {
      await checkTotals(ctx, MIXED);
      await checkTotals(ctx, CNN);
    }),
    hidden("random CNNs and batch sizes: every layer and the totals", 2, async (ctx) => {
      for (let i = 0; i < 3; i++) {
        const model = randomCnn(ctx.rng);
        ctx.describe(kindOf(model));
        await checkLayers(ctx, model);
        await checkTotals(ctx, model);
      }
    }),
    hidden("random sequence models (lstm, attention) and batch sizes: every layer and the totals", 2, async (ctx) => {
      for (let i = 0; i < 3; i++) {
        const model = randomSequenceModel(ctx.rng);
        ctx.describe(kindOf(model));
        await checkLayers(ctx, model);
        await checkTotals(ctx, model);
      }
    }),
  ],
});
