import { Tensor, zeros } from "gradlab/nd";

/**
 * 2-D convolution (cross-correlation, as tfjs) in NHWC:
 * x [N, H, W, Cin], w [KH, KW, Cin, Cout], b [Cout] → y [N, Ho, Wo, Cout].
 * padding "valid": no padding; "same": Ho = ceil(H / stride), padded exactly as TensorFlow.
 * Checked by: "conv2dForward ..." checks.
 */
export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, stride: number, padding: "valid" | "same"): Tensor {
  // TODO: implement (the output shape below is only right for "same" with stride 1)
  return zeros([x.shape[0], x.shape[1], x.shape[2], w.shape[3]]);
}

/**
 * Gradients of the loss with respect to x, w and b, given dy = dL/dy [N, Ho, Wo, Cout].
 * Checked by: "conv2dBackward ..." checks.
 */
export function conv2dBackward(dy: Tensor, x: Tensor, w: Tensor, stride: number, padding: "valid" | "same"): { dx: Tensor; dw: Tensor; db: Tensor } {
  // TODO: implement
  return { dx: zeros(x.shape), dw: zeros(w.shape), db: zeros([w.shape[3]]) };
}
