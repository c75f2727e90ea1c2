import { Tensor, zeros } from "gradlab/nd";

/**
 * An LSTM over a batch of sequences: x [N, T, D], h0 and c0 [N, H], wx [D, 4H], wh [H, 4H], b [4H].
 * z = x_t·wx + h_{t-1}·wh + b, split into 4 blocks of H columns in the order i, f, g (cell candidate), o;
 * i, f, o = sigmoid(...), g = tanh(...); c_t = f*c_{t-1} + i*g; h_t = o*tanh(c_t).
 * Returns every h_t, stacked along the time axis: [N, T, H].
 * Checked by: "lstmForward ..." checks.
 */
export function lstmForward(x: Tensor, h0: Tensor, c0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): Tensor {
  // TODO: implement
  return zeros([x.shape[0], x.shape[1], h0.shape[1]]);
}

/**
 * Backpropagation through time. dhs [N, T, H] is dL/dh_t for every step.
 * Returns the gradients with respect to x, h0, c0, wx, wh and b (each with its input's shape).
 * Checked by: "lstmBackward ..." checks.
 */
export function lstmBackward(
  dhs: Tensor, x: Tensor, h0: Tensor, c0: Tensor, wx: Tensor, wh: Tensor, b: Tensor,
): { dx: Tensor; dh0: Tensor; dc0: Tensor; dwx: Tensor; dwh: Tensor; db: Tensor } {
  // TODO: implement
  return { dx: zeros(x.shape), dh0: zeros(h0.shape), dc0: zeros(c0.shape), dwx: zeros(wx.shape), dwh: zeros(wh.shape), db: zeros(b.shape) };
}
