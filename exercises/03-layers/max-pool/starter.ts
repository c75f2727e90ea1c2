import { Tensor, zeros } from "gradlab/nd";

/**
 * Max pooling in NHWC with a square pool × pool window moved by `stride`, no padding ("valid"):
 * x [N, H, W, C] → y [N, Ho, Wo, C].
 * Checked by: "maxPoolForward ..." checks.
 */
export function maxPoolForward(x: Tensor, pool: number, stride: number): Tensor {
  // TODO: implement (the output shape below is wrong: work out Ho and Wo)
  return zeros(x.shape);
}

/**
 * Gradient of the loss with respect to x, given dy = dL/dy [N, Ho, Wo, C].
 * Checked by: "maxPoolBackward ..." checks.
 */
export function maxPoolBackward(dy: Tensor, x: Tensor, pool: number, stride: number): Tensor {
  // TODO: implement
  return zeros(x.shape);
}
