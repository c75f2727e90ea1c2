import { Tensor, zeros } from "gradlab/nd";

/**
 * The global norm of a list of gradient tensors: the norm of all their elements as one long vector.
 * Checked by: "globalNorm ..." checks.
 */
export function globalNorm(grads: Tensor[]): number {
  // TODO: implement
  return 0;
}

/**
 * Clip by the global norm (TensorFlow's clip_by_global_norm): every tensor times
 * clipNorm / max(globalNorm, clipNorm). Returns new tensors, in the same order.
 * Checked by: "clipByGlobalNorm ..." checks.
 */
export function clipByGlobalNorm(grads: Tensor[], clipNorm: number): Tensor[] {
  // TODO: implement
  return grads.map((g) => zeros(g.shape));
}

/**
 * Clip every element into [−clipValue, clipValue] (tf.clipByValue). Returns new tensors.
 * Checked by: "clipByValue ..." checks.
 */
export function clipByValue(grads: Tensor[], clipValue: number): Tensor[] {
  // TODO: implement
  return grads.map((g) => zeros(g.shape));
}

/**
 * One SGD step with clipped gradients: p − lr · clip(g), with clip by the global norm when h.clipNorm is
 * given, by value when h.clipValue is given (never both), none otherwise. Returns the new parameters.
 * Checked by: "clippedSgdStep ..." checks.
 */
export function clippedSgdStep(params: Tensor[], grads: Tensor[], h: { lr: number; clipNorm?: number; clipValue?: number }): Tensor[] {
  // TODO: implement
  return params.map((p) => zeros(p.shape));
}
