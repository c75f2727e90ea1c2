import { Tensor, zerosLike } from "gradlab/nd";

// pred and target have the same shape, any shape (1-D, [N, M], 3-D, ...).

/**
 * Mean squared error over ALL elements, as a plain number.
 * Checked by: "mse ..." checks.
 */
export function mse(pred: Tensor, target: Tensor): number {
  // TODO: implement
  return 0;
}

/**
 * Gradient of mse with respect to pred (the shape of pred).
 * Checked by: "mseBackward ..." checks.
 */
export function mseBackward(pred: Tensor, target: Tensor): Tensor {
  // TODO: implement
  return zerosLike(pred);
}
