// Mistake: the backward scales dy by 1 / (1 − rate) but does not apply the mask: dropped elements still get a gradient.
import { Tensor, div, mul, onesLike } from "gradlab/nd";

export function dropoutForward(x: Tensor, rate: number, training: boolean, random: () => number): { y: Tensor; mask: Tensor } {
  if (!training) return { y: x, mask: onesLike(x) };
  const keep = new Float64Array(x.data.length);
  // one random() per element, in row-major order (the order of x.data)
  for (let i = 0; i < keep.length; i++) keep[i] = random() >= rate ? 1 : 0;
  const mask = new Tensor(keep, x.shape);
  return { y: div(mul(x, mask), 1 - rate), mask };
}

export function dropoutBackward(dy: Tensor, mask: Tensor, rate: number): Tensor {
  return div(dy, 1 - rate);
}
