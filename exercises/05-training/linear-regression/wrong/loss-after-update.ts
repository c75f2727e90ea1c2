// Mistake: the loss is recorded after the epoch's update, not before (losses shifted by one epoch).
import { Tensor, add, mean, mul, square, sub, sum } from "gradlab/nd";

export function fit(x: Tensor, y: Tensor, h: { lr: number; epochs: number }): { w: number; b: number; losses: number[] } {
  const n = x.shape[0];
  let w = 0;
  let b = 0;
  const losses: number[] = [];
  for (let e = 0; e < h.epochs; e++) {
    const r = sub(add(mul(x, w), b), y);
    const dw = (2 * sum(mul(r, x)).data[0]) / n;
    const db = (2 * sum(r).data[0]) / n;
    w -= h.lr * dw;
    b -= h.lr * db;
    losses.push(mean(square(sub(add(mul(x, w), b), y))).data[0]);
  }
  return { w, b, losses };
}
