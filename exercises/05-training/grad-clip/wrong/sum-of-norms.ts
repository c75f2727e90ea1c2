// Mistake: the global norm is the sum of each tensor's norm, not the norm of all the elements together.
import { Tensor, clip, mul, sub } from "gradlab/nd";

export function globalNorm(grads: Tensor[]): number {
  let total = 0;
  for (const g of grads) {
    let s = 0;
    for (const v of g.data) s += v * v;
    total += Math.sqrt(s);
  }
  return total;
}

export function clipByGlobalNorm(grads: Tensor[], clipNorm: number): Tensor[] {
  // max(norm, clipNorm) in the denominator: only shrinks, and never divides by a zero norm.
  const scale = clipNorm / Math.max(globalNorm(grads), clipNorm);
  return grads.map((g) => mul(g, scale));
}

export function clipByValue(grads: Tensor[], clipValue: number): Tensor[] {
  return grads.map((g) => clip(g, -clipValue, clipValue));
}

export function clippedSgdStep(params: Tensor[], grads: Tensor[], h: { lr: number; clipNorm?: number; clipValue?: number }): Tensor[] {
  const clipped = h.clipNorm !== undefined ? clipByGlobalNorm(grads, h.clipNorm) : h.clipValue !== undefined ? clipByValue(grads, h.clipValue) : grads;
  return params.map((p, i) => sub(p, mul(clipped[i], h.lr)));
}
