import { Tensor, zeros } from "gradlab/nd";

/**
 * A tanh RNN over a batch of sequences: x [N, T, D], h0 [N, H], wx [D, H], wh [H, H], b [H].
 * h_t = tanh(x_t·wx + h_{t-1}·wh + b) for t = 0..T-1 (h_{-1} is h0), where x_t = x[:, t, :].
 * Returns every h_t, stacked along the time axis: [N, T, H].
 * Checked by: "rnnForward ..." checks.
 */
export function rnnForward(x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): Tensor {
  // TODO: implement
  return zeros([x.shape[0], x.shape[1], wx.shape[1]]);
}

/**
 * Backpropagation through time. dhs [N, T, H] is dL/dh_t for every step (the loss may use every h_t).
 * Returns the gradients of the loss with respect to x, h0, wx, wh and b (each with its input's shape).
 * Checked by: "rnnBackward ..." checks.
 */
export function rnnBackward(
  dhs: Tensor, x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor,
): { dx: Tensor; dh0: Tensor; dwx: Tensor; dwh: Tensor; db: Tensor } {
  // TODO: implement
  return { dx: zeros(x.shape), dh0: zeros(h0.shape), dwx: zeros(wx.shape), dwh: zeros(wh.shape), db: zeros(b.shape) };
}
