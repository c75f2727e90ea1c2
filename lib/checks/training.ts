/**
 * Shared parts of the training exercises: accuracy, accuracy tiers (partial credit), hints from
 * predictions, and learning curves in the shape the results panel plots.
 *
 * Curve data (a check's `data`, or a CheckFailure's): `{ curves: { loss?: number[], accuracy?: number[] } }`,
 * one value per epoch (or per logged step), finite numbers only, at most MAX_CURVE_POINTS.
 */
import { CheckFailure } from "./failure.ts";
import type { CheckOutcome } from "../exercise.ts";

export const MAX_CURVE_POINTS = 1000;

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
export function asCurve(v: unknown): number[] | undefined {
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
    return `Your model predicts ${pred[0]} for every input: it has not learned. Check the sign of the update (parameters move against the gradient), the learning rate, and that the gradient reaches every layer.`;
  }
  const acc = accuracyOf(pred, labels);
  if (acc < 1.5 / numClasses) {
    return "Your accuracy is at chance level: does the model see each input with its own label (shuffle inputs and labels with the same permutation)? Is the loss going down?";
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
  const of = opts.count ? ` (${Math.round(acc * opts.count)} of ${opts.count})` : "";
  const full = sorted[0];
  const tier = sorted.find((t) => acc >= t.min);
  if (!tier) {
    const lowest = sorted[sorted.length - 1];
    throw new CheckFailure(`${label} is ${pct(acc)}${of}; at least ${pct(lowest.min)} earns points, ${pct(full.min)} full marks.`, {
      hint: opts.hint,
      data: opts.data,
    });
  }
  const output =
    tier.fraction >= 1
      ? `${label}: ${pct(acc)}${of} (full marks from ${pct(full.min)}).`
      : `${label}: ${pct(acc)}${of}: ${Math.round(tier.fraction * 100)}% of the points (reached ${pct(tier.min)}; full marks from ${pct(full.min)}).` +
        (opts.hint ? `\nHint: ${opts.hint}` : "");
  return { fraction: tier.fraction, output, ...(opts.data ? { data: opts.data } : {}) };
}
