/**
 * Fraction of positions where pred equals labels.
 * Checked by: "accuracy ..." checks.
 */
export function accuracy(pred: Int32Array, labels: Int32Array): number {
  // TODO: implement
  return 0;
}

/**
 * Per-class precision, recall and F1 (0 wherever a ratio is 0/0), and macroF1 = the mean of the
 * per-class F1 over all numClasses classes.
 * Checked by: "precisionRecallF1 ..." checks.
 */
export function precisionRecallF1(pred: Int32Array, labels: Int32Array, numClasses: number): { precision: number[]; recall: number[]; f1: number[]; macroF1: number } {
  // TODO: implement
  const zeros = () => new Array<number>(numClasses).fill(0);
  return { precision: zeros(), recall: zeros(), f1: zeros(), macroF1: 0 };
}

/**
 * Area under the ROC curve for binary labels (1 = positive): the probability that a random
 * positive scores higher than a random negative, a tie counting one half.
 * Checked by: "rocAuc ..." checks.
 */
export function rocAuc(scores: Float64Array, labels: Int32Array): number {
  // TODO: implement
  return 0;
}
