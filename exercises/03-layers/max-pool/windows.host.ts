// Max pooling's windows and float64 wrong backwards, for the tied-max case and for hints.
// Server-only: the window geometry is the core of maxPoolForward/maxPoolBackward, and a "wrong"
// backward routed to the argmax with += would be the answer, so in the browser's Run these answer
// only the calls recorded from the solution's visible run (docs/authoring.md, "What Run ships").
import { Tensor } from "gradlab/nd";

/** How a wrong backward routes one window's dy. */
export type WrongRoute = "assign-to-max" | "every-element" | "spread-add" | "spread-assign";

const outSize = (h: number, pool: number, stride: number) => Math.floor((h - pool) / stride) + 1;

/** Visits every window (order n, oh, ow, c) with the flat indices of its elements. */
function forEachWindow(shape: number[], pool: number, stride: number, visit: (out: number, window: number[]) => void): void {
  const [n, h, w, ch] = shape;
  const [ho, wo] = [outSize(h, pool, stride), outSize(w, pool, stride)];
  for (let i = 0; i < n; i++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++)
        for (let k = 0; k < ch; k++) {
          const win: number[] = [];
          for (let a = 0; a < pool; a++) for (let b = 0; b < pool; b++) win.push(((i * h + oh * stride + a) * w + ow * stride + b) * ch + k);
          visit(((i * ho + oh) * wo + ow) * ch + k, win);
        }
}

/** The flat indices of x [N, H, W, C] in each window, indexed by the output's flat index. */
export function poolWindows(shape: number[], pool: number, stride: number): number[][] {
  const out: number[][] = [];
  forEachWindow(shape, pool, stride, (o, win) => (out[o] = win));
  return out;
}

/** A wrong backward, in float64, for hints: each window's dy routed the way `route` says. */
export function wrongDx(x: Tensor, dy: Tensor, pool: number, stride: number, route: WrongRoute): Tensor {
  const dx = new Float64Array(x.data.length);
  forEachWindow(x.shape, pool, stride, (o, win) => {
    const g = dy.data[o];
    if (route === "assign-to-max") dx[win.reduce((best, i) => (x.data[i] > x.data[best] ? i : best), win[0])] = g;
    else if (route === "every-element") win.forEach((i) => (dx[i] += g));
    else if (route === "spread-add") win.forEach((i) => (dx[i] += g / win.length));
    else win.forEach((i) => (dx[i] = g / win.length));
  });
  return new Tensor(dx, x.shape.slice());
}
