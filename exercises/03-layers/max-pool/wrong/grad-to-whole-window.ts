// Mistake: the window's gradient is sent to every element of the window, not only to its max.
import { Tensor } from "gradlab/nd";

export function maxPoolForward(x: Tensor, pool: number, stride: number): Tensor {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor((h - pool) / stride) + 1;
  const wo = Math.floor((w - pool) / stride) + 1;
  const y = new Float64Array(n * ho * wo * c).fill(-Infinity);
  for (let i = 0; i < n; i++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++)
        for (let ch = 0; ch < c; ch++)
          for (let a = 0; a < pool; a++)
            for (let b = 0; b < pool; b++) {
              const o = ((i * ho + oh) * wo + ow) * c + ch;
              y[o] = Math.max(y[o], x.data[((i * h + oh * stride + a) * w + ow * stride + b) * c + ch]);
            }
  return new Tensor(y, [n, ho, wo, c]);
}

export function maxPoolBackward(dy: Tensor, x: Tensor, pool: number, stride: number): Tensor {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor((h - pool) / stride) + 1;
  const wo = Math.floor((w - pool) / stride) + 1;
  const dx = new Float64Array(x.data.length);
  for (let i = 0; i < n; i++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++)
        for (let ch = 0; ch < c; ch++)
          for (let a = 0; a < pool; a++)
            for (let b = 0; b < pool; b++) {
              const o = ((i * ho + oh) * wo + ow) * c + ch;
              dx[((i * h + oh * stride + a) * w + ow * stride + b) * c + ch] += dy.data[o];
            }
  return new Tensor(dx, x.shape);
}
