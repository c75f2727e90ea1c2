import type { Rng } from "gradlab/nd";
import type * as TF from "@tensorflow/tfjs";
import { defineChecks, hidden, visible, type CheckContext, type Tf, CheckFailure, asNumberResult, asObjectResult, en } from "gradlab/checks";

type LayerSpec =
  | { kind: "dense"; inputDim: number; units: number; useBias?: boolean }
  | { kind: "conv2d"; inChannels: number; filters: number; kernelSize: [number, number]; useBias?: boolean }
  | { kind: "embedding"; inputDim: number; outputDim: number }
  | { kind: "simpleRNN" | "lstm" | "gru"; inputDim: number; units: number }
  | { kind: "batchNormalization"; features: number }
  | { kind: "layerNormalization"; features: number }
  | { kind: "multiHeadAttention"; modelDim: number; numHeads: number };

interface Counts {
  trainable: number;
  nonTrainable: number;
}

// ---- the reference: a tfjs layer built on an input, or (attention) the Keras formula ----------

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The tfjs layer for a spec and the input shape (without batch) it is built on; zeros initialisers keep it cheap. */
function tfLayer(tf: Tf, spec: LayerSpec): { layer: TF.layers.Layer; inputShape: number[] } | undefined {
  const z = { kernelInitializer: "zeros", biasInitializer: "zeros" } as const;
  switch (spec.kind) {
    case "dense":
      return { layer: tf.layers.dense({ units: spec.units, useBias: spec.useBias ?? true, ...z }), inputShape: [spec.inputDim] };
    case "conv2d":
      return {
        layer: tf.layers.conv2d({ filters: spec.filters, kernelSize: spec.kernelSize, useBias: spec.useBias ?? true, ...z }),
        inputShape: [spec.kernelSize[0], spec.kernelSize[1], spec.inChannels],
      };
    case "embedding":
      return { layer: tf.layers.embedding({ inputDim: spec.inputDim, outputDim: spec.outputDim, embeddingsInitializer: "zeros" }), inputShape: [1] };
    case "simpleRNN":
    case "lstm":
    case "gru": {
      const cfg = { units: spec.units, ...z, recurrentInitializer: "zeros" } as const;
      const layer = spec.kind === "simpleRNN" ? tf.layers.simpleRNN(cfg) : spec.kind === "lstm" ? tf.layers.lstm(cfg) : tf.layers.gru(cfg);
      return { layer, inputShape: [1, spec.inputDim] };
    }
    case "batchNormalization":
      return { layer: tf.layers.batchNormalization(), inputShape: [spec.features] };
    case "layerNormalization":
      return { layer: tf.layers.layerNormalization(), inputShape: [spec.features] };
    case "multiHeadAttention":
      return undefined; // tfjs 4.22 has no tf.layers.multiHeadAttention
  }
}

const cache = new Map<string, Counts>();

/** Trainable / non-trainable parameter counts of the tfjs layer (cached per spec). */
function reference(tf: Tf, spec: LayerSpec): Counts {
  const key = JSON.stringify(spec);
  const hit = cache.get(key);
  if (hit) return hit;
  let counts: Counts;
  const built = tfLayer(tf, spec);
  if (built) {
    built.layer.apply(tf.input({ shape: built.inputShape }));
    counts = {
      trainable: built.layer.trainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0),
      nonTrainable: built.layer.nonTrainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0),
    };
    built.layer.dispose();
  } else {
    // Keras MultiHeadAttention with keyDim = valueDim = modelDim / numHeads: Q, K, V and output
    // projections, each a [modelDim, modelDim] kernel (split across heads) and a bias.
    const d = (spec as { modelDim: number }).modelDim;
    counts = { trainable: 4 * (d * d + d), nonTrainable: 0 };
  }
  if (cache.size >= 2000) cache.clear(); // hidden checks draw new specs: keep the cache bounded
  cache.set(key, counts);
  return counts;
}

// ---- known mistakes, recognised from the learner's numbers ----------------------------------

interface Mistake {
  counts: (s: LayerSpec) => Counts | undefined;
  hint: string;
}

const tr = (trainable: number, nonTrainable = 0): Counts => ({ trainable, nonTrainable });
const rnn = (s: LayerSpec) => s as { inputDim: number; units: number };

const MISTAKES: Record<LayerSpec["kind"], Mistake[]> = {
  dense: [
    {
      counts: (s) => (s.kind === "dense" && s.useBias === false ? tr(s.inputDim * s.units + s.units) : undefined),
      hint: en`useBias: false means the layer has no bias vector: count only the kernel.`,
    },
    {
      counts: (s) => (s.kind === "dense" && s.useBias !== false ? tr(s.inputDim * s.units) : undefined),
      hint: en`You counted only the kernel [inputDim, units]: a dense layer also has a bias of \`units\` values (useBias defaults to true).`,
    },
  ],
  conv2d: [
    {
      counts: (s) => (s.kind === "conv2d" && s.useBias === false ? tr(s.kernelSize[0] * s.kernelSize[1] * s.inChannels * s.filters + s.filters) : undefined),
      hint: en`useBias: false means the layer has no bias vector: count only the kernel.`,
    },
    {
      counts: (s) => (s.kind === "conv2d" && s.useBias !== false ? tr(s.kernelSize[0] * s.kernelSize[1] * s.inChannels * s.filters) : undefined),
      hint: en`You counted only the kernel: a conv2d layer also has one bias per filter (useBias defaults to true).`,
    },
    {
      counts: (s) => (s.kind === "conv2d" && s.useBias !== false ? tr((s.kernelSize[0] * s.kernelSize[1] * s.inChannels + s.kernelSize[0] * s.kernelSize[1]) * s.filters) : undefined),
      hint: en`The bias is one number per filter (output channel), shared by every position: not one per kernel position.`,
    },
    {
      counts: (s) => (s.kind === "conv2d" && s.useBias !== false ? tr(s.kernelSize[0] * s.kernelSize[1] * s.inChannels * s.filters + s.inChannels) : undefined),
      hint: en`The bias is one number per filter (output channel), not per input channel.`,
    },
    {
      counts: (s) => (s.kind === "conv2d" ? tr(s.kernelSize[0] * s.kernelSize[1] * s.filters + (s.useBias === false ? 0 : s.filters)) : undefined),
      hint: en`Each filter spans every input channel: the kernel is [kh, kw, inChannels, filters].`,
    },
  ],
  embedding: [
    { counts: (s) => (s.kind === "embedding" ? tr(s.inputDim * s.outputDim + s.outputDim) : undefined), hint: en`An embedding is a lookup table [inputDim, outputDim]: it has no bias.` },
    { counts: (s) => (s.kind === "embedding" ? tr(s.inputDim + s.outputDim) : undefined), hint: en`The table has one row of outputDim values per id: inputDim × outputDim, not a sum.` },
  ],
  simpleRNN: [
    { counts: (s) => tr(rnn(s).inputDim * rnn(s).units + rnn(s).units), hint: en`A simpleRNN also has a recurrent kernel [units, units] applied to the previous state h_{t-1}.` },
    { counts: (s) => tr(rnn(s).inputDim * rnn(s).units + rnn(s).units * rnn(s).units + 2 * rnn(s).units), hint: en`tfjs has a single bias of \`units\` values (PyTorch keeps two, b_ih and b_hh; tfjs does not).` },
    { counts: (s) => tr(rnn(s).inputDim * rnn(s).units + rnn(s).units * rnn(s).units), hint: en`Do not forget the bias of \`units\` values.` },
  ],
  lstm: [
    { counts: (s) => tr(rnn(s).inputDim * rnn(s).units + rnn(s).units * rnn(s).units + rnn(s).units), hint: en`That is one gate's worth: an LSTM has 4 gates (input, forget, cell, output), each with its own kernel, recurrent kernel and bias.` },
    { counts: (s) => tr(3 * (rnn(s).inputDim * rnn(s).units + rnn(s).units * rnn(s).units + rnn(s).units)), hint: en`That is 3 gates (a GRU's count): an LSTM has 4 — input, forget, cell candidate and output.` },
    { counts: (s) => tr(4 * (rnn(s).inputDim * rnn(s).units + rnn(s).units * rnn(s).units + 2 * rnn(s).units)), hint: en`tfjs's LSTM has a single bias of 4·units values (PyTorch keeps two, b_ih and b_hh; tfjs does not).` },
    { counts: (s) => tr(4 * (rnn(s).inputDim * rnn(s).units + rnn(s).units * rnn(s).units)), hint: en`Do not forget the LSTM's bias (4·units values, one per gate unit).` },
  ],
  gru: [
    { counts: (s) => tr(3 * (rnn(s).inputDim * rnn(s).units + rnn(s).units * rnn(s).units + 2 * rnn(s).units)), hint: en`You counted two biases (Keras' reset_after=True default, or PyTorch's b_ih and b_hh). tfjs 4.22's GRU has ONE bias of 3·units values.` },
    { counts: (s) => tr(4 * (rnn(s).inputDim * rnn(s).units + rnn(s).units * rnn(s).units + rnn(s).units)), hint: en`That is 4 gates (an LSTM's count): a GRU has 3 — update, reset and candidate.` },
    { counts: (s) => tr(rnn(s).inputDim * rnn(s).units + rnn(s).units * rnn(s).units + rnn(s).units), hint: en`That is one gate's worth: a GRU has 3 gates (update, reset, candidate).` },
  ],
  batchNormalization: [
    { counts: (s) => (s.kind === "batchNormalization" ? tr(4 * s.features) : undefined), hint: en`The moving mean and moving variance are weights, but NOT trainable (they are updated by averaging, not by gradients): count them as nonTrainable.` },
    { counts: (s) => (s.kind === "batchNormalization" ? tr(2 * s.features) : undefined), hint: en`The moving mean and moving variance (features values each) are non-trainable parameters: count them in nonTrainable.` },
    { counts: (s) => (s.kind === "batchNormalization" ? tr(s.features, s.features) : undefined), hint: en`Two trainable vectors (gamma and beta) and two non-trainable ones (moving mean and variance), each of \`features\` values.` },
  ],
  layerNormalization: [
    { counts: (s) => (s.kind === "layerNormalization" ? tr(2 * s.features, 2 * s.features) : undefined), hint: en`Layer normalization computes its statistics from each example: it keeps no moving mean or variance.` },
    { counts: (s) => (s.kind === "layerNormalization" ? tr(0) : undefined), hint: en`Layer normalization has a learnable scale gamma and offset beta, one per feature.` },
    { counts: (s) => (s.kind === "layerNormalization" ? tr(s.features) : undefined), hint: en`Two trainable vectors: scale gamma and offset beta.` },
  ],
  multiHeadAttention: [
    { counts: (s) => (s.kind === "multiHeadAttention" ? tr(4 * s.modelDim * s.modelDim) : undefined), hint: en`Each of the four projections (Q, K, V, output) also has a bias.` },
    { counts: (s) => (s.kind === "multiHeadAttention" ? tr(3 * (s.modelDim * s.modelDim + s.modelDim)) : undefined), hint: en`Do not forget the output projection that maps the concatenated heads back to modelDim.` },
    {
      counts: (s) => (s.kind === "multiHeadAttention" ? tr(s.numHeads * 4 * (s.modelDim * s.modelDim + s.modelDim)) : undefined),
      hint: en`The heads split modelDim (each head has keyDim = modelDim / numHeads), they do not multiply the parameters: numHeads · keyDim = modelDim.`,
    },
    {
      counts: (s) => {
        if (s.kind !== "multiHeadAttention") return undefined;
        const { modelDim: d, numHeads: h } = s;
        return tr(3 * (d * h * d + h * d) + h * d * d + d);
      },
      hint: en`The heads split modelDim (each head has keyDim = modelDim / numHeads): numHeads · keyDim = modelDim, so each projection is [modelDim, modelDim].`,
    },
  ],
};

// ---- comparing --------------------------------------------------------------------------------

const label = (spec: LayerSpec) => `countParams(${JSON.stringify(spec)})`;

async function checkLayer({ learner, tf }: CheckContext, spec: LayerSpec): Promise<void> {
  const expected = reference(tf, spec);
  const out = asObjectResult(label(spec), await learner.call("countParams", spec), ["trainable", "nonTrainable"]);
  const got = {
    trainable: asNumberResult(`${label(spec)}.trainable`, out.trainable),
    nonTrainable: asNumberResult(`${label(spec)}.nonTrainable`, out.nonTrainable),
  };
  if (got.trainable === expected.trainable && got.nonTrainable === expected.nonTrainable) return;
  const field = got.trainable !== expected.trainable ? "trainable" : "nonTrainable";
  const source = spec.kind === "multiHeadAttention" ? en`by the Keras formula; tfjs 4.22 has no multiHeadAttention layer` : en`from tfjs's layer.${field}Weights`;
  let hint: string | undefined;
  for (const m of MISTAKES[spec.kind]) {
    const c = m.counts(spec);
    if (c && c.trainable === got.trainable && c.nonTrainable === got.nonTrainable) {
      hint = m.hint;
      break;
    }
  }
  if (!hint && got.trainable + got.nonTrainable === expected.trainable + expected.nonTrainable) {
    hint = en`Your total is right, but the split between trainable and non-trainable is not.`;
  }
  if (!hint && got.trainable === 0 && got.nonTrainable === 0) hint = en`Zero parameters: is this kind of layer still the starter's stub?`;
  throw new CheckFailure(en`${label(spec)}.${field} is wrong: expected ${expected[field]} (${source}), got ${got[field]}.`, { hint });
}

async function checkAll(ctx: CheckContext, specs: LayerSpec[]): Promise<void> {
  for (const s of specs) await checkLayer(ctx, s);
}

// ---- random layers for hidden checks ----------------------------------------------------------

const between = (rng: Rng, lo: number, hi: number) => lo + rng.int(hi - lo + 1);
const maybeBias = (rng: Rng): { useBias?: boolean } => [{}, { useBias: true }, { useBias: false }][rng.int(3)];

function randomSimpleLayer(rng: Rng, kind: "dense" | "conv2d" | "embedding"): LayerSpec {
  switch (kind) {
    case "dense":
      return { kind, inputDim: between(rng, 1, 600), units: between(rng, 1, 300), ...maybeBias(rng) };
    case "conv2d":
      return { kind, inChannels: between(rng, 1, 64), filters: between(rng, 1, 96), kernelSize: [between(rng, 1, 7), between(rng, 1, 7)], ...maybeBias(rng) };
    case "embedding":
      return { kind, inputDim: between(rng, 2, 5000), outputDim: between(rng, 1, 64) };
  }
}

function randomOtherLayer(rng: Rng, kind: "simpleRNN" | "lstm" | "gru" | "batchNormalization" | "layerNormalization" | "multiHeadAttention"): LayerSpec {
  switch (kind) {
    case "simpleRNN":
    case "lstm":
    case "gru":
      return { kind, inputDim: between(rng, 1, 80), units: between(rng, 1, 64) };
    case "batchNormalization":
    case "layerNormalization":
      return { kind, features: between(rng, 1, 1024) };
    case "multiHeadAttention": {
      const numHeads = between(rng, 1, 12);
      return { kind, numHeads, modelDim: numHeads * between(rng, 1, 64) };
    }
  }
}

export default defineChecks({
  checks: [
    visible("dense: kernel and bias (and useBias: false)", 1, (ctx) =>
      checkAll(ctx, [
        { kind: "dense", inputDim: 784, units: 128 },
        { kind: "dense", inputDim: 128, units: 10, useBias: true },
        { kind: "dense", inputDim: 1, units: 1 },
        { kind: "dense", inputDim: 64, units: 32, useBias: false },
      ]),
    ),
    visible("conv2d: one bias per filter (and useBias: false)", 1, (ctx) =>
      checkAll(ctx, [
        { kind: "conv2d", inChannels: 3, filters: 32, kernelSize: [3, 3] },
        { kind: "conv2d", inChannels: 16, filters: 8, kernelSize: [5, 1] },
        { kind: "conv2d", inChannels: 8, filters: 4, kernelSize: [2, 3], useBias: false },
      ]),
    ),
    visible("embedding: one table, no bias", 1, (ctx) =>
      checkAll(ctx, [
        { kind: "embedding", inputDim: 10000, outputDim: 16 },
        { kind: "embedding", inputDim: 7, outputDim: 3 },
      ]),
    ),
    visible("simpleRNN: kernel, recurrent kernel, bias", 1, (ctx) =>
      checkAll(ctx, [
        { kind: "simpleRNN", inputDim: 8, units: 16 },
        { kind: "simpleRNN", inputDim: 1, units: 1 },
      ]),
    ),
    visible("lstm: four gates", 1, (ctx) =>
      checkAll(ctx, [
        { kind: "lstm", inputDim: 8, units: 16 },
        { kind: "lstm", inputDim: 32, units: 5 },
      ]),
    ),
    visible("gru: three gates, one bias of 3·units (tfjs)", 1, (ctx) =>
      checkAll(ctx, [
        { kind: "gru", inputDim: 8, units: 16 },
        { kind: "gru", inputDim: 3, units: 7 },
      ]),
    ),
    visible("batchNormalization and layerNormalization: moving statistics are non-trainable", 1, (ctx) =>
      checkAll(ctx, [
        { kind: "batchNormalization", features: 64 },
        { kind: "layerNormalization", features: 64 },
        { kind: "batchNormalization", features: 1 },
      ]),
    ),
    visible("multiHeadAttention: Q, K, V and output projections with biases", 1, (ctx) =>
      checkAll(ctx, [
        { kind: "multiHeadAttention", modelDim: 64, numHeads: 8 },
        { kind: "multiHeadAttention", modelDim: 12, numHeads: 1 },
        { kind: "multiHeadAttention", modelDim: 30, numHeads: 3 },
      ]),
    ),
    hidden("random dense, conv2d and embedding layers", 1, async (ctx) => {
      for (const kind of ["dense", "conv2d", "embedding", "dense", "conv2d", "embedding"] as const) await checkLayer(ctx, randomSimpleLayer(ctx.rng, kind));
    }),
    hidden("random recurrent, normalization and attention layers", 1, async (ctx) => {
      const kinds = ["simpleRNN", "lstm", "gru", "batchNormalization", "layerNormalization", "multiHeadAttention"] as const;
      for (let i = 0; i < 2; i++) for (const kind of kinds) await checkLayer(ctx, randomOtherLayer(ctx.rng, kind));
    }),
  ],
});
