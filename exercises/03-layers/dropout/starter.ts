import { Tensor, ones, zeros } from "gradlab/nd";

/**
 * Inverted dropout. In training, call random() once per element (row-major order) and keep the
 * element where random() >= rate; kept elements are scaled by 1 / (1 − rate), dropped ones are 0.
 * mask is the 0/1 keep indicator. Outside training, y is x and mask is all ones.
 * Checked by: "dropoutForward ..." checks.
 */
export function dropoutForward(x: Tensor, rate: number, training: boolean, random: () => number): { y: Tensor; mask: Tensor } {
  // TODO: implement
  return { y: zeros(x.shape), mask: ones(x.shape) };
}

/**
 * Gradient of the loss with respect to x, given dy = dL/dy and the forward's mask.
 * Checked by: "dropoutBackward ..." checks.
 */
export function dropoutBackward(dy: Tensor, mask: Tensor, rate: number): Tensor {
  // TODO: implement
  return zeros(dy.shape);
}
