// Mistake: rate read as the keep probability: keep where random() < rate and scale by 1 / rate (both the condition and the scale).
import { Tensor, div, mul, onesLike } from "gradlab/nd";

export function dropoutForward(x: Tensor, rate: number, training: boolean, random: () => number): { y: Tensor; mask: Tensor } {
  if (!training) return { y: x, mask: onesLike(x) };
  const keep = new Float64Array(x.data.length);
  // one random() per element, in row-major order (the order of x.data)
  for (let i = 0; i < keep.length; i++) keep[i] = random() < rate ? 1 : 0;
  const mask = new Tensor(keep, x.shape);
  return { y: div(mul(x, mask), rate), mask };
}

export function dropoutBackward(dy: Tensor, mask: Tensor, rate: number): Tensor {
  return div(mul(dy, mask), rate);
}
