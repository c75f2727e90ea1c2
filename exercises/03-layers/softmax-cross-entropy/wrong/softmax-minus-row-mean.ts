// Mistake: each row is shifted by its mean instead of its max before exp; fine for rows whose logits are close together, Infinity / Infinity = NaN for a wide row like [1e4, -1e4, 0].
import { Tensor, div, exp, log, mean, sub, sum } from "gradlab/nd";

/** Row-wise softmax, shifted by each row's mean. */
export function softmax(logits: Tensor): Tensor {
  const e = exp(sub(logits, mean(logits, 1, true)));
  return div(e, sum(e, 1, true));
}

/** Mean over the batch of logsumexp(z_n) - z_n[y_n], computed stably. */
export function crossEntropy(logits: Tensor, labels: Int32Array): number {
  const [n, c] = logits.shape;
  const m = mean(logits, 1, true);
  const lse = log(sum(exp(sub(logits, m)), 1, true)); // [N, 1], log of a number in [1, C]
  let total = 0;
  for (let i = 0; i < n; i++) total += m.data[i] + lse.data[i] - logits.data[i * c + labels[i]];
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
