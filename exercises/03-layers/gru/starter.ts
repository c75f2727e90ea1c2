import { Tensor, zeros } from "gradlab/nd";

/**
 * A GRU over a batch of sequences, as tf.layers.gru computes it: x [N, T, D], h0 [N, H], wx [D, 3H],
 * wh [H, 3H], b [3H]; the 3H columns are the blocks z (update), r (reset), h (candidate), in that order.
 * z = σ(x_t·wx_z + h·wh_z + b_z), r = σ(x_t·wx_r + h·wh_r + b_r),
 * ĥ = tanh(x_t·wx_h + b_h + (r ⊙ h)·wh_h), h_t = z ⊙ h + (1 − z) ⊙ ĥ, with σ the logistic sigmoid.
 * Returns every h_t, stacked along the time axis: [N, T, H].
 * Checked by: "gruForward ..." checks.
 */
export function gruForward(x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): Tensor {
  // TODO: implement
  return zeros([x.shape[0], x.shape[1], h0.shape[1]]);
}

/**
 * Backpropagation through time. dhs [N, T, H] is dL/dh_t for every step.
 * Returns the gradients with respect to x, h0, wx, wh and b (each with its input's shape).
 * Checked by: "gruBackward ..." checks.
 */
export function gruBackward(
  dhs: Tensor, x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor,
): { dx: Tensor; dh0: Tensor; dwx: Tensor; dwh: Tensor; db: Tensor } {
  // TODO: implement
  return { dx: zeros(x.shape), dh0: zeros(h0.shape), dwx: zeros(wx.shape), dwh: zeros(wh.shape), db: zeros(b.shape) };
}
