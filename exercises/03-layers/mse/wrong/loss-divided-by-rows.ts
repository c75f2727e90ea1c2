// Mistake: the loss sums the squared errors and divides by the number of rows N, not by every element.
import { Tensor, mul, square, sub, sum } from "gradlab/nd";

/** Mean of (pred - target)² over every element. */
export function mse(pred: Tensor, target: Tensor): number {
  return sum(square(sub(pred, target))).data[0] / pred.shape[0];
}

/** d(mse)/d(pred) = 2 (pred - target) / (number of elements). */
export function mseBackward(pred: Tensor, target: Tensor): Tensor {
  return mul(sub(pred, target), 2 / pred.size);
}
