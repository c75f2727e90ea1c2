// Mistake: backward ignores the path through h_{t-1}: dL/dh_t taken as dhs_t only (plain loops, plain {shape, data} results).
import type { Tensor } from "gradlab/nd";

type T = { shape: number[]; data: Float64Array };

export function rnnForward(x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): T {
  const [n, steps, d] = x.shape;
  const H = wx.shape[1];
  const hs = new Float64Array(n * steps * H);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < steps; t++) {
      for (let j = 0; j < H; j++) {
        let a = b.data[j];
        for (let k = 0; k < d; k++) a += x.data[(i * steps + t) * d + k] * wx.data[k * H + j];
        for (let k = 0; k < H; k++) a += (t === 0 ? h0.data[i * H + k] : hs[(i * steps + t - 1) * H + k]) * wh.data[k * H + j];
        hs[(i * steps + t) * H + j] = Math.tanh(a);
      }
    }
  }
  return { shape: [n, steps, H], data: hs };
}

export function rnnBackward(dhs: Tensor, x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor) {
  const [n, steps, d] = x.shape;
  const H = wx.shape[1];
  const hs = rnnForward(x, h0, wx, wh, b).data;
  const dx = new Float64Array(n * steps * d);
  const dh0 = new Float64Array(n * H);
  const dwx = new Float64Array(d * H);
  const dwh = new Float64Array(H * H);
  const db = new Float64Array(H);
  for (let t = steps - 1; t >= 0; t--) {
    for (let i = 0; i < n; i++) {
      const da = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        const h = hs[(i * steps + t) * H + j];
        da[j] = dhs.data[(i * steps + t) * H + j] * (1 - h * h); // only the local dhs_t
      }
      for (let j = 0; j < H; j++) {
        db[j] += da[j];
        for (let k = 0; k < d; k++) {
          dwx[k * H + j] += x.data[(i * steps + t) * d + k] * da[j];
          dx[(i * steps + t) * d + k] += da[j] * wx.data[k * H + j];
        }
        for (let k = 0; k < H; k++) {
          const prev = t === 0 ? h0.data[i * H + k] : hs[(i * steps + t - 1) * H + k];
          dwh[k * H + j] += prev * da[j];
          if (t === 0) dh0[i * H + k] += da[j] * wh.data[k * H + j];
        }
      }
    }
  }
  return {
    dx: { shape: [n, steps, d], data: dx },
    dh0: { shape: [n, H], data: dh0 },
    dwx: { shape: [d, H], data: dwx },
    dwh: { shape: [H, H], data: dwh },
    db: { shape: [H], data: db },
  };
}
