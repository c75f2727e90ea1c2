// Mistake: random() called twice per element (once to decide, once more to 'check'), so the mask uses every second number.
import { Tensor, div, mul, onesLike } from "gradlab/nd";

export function dropoutForward(x: Tensor, rate: number, training: boolean, random: () => number): { y: Tensor; mask: Tensor } {
  if (!training) return { y: x, mask: onesLike(x) };
  const keep = new Float64Array(x.data.length);
  for (let i = 0; i < keep.length; i++) {
    const u = random();
    const v = random();
    keep[i] = u >= rate && v >= 0 ? 1 : 0;
  }
  const mask = new Tensor(keep, x.shape);
  return { y: div(mul(x, mask), 1 - rate), mask };
}

export function dropoutBackward(dy: Tensor, mask: Tensor, rate: number): Tensor {
  return div(mul(dy, mask), 1 - rate);
}
