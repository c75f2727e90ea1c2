import { Tensor, zeros } from "gradlab/nd";

/**
 * Centred differences: grad_i = (f(x + h·e_i) − f(x − h·e_i)) / (2h), one element at a time.
 * Same shape as x; x must be unchanged afterwards.
 * Checked by: "numericGradient ..." checks and the gradient-check check.
 */
export function numericGradient(f: (x: Tensor) => number, x: Tensor, h: number): Tensor {
  // TODO: implement
  return zeros(x.shape);
}

/**
 * max_i |a_i − b_i| / max(|a_i| + |b_i|, 1e-8).
 * Checked by: "relativeError ..." checks and the gradient-check check.
 */
export function relativeError(a: Tensor, b: Tensor): number {
  // TODO: implement
  return 0;
}
