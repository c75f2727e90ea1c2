import { Tensor, zeros } from "gradlab/nd";

/**
 * Layer normalization of each row of x [N, D]: y = gamma · (x − mean) / sqrt(var + eps) + beta,
 * with the row's mean and biased variance (divide by D); gamma, beta [D].
 * Checked by: "layerNormForward ..." checks.
 */
export function layerNormForward(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  // TODO: implement
  return zeros(x.shape);
}

/**
 * Gradients of the loss with respect to x, gamma and beta, given dy = dL/dy [N, D].
 * Checked by: "layerNormBackward ..." checks.
 */
export function layerNormBackward(dy: Tensor, x: Tensor, gamma: Tensor, eps: number): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  // TODO: implement
  return { dx: zeros(x.shape), dgamma: zeros(gamma.shape), dbeta: zeros(gamma.shape) };
}
