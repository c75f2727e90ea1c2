import { Tensor } from "gradlab/nd";

/**
 * Full-batch gradient descent on the mean squared error of y ≈ w·x + b, from w = b = 0.
 * x and y are [N, 1]. losses[e] is the MSE at the start of epoch e, before that epoch's update.
 * Checked by: every check.
 */
export function fit(x: Tensor, y: Tensor, h: { lr: number; epochs: number }): { w: number; b: number; losses: number[] } {
  // TODO: for each epoch, record the loss, compute dL/dw and dL/db, then update w and b.
  return { w: 0, b: 0, losses: new Array(h.epochs).fill(0) };
}
