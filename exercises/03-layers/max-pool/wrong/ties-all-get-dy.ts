// Mistake: ties in a window: dy goes to every element equal to the window's max (>= instead of >), so a tied max passes dy twice or more.
import { Tensor } from "gradlab/nd";

/** Calls visit(outIndex, inIndexOfMax) for every window, in order n, oh, ow, c. */
function forEachWindow(x: Tensor, pool: number, stride: number, visit: (out: number, argmax: number) => void): number[] {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor((h - pool) / stride) + 1;
  const wo = Math.floor((w - pool) / stride) + 1;
  for (let i = 0; i < n; i++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++)
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          for (let a = 0; a < pool; a++)
            for (let b = 0; b < pool; b++) {
              const idx = ((i * h + oh * stride + a) * w + ow * stride + b) * c + ch;
              if (best < 0 || x.data[idx] > x.data[best]) best = idx;
            }
          visit(((i * ho + oh) * wo + ow) * c + ch, best);
        }
  return [n, ho, wo, c];
}

export function maxPoolForward(x: Tensor, pool: number, stride: number): Tensor {
  const out: number[] = [];
  const shape = forEachWindow(x, pool, stride, (o, arg) => (out[o] = x.data[arg]));
  return new Tensor(out, shape);
}

export function maxPoolBackward(dy: Tensor, x: Tensor, pool: number, stride: number): Tensor {
  const dx = new Float64Array(x.data.length);
  // += : an element that is the max of several overlapping windows gets each window's gradient.
  forEachWindow(x, pool, stride, (o, arg) => {
    // every element equal to the window's max gets dy, not just one of them
    const [, h, w, c] = x.shape;
    const ch = arg % c;
    const wo = Math.floor((w - pool) / stride) + 1;
    const ow = Math.floor(o / c) % wo;
    const oh = Math.floor(o / c / wo) % (Math.floor((h - pool) / stride) + 1);
    const i = Math.floor(o / c / wo / (Math.floor((h - pool) / stride) + 1));
    for (let a = 0; a < pool; a++)
      for (let b = 0; b < pool; b++) {
        const idx = ((i * h + oh * stride + a) * w + ow * stride + b) * c + ch;
        if (x.data[idx] === x.data[arg]) dx[idx] += dy.data[o];
      }
  });
  return new Tensor(dx, x.shape);
}
