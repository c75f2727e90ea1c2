/**
 * Shared parts of the training exercises: accuracy, accuracy tiers (partial credit), hints from
 * predictions, and learning curves in the shape the results panel plots.
 *
 * Curve data (a check's `data`, or a CheckFailure's): `{ curves: { loss?: number[], accuracy?: number[] } }`,
 * one value per epoch (or per logged step), finite numbers only, at most MAX_CURVE_POINTS.
 */
import type { Tensor } from "../nd/index.ts";
import { InvalidValue } from "../wire.ts";
import { describe, whyText } from "./describe.ts";
import { CheckFailure } from "./failure.ts";
import { asObjectResult, asTensorResult } from "./results.ts";
import type { CheckOutcome } from "./define.ts";
import type { Tf } from "./tf.ts";
import { VS_TFJS } from "./tolerance.ts";
import { en } from "../messages/text.ts";

const MAX_CURVE_POINTS = 1000;

export interface Curves {
  loss?: number[];
  accuracy?: number[];
}

/** A type alias (not an interface) so that it fits `CheckOutcome.data`. */
export type CurveData = { curves: Curves };

/** A tier of partial credit: an accuracy of at least `min` earns `fraction` of the points. */
export interface AccuracyTier {
  min: number;
  fraction: number;
}

/** Fraction of positions where `pred` equals `labels` (both validated, same length). */
export function accuracyOf(pred: Int32Array, labels: Int32Array): number {
  if (labels.length === 0) return 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** Per-class recall (fraction of each class's rows predicted as that class); NaN for an absent class. */
export function recallPerClass(pred: Int32Array, labels: Int32Array, numClasses: number): number[] {
  const hit = new Array<number>(numClasses).fill(0);
  const total = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    total[labels[i]]++;
    if (pred[i] === labels[i]) hit[labels[i]]++;
  }
  return hit.map((h, c) => (total[c] ? h / total[c] : NaN));
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * Learner-supplied numbers as a plottable curve: a plain array (or Float64Array) of numbers, cut
 * at the first non-finite value, evenly thinned to MAX_CURVE_POINTS. Anything else: undefined.
 */
function asCurve(v: unknown): number[] | undefined {
  let items: ArrayLike<unknown>;
  if (Array.isArray(v)) items = v;
  else if (v instanceof Float64Array) items = v;
  else return undefined;
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (typeof x !== "number" || !Number.isFinite(x)) break;
    out.push(x);
  }
  if (out.length === 0) return undefined;
  if (out.length <= MAX_CURVE_POINTS) return out;
  const step = out.length / MAX_CURVE_POINTS;
  return Array.from({ length: MAX_CURVE_POINTS }, (_, k) => out[Math.floor(k * step)]);
}

/** The `data` of an outcome that carries curves (omits the empty ones); undefined when there is none. */
export function curveData(curves: Curves): CurveData | undefined {
  const c: Curves = {};
  const loss = asCurve(curves.loss);
  const accuracy = asCurve(curves.accuracy);
  if (loss) c.loss = loss;
  if (accuracy) c.accuracy = accuracy;
  return c.loss || c.accuracy ? { curves: c } : undefined;
}

/** A hint from the predictions alone: constant output, or chance level. */
export function predictionHint(pred: Int32Array, labels: Int32Array, numClasses: number): string | undefined {
  if (pred.length === 0) return undefined;
  if (pred.every((p) => p === pred[0])) {
    return en`Your model predicts ${pred[0]} for every input: it has not learned. Check the sign of the update (parameters move against the gradient), the learning rate, and that the gradient reaches every layer.`;
  }
  const acc = accuracyOf(pred, labels);
  if (acc < 1.5 / numClasses) {
    return en`Your accuracy is at chance level: does the model see each input with its own label (shuffle inputs and labels with the same permutation)? Is the loss going down?`;
  }
  return undefined;
}

/**
 * Grade an accuracy by tiers (highest first). Returns the outcome (fraction and a message) when
 * some tier is reached; throws a CheckFailure below the lowest tier. `data` (curves) is attached
 * either way.
 */
export function gradeAccuracy(
  label: string,
  acc: number,
  tiers: AccuracyTier[],
  opts: { count?: number; hint?: string; data?: Record<string, unknown> } = {},
): CheckOutcome {
  const sorted = [...tiers].sort((a, b) => b.min - a.min);
  const of = opts.count ? en` (${Math.round(acc * opts.count)} of ${opts.count})` : "";
  const full = sorted[0];
  const tier = sorted.find((t) => acc >= t.min);
  if (!tier) {
    const lowest = sorted[sorted.length - 1];
    throw new CheckFailure(en`${label} is ${pct(acc)}${of}; at least ${pct(lowest.min)} earns points, ${pct(full.min)} full marks.`, {
      hint: opts.hint,
      data: opts.data,
    });
  }
  if (tier.fraction >= 1) return { fraction: tier.fraction, output: en`${label}: ${pct(acc)}${of} (full marks from ${pct(full.min)}).`, ...(opts.data ? { data: opts.data } : {}) };
  const output = en`${label}: ${pct(acc)}${of}: ${Math.round(tier.fraction * 100)}% of the points (reached ${pct(tier.min)}; full marks from ${pct(full.min)}).`;
  return { fraction: tier.fraction, output, ...(opts.hint ? { hint: opts.hint } : {}), ...(opts.data ? { data: opts.data } : {}) };
}

// ---- a learner's MLP as weights: validated structure, reference predictions -------------------

/** One dense layer: `w` `[in, out]`, `b` `[out]`. */
export interface DenseParams {
  w: Tensor;
  b: Tensor;
}

export interface MlpRules {
  inputs: number;
  outputs: number;
  /** At least this many hidden layers (dense layers minus one). */
  minHidden: number;
  maxParams: number;
}

export const mlpParamCount = (layers: DenseParams[]) => layers.reduce((s, l) => s + l.w.data.length + l.b.data.length, 0);

const MAX_LAYERS = 16;

/**
 * `layers` read from a learner's model, as dense layers that chain `inputs` → … → `outputs`
 * within the rules; a CheckFailure that says what to fix otherwise.
 */
export function asMlpLayers(label: string, v: unknown, rules: MlpRules): DenseParams[] {
  const chain = `${rules.inputs} → … → ${rules.outputs}`;
  const shapeHint = en`Return { layers: [{ w, b }, ...], losses } with w [in, out] and b [out], chaining ${chain}: e.g. 784 → 128 → 10.`;
  if (v instanceof InvalidValue) throw new CheckFailure(en`${label} could not be read: it holds ${whyText(v)}.`, { hint: shapeHint });
  if (!Array.isArray(v)) throw new CheckFailure(en`${label} is ${describe(v)}; expected an array of dense layers { w, b }.`, { hint: shapeHint });
  if (v.length < rules.minHidden + 1) {
    const layers = v.length === 1 ? en`${label} has 1 layer;` : en`${label} has ${v.length} layers;`;
    const asked = rules.minHidden === 1 ? en`the exercise asks for an MLP with at least 1 hidden layer (2 dense layers or more).` : en`the exercise asks for an MLP with at least ${rules.minHidden} hidden layers (${rules.minHidden + 1} dense layers or more).`;
    throw new CheckFailure(en`${layers} ${asked}`, {
      hint: en`A single dense layer is a linear model: put a hidden layer with a ReLU between the input and the logits.`,
    });
  }
  if (v.length > MAX_LAYERS) throw new CheckFailure(en`${label} has ${v.length} layers; at most ${MAX_LAYERS} are accepted.`);
  let width = rules.inputs;
  const layers = v.map((item, i) => {
    const o = asObjectResult(`${label}[${i}]`, item, ["w", "b"]);
    const w = asTensorResult(`${label}[${i}].w`, o.w);
    if (w.shape.length !== 2 || w.shape[0] !== width) {
      const source = i === 0 ? en`the 784 pixels` : en`the output size of layer ${i - 1}`;
      throw new CheckFailure(en`${label}[${i}].w has shape [${w.shape}]; its input size must be ${width} (${source}), i.e. [${width}, units].`, { hint: shapeHint });
    }
    width = w.shape[1];
    const b = asTensorResult(`${label}[${i}].b`, o.b, [width]);
    return { w, b };
  });
  if (width !== rules.outputs) throw new CheckFailure(en`The last layer has ${width} outputs; the logits are ${rules.outputs} (one per class).`, { hint: shapeHint });
  const n = mlpParamCount(layers);
  if (n > rules.maxParams) {
    throw new CheckFailure(en`Your MLP (${[rules.inputs, ...layers.map((l) => l.w.shape[1])].join(" → ")}) has ${n.toLocaleString("en")} parameters; at most ${rules.maxParams.toLocaleString("en")} are allowed.`, {
      hint: en`Use narrower hidden layers (784 → 128 → 64 → 10 has 109,386 parameters).`,
    });
  }
  return layers;
}

/** Logits of a ReLU MLP (ReLU between layers, logits out) by the reference engine, tfjs (float32). */
export function referenceMlpLogits(tf: Tf, layers: DenseParams[], x: Tensor): Float32Array {
  const out = tf.tidy(() => {
    let h = tf.tensor2d(Float32Array.from(x.data), x.shape as [number, number]);
    layers.forEach((l, i) => {
      h = h.matMul(tf.tensor2d(Float32Array.from(l.w.data), l.w.shape as [number, number])).add(tf.tensor1d(Float32Array.from(l.b.data)));
      if (i < layers.length - 1) h = h.relu();
    });
    return h;
  });
  const z = out.dataSync() as Float32Array;
  out.dispose();
  return z;
}

/** Argmax of each row of `logits` `[rows, classes]` (first maximum on ties). */
export function argmaxRows(logits: ArrayLike<number>, classes: number): Int32Array {
  const rows = Math.floor(logits.length / classes);
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[r * classes + c] > logits[r * classes + best]) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * The first row where `pred` is not an argmax of the reference logits, allowing float32 near-ties
 * (a logit within `tol` relative of the row's best); -1 when they agree.
 */
export function firstDisagreement(pred: Int32Array, logits: ArrayLike<number>, classes: number, tol = VS_TFJS.rtol): number {
  for (let r = 0; r < pred.length; r++) {
    let best = -Infinity;
    for (let c = 0; c < classes; c++) best = Math.max(best, logits[r * classes + c]);
    const p = pred[r];
    const got = p >= 0 && p < classes ? logits[r * classes + p] : -Infinity;
    if (best - got > tol * Math.max(1, Math.abs(best))) return r;
  }
  return -1;
}

/** Mean softmax cross-entropy of `logits` `[rows, classes]` against `labels`. */
export function meanCrossEntropy(logits: ArrayLike<number>, labels: Int32Array, classes: number): number {
  let total = 0;
  for (let r = 0; r < labels.length; r++) {
    let m = -Infinity;
    for (let c = 0; c < classes; c++) m = Math.max(m, logits[r * classes + c]);
    let s = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(logits[r * classes + c] - m);
    total += m + Math.log(s) - logits[r * classes + labels[r]];
  }
  return total / labels.length;
}
