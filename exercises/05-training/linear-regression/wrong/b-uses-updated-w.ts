// Mistake: w is updated first and b's gradient is then computed with the new w (not simultaneous).
import { Tensor } from "gradlab/nd";

export function fit(x: Tensor, y: Tensor, h: { lr: number; epochs: number }): { w: number; b: number; losses: number[] } {
  const n = x.shape[0];
  let w = 0;
  let b = 0;
  const losses: number[] = [];
  const residual = (i: number) => w * x.data[i] + b - y.data[i];
  for (let e = 0; e < h.epochs; e++) {
    let loss = 0;
    let dw = 0;
    for (let i = 0; i < n; i++) {
      loss += residual(i) ** 2;
      dw += (2 * residual(i) * x.data[i]) / n;
    }
    losses.push(loss / n);
    w -= h.lr * dw;
    let db = 0;
    for (let i = 0; i < n; i++) db += (2 * residual(i)) / n;
    b -= h.lr * db;
  }
  return { w, b, losses };
}
