// Mistake: the total 'same' padding is not clamped at 0; when the stride is larger than the kernel needs it is negative, and floor(P/2) = -1 shifts every window down (right) by one.
import { Tensor } from "gradlab/nd";

type Padding = "valid" | "same";

/** Output size and the padding before the first row / column, exactly as TensorFlow. */
function geometry(h: number, w: number, kh: number, kw: number, stride: number, padding: Padding) {
  if (padding === "valid") {
    return { ho: Math.floor((h - kh) / stride) + 1, wo: Math.floor((w - kw) / stride) + 1, top: 0, left: 0 };
  }
  const ho = Math.ceil(h / stride);
  const wo = Math.ceil(w / stride);
  const padH = (ho - 1) * stride + kh - h;
  const padW = (wo - 1) * stride + kw - w;
  return { ho, wo, top: Math.floor(padH / 2), left: Math.floor(padW / 2) };
}

export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, stride: number, padding: Padding): Tensor {
  const [n, h, wd, cin] = x.shape;
  const [kh, kw, , cout] = w.shape;
  const { ho, wo, top, left } = geometry(h, wd, kh, kw, stride, padding);
  const y = new Float64Array(n * ho * wo * cout);
  for (let i = 0; i < n; i++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++) {
        const out = ((i * ho + oh) * wo + ow) * cout;
        for (let co = 0; co < cout; co++) y[out + co] = b.data[co];
        for (let a = 0; a < kh; a++) {
          const r = oh * stride + a - top;
          if (r < 0 || r >= h) continue;
          for (let c = 0; c < kw; c++) {
            const col = ow * stride + c - left;
            if (col < 0 || col >= wd) continue;
            for (let ci = 0; ci < cin; ci++) {
              const xv = x.data[((i * h + r) * wd + col) * cin + ci];
              const wBase = ((a * kw + c) * cin + ci) * cout;
              for (let co = 0; co < cout; co++) y[out + co] += xv * w.data[wBase + co];
            }
          }
        }
      }
  return new Tensor(y, [n, ho, wo, cout]);
}

export function conv2dBackward(dy: Tensor, x: Tensor, w: Tensor, stride: number, padding: Padding): { dx: Tensor; dw: Tensor; db: Tensor } {
  const [n, h, wd, cin] = x.shape;
  const [kh, kw, , cout] = w.shape;
  const { ho, wo, top, left } = geometry(h, wd, kh, kw, stride, padding);
  const dx = new Float64Array(x.data.length);
  const dw = new Float64Array(w.data.length);
  const db = new Float64Array(cout);
  for (let i = 0; i < n; i++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++) {
        const out = ((i * ho + oh) * wo + ow) * cout;
        for (let co = 0; co < cout; co++) db[co] += dy.data[out + co];
        for (let a = 0; a < kh; a++) {
          const r = oh * stride + a - top;
          if (r < 0 || r >= h) continue;
          for (let c = 0; c < kw; c++) {
            const col = ow * stride + c - left;
            if (col < 0 || col >= wd) continue;
            for (let ci = 0; ci < cin; ci++) {
              const xi = ((i * h + r) * wd + col) * cin + ci;
              const wBase = ((a * kw + c) * cin + ci) * cout;
              for (let co = 0; co < cout; co++) {
                const g = dy.data[out + co];
                dx[xi] += g * w.data[wBase + co];
                dw[wBase + co] += g * x.data[xi];
              }
            }
          }
        }
      }
  return { dx: new Tensor(dx, x.shape), dw: new Tensor(dw, w.shape), db: new Tensor(db, [cout]) };
}
