// Float64 wrong gradients of conv2d, for hints. Server-only: the loop over the convolution's taps is
// conv2dForward/conv2dBackward itself, and dw accumulated over every sample is the answer, so in
// the browser's Run these answer only calls recorded from the solution's visible run (none: hints
// run only for a wrong answer) and a hint there says nothing (docs/authoring.md, "What Run ships").
import { Tensor } from "gradlab/nd";

/** Output size and padding before the first row / column (checks.ts computes them). */
export interface Geometry {
  ho: number;
  wo: number;
  top: number;
  left: number;
}

export interface ConvInputs {
  x: Tensor; // [N, H, W, Cin]
  w: Tensor; // [KH, KW, Cin, Cout]
  dy: Tensor; // [N, Ho, Wo, Cout]
  stride: number;
}

/** Visits every (input element, weight, output) triple the convolution multiplies, in loop order n, oh, ow, a, c, ci, co. */
function forEachTap(c: ConvInputs, g: Geometry, visit: (xi: number, wi: number, yi: number) => void): void {
  const [n, h, wd, cin] = c.x.shape;
  const [kh, kw, , cout] = c.w.shape;
  for (let i = 0; i < n; i++)
    for (let oh = 0; oh < g.ho; oh++)
      for (let ow = 0; ow < g.wo; ow++)
        for (let a = 0; a < kh; a++)
          for (let col = 0; col < kw; col++) {
            const r = oh * c.stride + a - g.top;
            const s = ow * c.stride + col - g.left;
            if (r < 0 || r >= h || s < 0 || s >= wd) continue;
            for (let ci = 0; ci < cin; ci++)
              for (let co = 0; co < cout; co++) visit(((i * h + r) * wd + s) * cin + ci, ((a * kw + col) * cin + ci) * cout + co, ((i * g.ho + oh) * g.wo + ow) * cout + co);
          }
}

/**
 * dw as two known mistakes compute it: "overwritten" keeps only the last contribution to each
 * weight; "last-sample" accumulates only the last sample's (undefined for a batch of one).
 */
export function wrongDw(c: ConvInputs, g: Geometry, kind: "overwritten" | "last-sample"): Tensor | undefined {
  const n = c.x.shape[0];
  if (kind === "last-sample" && n < 2) return undefined;
  const dw = new Float64Array(c.w.data.length);
  const start = kind === "last-sample" ? (n - 1) * (c.dy.data.length / n) : 0;
  forEachTap(c, g, (xi, wi, yi) => {
    if (kind === "overwritten") dw[wi] = c.x.data[xi] * c.dy.data[yi];
    else if (yi >= start) dw[wi] += c.x.data[xi] * c.dy.data[yi];
  });
  return new Tensor(dw, c.w.shape.slice());
}

/** db as known mistakes compute it: dy at the last or first position only, or summed over the first sample only (undefined for a batch of one). */
export function wrongDb(dy: Tensor, kind: "last-position" | "first-position" | "first-sample"): Tensor | undefined {
  const [n, ho, wo, cout] = dy.shape;
  if (kind === "first-sample" && n < 2) return undefined;
  const at = (i: number, oh: number, ow: number, co: number) => dy.data[((i * ho + oh) * wo + ow) * cout + co];
  const db = new Float64Array(cout);
  for (let co = 0; co < cout; co++) {
    if (kind === "last-position") db[co] = at(n - 1, ho - 1, wo - 1, co);
    else if (kind === "first-position") db[co] = at(0, 0, 0, co);
    else for (let oh = 0; oh < ho; oh++) for (let ow = 0; ow < wo; ow++) db[co] += at(0, oh, ow, co);
  }
  return new Tensor(db, [cout]);
}
