// Mistake: transposed recurrent weights: h_{t-1}·whᵀ instead of h_{t-1}·wh (wh is square, so the shapes never complain); the backward is consistent with that forward.
import { Tensor, add, matmul, mul, reshape, slice, square, stack, sub, sum, tanh, transpose, zeros } from "gradlab/nd";

/** x_t = x[:, t, :] as [N, D]. */
function step(x: Tensor, t: number): Tensor {
  const [n, , d] = x.shape;
  return reshape(slice(x, [0, t, 0], [n, 1, d]), [n, d]);
}

export function rnnForward(x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): Tensor {
  const hs: Tensor[] = [];
  let h = h0;
  for (let t = 0; t < x.shape[1]; t++) {
    h = tanh(add(add(matmul(step(x, t), wx), matmul(h, transpose(wh))), b));
    hs.push(h);
  }
  return stack(hs, 1);
}

export function rnnBackward(
  dhs: Tensor, x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor,
): { dx: Tensor; dh0: Tensor; dwx: Tensor; dwh: Tensor; db: Tensor } {
  const steps = x.shape[1];
  const hs = rnnForward(x, h0, wx, wh, b);
  const h = (t: number) => (t < 0 ? h0 : step(hs, t));
  let dwx = zeros(wx.shape);
  let dwh = zeros(wh.shape);
  let db = zeros(b.shape);
  const dxs: Tensor[] = new Array(steps);
  let dnext = zeros(h0.shape); // dL/dh_t arriving from step t + 1
  for (let t = steps - 1; t >= 0; t--) {
    const dh = add(step(dhs, t), dnext);
    const da = mul(dh, sub(1, square(h(t)))); // tanh'(a_t) = 1 - h_t²
    dxs[t] = matmul(da, transpose(wx));
    dwx = add(dwx, matmul(transpose(step(x, t)), da));
    dwh = add(dwh, transpose(matmul(transpose(h(t - 1)), da)));
    db = add(db, sum(da, 0));
    dnext = matmul(da, wh);
  }
  const dx = stack(dxs, 1);
  return { dx, dh0: dnext, dwx, dwh, db };
}
