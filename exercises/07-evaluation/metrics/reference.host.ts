// The float64 reference (scikit-learn conventions: zero_division = 0, macro = mean of per-class F1).
// Server-only: in the browser's Run these answer only the calls recorded from the solution's
// visible run (docs/authoring.md, "What Run ships").

export interface Prf {
  precision: number[];
  recall: number[];
  f1: number[];
  macroF1: number;
}

/** A classification case's expected values and the counts its hints reason with. */
export interface PrfCase {
  expected: Prf;
  accuracy: number;
  tp: number[];
  fp: number[];
  fn: number[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function refAccuracy(pred: Int32Array, labels: Int32Array): number {
  let c = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) c++;
  return c / labels.length;
}

function confusionCounts(pred: Int32Array, labels: Int32Array, k: number) {
  const tp = new Array<number>(k).fill(0);
  const fp = new Array<number>(k).fill(0);
  const fn = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) {
    if (pred[i] === labels[i]) tp[pred[i]]++;
    else {
      fp[pred[i]]++;
      fn[labels[i]]++;
    }
  }
  return { tp, fp, fn };
}

function refPrf(tp: number[], fp: number[], fn: number[], k: number): Prf {
  const precision = tp.map((t, c) => ratio(t, t + fp[c]));
  const recall = tp.map((t, c) => ratio(t, t + fn[c]));
  const f1 = tp.map((t, c) => ratio(2 * t, 2 * t + fp[c] + fn[c]));
  return { precision, recall, f1, macroF1: f1.reduce((s, v) => s + v, 0) / k };
}

/** Mann–Whitney over all positive/negative pairs; `tie` is what a tie is worth (½ is right). */
function refAuc(scores: Float64Array, labels: Int32Array, tie: number): number {
  const pos: number[] = [];
  const neg: number[] = [];
  scores.forEach((s, i) => (labels[i] === 1 ? pos : neg).push(s));
  neg.sort((a, b) => a - b);
  // For each positive: negatives strictly below (binary search) and tied.
  const lowerBound = (v: number) => {
    let lo = 0;
    let hi = neg.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (neg[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let wins = 0;
  for (const p of pos) {
    const below = lowerBound(p);
    let tied = 0;
    for (let j = below; j < neg.length && neg[j] === p; j++) tied++;
    wins += below + tie * tied;
  }
  return wins / (pos.length * neg.length);
}

/** The expected accuracy of `pred` against `labels`. */
export function expectedAccuracy(pred: Int32Array, labels: Int32Array): number {
  return refAccuracy(pred, labels);
}

/** Expected precision, recall, F1 and macro F1, with the accuracy and the counts. */
export function expectedPrf(pred: Int32Array, labels: Int32Array, k: number): PrfCase {
  const { tp, fp, fn } = confusionCounts(pred, labels, k);
  return { expected: refPrf(tp, fp, fn, k), accuracy: refAccuracy(pred, labels), tp, fp, fn };
}

/** The expected AUC (ties ½), and what counting ties as 0 or as 1 gives (for hints). */
export function expectedAuc(scores: Float64Array, labels: Int32Array): { auc: number; tiesZero: number; tiesOne: number } {
  return { auc: refAuc(scores, labels, 0.5), tiesZero: refAuc(scores, labels, 0), tiesOne: refAuc(scores, labels, 1) };
}
