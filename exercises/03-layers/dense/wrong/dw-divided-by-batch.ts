// Mistake: dividing dw by the batch size (dy already carries the loss's mean).
import { Tensor, add, div, matmul, sum, transpose } from "gradlab/nd";

export function denseForward(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return add(matmul(x, w), b);
}

export function denseBackward(dy: Tensor, x: Tensor, w: Tensor): { dx: Tensor; dw: Tensor; db: Tensor } {
  return { dx: matmul(dy, transpose(w)), dw: div(matmul(transpose(x), dy), x.shape[0]), db: sum(dy, 0) };
}
