// Mistake: softmax without subtracting the max, and the loss as -log(softmax): exp overflows for large logits.
import { Tensor, div, exp, sum } from "gradlab/nd";

/** Row-wise softmax. */
export function softmax(logits: Tensor): Tensor {
  const e = exp(logits);
  return div(e, sum(e, 1, true));
}

/** Mean over the batch of logsumexp(z_n) - z_n[y_n], computed stably. */
export function crossEntropy(logits: Tensor, labels: Int32Array): number {
  const [n, c] = logits.shape;
  const p = softmax(logits);
  let total = 0;
  for (let i = 0; i < n; i++) total -= Math.log(p.data[i * c + labels[i]]);
  return total / n;
}

/** d(mean loss)/d(logits) = (softmax - onehot) / N. */
export function crossEntropyBackward(logits: Tensor, labels: Int32Array): Tensor {
  const [n, c] = logits.shape;
  const p = softmax(logits);
  const g = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) g[i * c + j] = (p.data[i * c + j] - (j === labels[i] ? 1 : 0)) / n;
  }
  return new Tensor(g, [n, c]);
}
