import { Tensor, zeros } from "gradlab/nd";

/**
 * A frozen dense layer plus a low-rank adapter: y = x·w + b + (alpha / r)·(x·a)·bm,
 * x [N, D], w [D, M], b [M], a [D, r], bm [r, M], r = a.shape[1] → y [N, M].
 * Checked by: "loraForward ..." checks.
 */
export function loraForward(x: Tensor, w: Tensor, b: Tensor, a: Tensor, bm: Tensor, alpha: number): Tensor {
  // TODO: implement
  return zeros([x.shape[0], w.shape[1]]);
}

/**
 * Gradients given dy = dL/dy [N, M]: dx (x feeds both paths), and the adapter's da, dbm.
 * w and b are frozen: no gradients for them.
 * Checked by: "loraBackward ..." checks.
 */
export function loraBackward(dy: Tensor, x: Tensor, w: Tensor, a: Tensor, bm: Tensor, alpha: number): { dx: Tensor; da: Tensor; dbm: Tensor } {
  // TODO: implement
  return { dx: zeros(x.shape), da: zeros(a.shape), dbm: zeros(bm.shape) };
}

/**
 * Trainable parameters of a dense layer d → m: when the whole layer is fine-tuned (full),
 * and when only a rank-r adapter is (lora).
 * Checked by: "loraParamCount ..." checks.
 */
export function loraParamCount(d: number, m: number, r: number): { full: number; lora: number } {
  // TODO: implement
  return { full: 0, lora: 0 };
}
