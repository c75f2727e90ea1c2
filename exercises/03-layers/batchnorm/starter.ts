import { Tensor, zeros } from "gradlab/nd";

/**
 * One training step of batch normalization. x is [N, C] or [N, H, W, C]: C channels on the last axis,
 * each normalised with the mean and (biased) variance of its values over every other axis:
 * y = (x − mean) / sqrt(var + eps) · gamma + beta. gamma, beta, movingMean, movingVariance are [C].
 * Returns y (x's shape) and the moving statistics after this step (as tfjs updates them):
 * moving = momentum · moving + (1 − momentum) · batch statistic. Do not modify the arguments.
 * Checked by: "batchNormTrain ..." checks.
 */
export function batchNormTrain(
  x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, momentum: number, eps: number,
): { y: Tensor; movingMean: Tensor; movingVariance: Tensor } {
  // TODO: implement
  return { y: zeros(x.shape), movingMean: zeros(movingMean.shape), movingVariance: zeros(movingVariance.shape) };
}

/**
 * Batch normalization at inference: normalise with the moving statistics instead of the batch's.
 * Checked by: "batchNormInference ..." checks.
 */
export function batchNormInference(x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, eps: number): Tensor {
  // TODO: implement
  return zeros(x.shape);
}

/**
 * The backward of batchNormTrain's y (training mode: the batch statistics depend on x).
 * dy has x's shape; returns dx (x's shape), dgamma and dbeta ([C], summed over every axis but the last).
 * Checked by: "batchNormBackward ..." checks.
 */
export function batchNormBackward(dy: Tensor, x: Tensor, gamma: Tensor, eps: number): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  // TODO: implement
  return { dx: zeros(x.shape), dgamma: zeros(gamma.shape), dbeta: zeros(gamma.shape) };
}
