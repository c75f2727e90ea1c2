// Mistake: the gradient of the summed squared error: not divided by N (right only for a data set of one point).
import { Tensor } from "gradlab/nd";

export function fit(x: Tensor, y: Tensor, h: { lr: number; epochs: number }): { w: number; b: number; losses: number[] } {
  const n = x.shape[0];
  let w = 0;
  let b = 0;
  const losses: number[] = [];
  for (let e = 0; e < h.epochs; e++) {
    let loss = 0;
    let dw = 0;
    let db = 0;
    for (let i = 0; i < n; i++) {
      const r = w * x.data[i] + b - y.data[i];
      loss += r * r;
      dw += 2 * r * x.data[i];
      db += 2 * r;
    }
    losses.push(loss / n);
    w -= h.lr * dw;
    b -= h.lr * db;
  }
  return { w, b, losses };
}
