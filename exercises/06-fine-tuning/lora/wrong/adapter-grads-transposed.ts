// Mistake: da and dbm computed with the matmul operands swapped: they come out transposed ([r, D] and [M, r]).
import { Tensor, add, matmul, mul, transpose } from "gradlab/nd";

export function loraForward(x: Tensor, w: Tensor, b: Tensor, a: Tensor, bm: Tensor, alpha: number): Tensor {
  const scale = alpha / a.shape[1];
  return add(add(matmul(x, w), b), mul(matmul(matmul(x, a), bm), scale));
}

export function loraBackward(dy: Tensor, x: Tensor, w: Tensor, a: Tensor, bm: Tensor, alpha: number): { dx: Tensor; da: Tensor; dbm: Tensor } {
  const scale = alpha / a.shape[1];
  const dxa = mul(matmul(dy, transpose(bm)), scale); // dL/d(x a), [N, r]
  return {
    dx: add(matmul(dy, transpose(w)), matmul(dxa, transpose(a))),
    da: matmul(transpose(dxa), x),
    dbm: mul(matmul(transpose(dy), matmul(x, a)), scale),
  };
}

export function loraParamCount(d: number, m: number, r: number): { full: number; lora: number } {
  return { full: d * m + m, lora: r * (d + m) };
}
