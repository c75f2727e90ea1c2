// Mistake: dw = dyᵀ·x, the transpose of xᵀ·dy (shape [M, D] instead of w's [D, M]).
import { Tensor, add, matmul, sum, transpose } from "gradlab/nd";

export function denseForward(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return add(matmul(x, w), b);
}

export function denseBackward(dy: Tensor, x: Tensor, w: Tensor): { dx: Tensor; dw: Tensor; db: Tensor } {
  return {
    dx: matmul(dy, transpose(w)),
    dw: matmul(transpose(dy), x),
    db: sum(dy, 0),
  };
}
