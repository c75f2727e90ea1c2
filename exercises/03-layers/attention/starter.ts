import { Tensor, zeros } from "gradlab/nd";

/**
 * Scaled dot-product attention: q [N, Tq, d], k [N, Tk, d], v [N, Tk, dv] → [N, Tq, dv].
 * scores = q·kᵀ / sqrt(d) [N, Tq, Tk]; when causal (Tq == Tk), key j is hidden from query i if j > i;
 * P = softmax(scores) over the key axis; out = P·v.
 * Checked by: "attentionForward ..." checks.
 */
export function attentionForward(q: Tensor, k: Tensor, v: Tensor, causal: boolean): Tensor {
  // TODO: implement
  return zeros([q.shape[0], q.shape[1], v.shape[2]]);
}

/**
 * Gradients of the loss with respect to q, k and v, given dout = dL/dout [N, Tq, dv].
 * Checked by: "attentionBackward ..." checks.
 */
export function attentionBackward(dout: Tensor, q: Tensor, k: Tensor, v: Tensor, causal: boolean): { dq: Tensor; dk: Tensor; dv: Tensor } {
  // TODO: implement
  return { dq: zeros(q.shape), dk: zeros(k.shape), dv: zeros(v.shape) };
}
