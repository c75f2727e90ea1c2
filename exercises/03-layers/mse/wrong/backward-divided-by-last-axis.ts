// Mistake: the gradient divides by the size of the last axis instead of the number of elements (x2 the reference for pred [2,3]... and "x rows" in general).
import { Tensor, mean, mul, square, sub } from "gradlab/nd";

/** Mean of (pred - target)² over every element. */
export function mse(pred: Tensor, target: Tensor): number {
  return mean(square(sub(pred, target))).data[0];
}

/** d(mse)/d(pred), divided by the size of the last axis. */
export function mseBackward(pred: Tensor, target: Tensor): Tensor {
  return mul(sub(pred, target), 2 / pred.shape[pred.shape.length - 1]);
}
