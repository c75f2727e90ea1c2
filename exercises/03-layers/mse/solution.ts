import { Tensor, mean, mul, square, sub } from "gradlab/nd";

/** Mean of (pred - target)² over every element. */
export function mse(pred: Tensor, target: Tensor): number {
  return mean(square(sub(pred, target))).data[0];
}

/** d(mse)/d(pred) = 2 (pred - target) / (number of elements). */
export function mseBackward(pred: Tensor, target: Tensor): Tensor {
  return mul(sub(pred, target), 2 / pred.size);
}
