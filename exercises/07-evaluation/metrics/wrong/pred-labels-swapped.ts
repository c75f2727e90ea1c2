// Mistake: arguments read in scikit-learn's order (y_true, y_pred): precision and recall come out swapped.
export function accuracy(pred: Int32Array, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) correct++;
  return correct / labels.length;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function precisionRecallF1(labels: Int32Array, pred: Int32Array, numClasses: number): { precision: number[]; recall: number[]; f1: number[]; macroF1: number } {
  const tp = new Array<number>(numClasses).fill(0);
  const predicted = new Array<number>(numClasses).fill(0);
  const actual = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    predicted[pred[i]]++;
    actual[labels[i]]++;
    if (pred[i] === labels[i]) tp[pred[i]]++;
  }
  const precision = tp.map((t, c) => ratio(t, predicted[c]));
  const recall = tp.map((t, c) => ratio(t, actual[c]));
  const f1 = precision.map((p, c) => ratio(2 * p * recall[c], p + recall[c]));
  const macroF1 = f1.reduce((s, v) => s + v, 0) / numClasses;
  return { precision, recall, f1, macroF1 };
}

export function rocAuc(scores: Float64Array, labels: Int32Array): number {
  // Mann–Whitney: the probability that a random positive scores above a random negative, ties one half.
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let negativesBelow = 0;
  let wins = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    // A group of tied scores: its positives beat every negative below and tie with the group's negatives.
    let j = i;
    let pos = 0;
    let neg = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]] === 1) pos++;
      else neg++;
      j++;
    }
    wins += pos * negativesBelow + 0.5 * pos * neg;
    negativesBelow += neg;
    positives += pos;
    i = j;
  }
  return wins / (positives * negativesBelow);
}
