// Mistake: rocAuc counts pairs where the positive scores strictly higher; a tie counts 0 instead of one half.
export function accuracy(pred: Int32Array, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) correct++;
  return correct / labels.length;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function precisionRecallF1(pred: Int32Array, labels: Int32Array, numClasses: number): { precision: number[]; recall: number[]; f1: number[]; macroF1: number } {
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
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (scores[i] > scores[j]) wins++;
    }
  }
  return wins / pairs;
}
