// Mistake: the adapter is scaled by alpha / M (the output width, w.shape[1]) instead of alpha / r (the rank, a.shape[1]).
import { Tensor, add, matmul, mul, transpose } from "gradlab/nd";

export function loraForward(x: Tensor, w: Tensor, b: Tensor, a: Tensor, bm: Tensor, alpha: number): Tensor {
  const scale = alpha / w.shape[1];
  return add(add(matmul(x, w), b), mul(matmul(matmul(x, a), bm), scale));
}

export function loraBackward(dy: Tensor, x: Tensor, w: Tensor, a: Tensor, bm: Tensor, alpha: number): { dx: Tensor; da: Tensor; dbm: Tensor } {
  const scale = alpha / w.shape[1];
  const dxa = mul(matmul(dy, transpose(bm)), scale); // dL/d(x a), [N, r]
  return {
    dx: add(matmul(dy, transpose(w)), matmul(dxa, transpose(a))),
    da: matmul(transpose(x), dxa),
    dbm: mul(matmul(transpose(matmul(x, a)), dy), scale),
  };
}

export function loraParamCount(d: number, m: number, r: number): { full: number; lora: number } {
  return { full: d * m + m, lora: r * (d + m) };
}
