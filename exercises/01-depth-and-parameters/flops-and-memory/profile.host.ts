import { en } from "gradlab/checks";
/**
 * Server-only: the cost formulas (multiply-adds, bytes) applied to the shapes and parameter counts
 * that checks.ts reads from tfjs, and the known mistakes recognised from a learner's numbers. Run
 * on a learner's inputs, these compute the answer, so they never ship to the browser: Run replays
 * the calls recorded from the solution's visible checks (docs/authoring.md, "What Run ships").
 */

export type ProfileLayer =
  | { kind: "dense"; units: number; useBias?: boolean }
  | { kind: "conv2d"; filters: number; kernelSize: [number, number]; strides?: number; padding?: "valid" | "same"; useBias?: boolean }
  | { kind: "maxPooling2d"; poolSize: [number, number]; strides?: number }
  | { kind: "flatten" }
  | { kind: "lstm"; units: number; returnSequences?: boolean }
  | { kind: "attention"; numHeads: number };

/** What tfjs says about one layer of the model: shapes without the batch, trainable + non-trainable parameters. */
export interface LayerFacts {
  spec: ProfileLayer;
  inputShape: number[];
  outputShape: number[];
  params: number;
}

export interface LayerCost {
  macs: number;
  activationBytes: number;
  paramBytes: number;
}

const BYTES = 4; // float32
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Multiply-adds of one example through the layer. */
function macsPerExample(f: LayerFacts): number {
  const { spec, inputShape: x, outputShape: y } = f;
  switch (spec.kind) {
    case "dense":
      return size(y) * x[x.length - 1];
    case "conv2d":
      return size(y) * spec.kernelSize[0] * spec.kernelSize[1] * x[2];
    case "lstm":
      return x[0] * 4 * spec.units * (x[1] + spec.units);
    case "attention":
      return 4 * x[0] * x[1] * x[1] + 2 * x[0] * x[0] * x[1];
    default:
      return 0;
  }
}

/** Floats of one example kept besides the output: attention's weights, one T×T matrix per head. */
const extraFloats = (f: LayerFacts) => (f.spec.kind === "attention" ? f.spec.numHeads * f.inputShape[0] * f.inputShape[0] : 0);

function cost(f: LayerFacts, batch: number): LayerCost {
  return {
    macs: batch * macsPerExample(f),
    activationBytes: BYTES * batch * (size(f.outputShape) + extraFloats(f)),
    paramBytes: BYTES * f.params,
  };
}

export function expectedCosts(facts: LayerFacts[], batchSize: number): LayerCost[] {
  return facts.map((f) => cost(f, batchSize));
}

/** [value a mistake gives, the hint that names it], for one field of one layer. */
function mistakes(f: LayerFacts, batch: number, field: keyof LayerCost): [number, string][] {
  const e = cost(f, batch);
  const { spec, inputShape: x, outputShape: y } = f;
  const out: [number, string][] = [];
  if (field === "macs") {
    out.push([macsPerExample(f), en`Count the whole batch: the multiply-adds of one example times batchSize.`]);
    out.push([2 * e.macs, en`That is FLOPs (2 per multiply-add): the layers report MACs, one per multiply-add; only totalFlops doubles.`]);
    if (spec.kind === "dense" || spec.kind === "conv2d") {
      const bias = spec.useBias === false ? 0 : batch * size(y);
      if (bias) out.push([e.macs + bias, en`The bias adds are plain additions, not multiply-adds: they are not counted.`]);
    }
    if (spec.kind === "dense" && x.length > 1) out.push([batch * size(x) * spec.units, en`A dense layer acts on the last axis only (as in tfjs): each position multiplies its last-axis features by the [d, units] kernel.`]);
    if (spec.kind === "conv2d") {
      const [kh, kw] = spec.kernelSize;
      out.push([batch * x[0] * x[1] * spec.filters * kh * kw * x[2], en`Count the output positions (after stride and padding), not the input pixels: outH·outW·filters·kh·kw·inChannels.`]);
      out.push([batch * size(y) * kh * kw, en`Each output value sums over a kh·kw window of every input channel: kh·kw·inChannels multiply-adds.`]);
      if (kh !== kw) out.push([batch * size(y) * kh * kh * x[2], en`This kernel is not square: kernelSize is [kh, kw], the window holds kh·kw·inChannels values.`]);
    }
    if (spec.kind === "maxPooling2d") {
      out.push([batch * size(y) * spec.poolSize[0] * spec.poolSize[1], en`Pooling compares values, it multiplies nothing: 0 multiply-adds.`]);
    }
    if (spec.kind === "lstm") {
      const [t, d] = x;
      const u = spec.units;
      out.push([batch * t * u * (d + u), en`An LSTM has 4 gates (input, forget, cell, output): its kernels are [d, 4·units] and [units, 4·units].`]);
      out.push([batch * t * 4 * u * d, en`Each step also multiplies the previous state h_{t-1} by the recurrent kernel [units, 4·units].`]);
      out.push([batch * 4 * u * (d + u), en`The LSTM runs its matrix products at every one of the T time steps.`]);
      out.push([batch * t * 4 * u * (d + u + 1), en`The bias adds are plain additions, not multiply-adds: they are not counted.`]);
    }
    if (spec.kind === "attention") {
      const [t, d] = x;
      const h = spec.numHeads;
      out.push([batch * (4 * t * d * d + 2 * h * t * t * d), en`The heads split the model dimension (keyDim = d / numHeads): the scores of all heads cost T·T·d in all, not per head.`]);
      out.push([batch * (3 * t * d * d + 2 * t * t * d), en`Do not forget the output projection that maps the merged heads back to d: T·d·d more.`]);
      out.push([batch * 4 * t * d * d, en`Besides the four projections, attention multiplies Q·Kᵀ (T·T·d) and weights·V (T·T·d).`]);
      out.push([batch * (4 * t * d * d + t * t * d), en`Both products count: the scores Q·Kᵀ and the weighted sum of V, T·T·d each.`]);
    }
  }
  if (field === "activationBytes") {
    out.push([e.activationBytes / batch, en`Activation memory holds the outputs of the whole batch: times batchSize.`]);
    out.push([2 * e.activationBytes, en`8 bytes a number is float64 (the nd tensors you compute with): count 4, as tfjs stores float32.`]);
    out.push([e.activationBytes / BYTES, en`That is a count of numbers: activationBytes is in bytes, 4 per float32.`]);
    if (spec.kind === "attention") {
      const t = x[0];
      out.push([BYTES * batch * size(y), en`Attention also keeps its weights softmax(Q·Kᵀ/√dk) for the backward pass: numHeads·T·T numbers per example.`]);
      out.push([BYTES * batch * (size(y) + t * t), en`Each head has its own T×T attention weights: numHeads·T·T numbers per example.`]);
    }
    if (spec.kind === "lstm" && !spec.returnSequences) out.push([BYTES * batch * x[0] * spec.units, en`With returnSequences false (the default) an LSTM outputs only its last state: [units], not [T, units].`]);
    if (spec.kind === "lstm" && spec.returnSequences) out.push([BYTES * batch * spec.units, en`With returnSequences: true the LSTM outputs every step's state: [T, units].`]);
  }
  if (field === "paramBytes") {
    out.push([batch * e.paramBytes, en`Parameters are stored once, whatever the batch size: do not multiply them by batchSize.`]);
    out.push([2 * e.paramBytes, en`8 bytes a number is float64: count 4, as tfjs stores float32.`]);
    out.push([e.paramBytes / BYTES, en`That is the parameter count: paramBytes is in bytes, 4 per float32.`]);
    if ((spec.kind === "dense" || spec.kind === "conv2d") && spec.useBias === false) {
      out.push([e.paramBytes + BYTES * y[y.length - 1], en`useBias: false means no bias vector.`]);
    }
    if (spec.kind === "attention") out.push([spec.numHeads * e.paramBytes, en`The heads split the projections, they do not multiply the parameters: 4·(d·d + d).`]);
    if (spec.kind === "lstm") out.push([e.paramBytes / 4, en`An LSTM holds 4 gates' kernels, recurrent kernels and biases: 4·(d·units + units·units + units).`]);
  }
  return out.filter(([v]) => v !== e[field]);
}

/** The hint that names the mistake behind a learner's wrong value, if a known one explains it exactly. */
export function costHint(f: LayerFacts, batchSize: number, field: keyof LayerCost, got: number): string | undefined {
  // Two mistakes may give the same number (batch 4 and an LSTM's 4 gates): name both then.
  const hints = [...new Set(mistakes(f, batchSize, field).filter(([v]) => v === got).map(([, h]) => h))];
  return hints.length > 1 ? en`One of these: ${hints.join(" / ")}` : hints[0];
}
