// Mistake: db taken from the first row of dy only (right for a batch of one, wrong for every larger batch).
import { Tensor, add, matmul, sum, transpose } from "gradlab/nd";

export function denseForward(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return add(matmul(x, w), b);
}

export function denseBackward(dy: Tensor, x: Tensor, w: Tensor): { dx: Tensor; dw: Tensor; db: Tensor } {
  return {
    dx: matmul(dy, transpose(w)),
    dw: matmul(transpose(x), dy),
    db: new Tensor(dy.data.slice(0, dy.shape[1]), [dy.shape[1]]),
  };
}
