// Mistake: db taken as the mean over the batch instead of the sum.
import { Tensor, add, matmul, mean, transpose } from "gradlab/nd";

export function denseForward(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return add(matmul(x, w), b);
}

export function denseBackward(dy: Tensor, x: Tensor, w: Tensor): { dx: Tensor; dw: Tensor; db: Tensor } {
  return { dx: matmul(dy, transpose(w)), dw: matmul(transpose(x), dy), db: mean(dy, 0) };
}
