// Float64 gradient descent with known mistakes, for hints. Server-only: with the mistake's factor
// at 1 (and "loss-after" ends at the right w, b) this loop is fit itself, so in the browser's Run it
// answers only the calls recorded from the solution's visible run (docs/authoring.md, "What Run ships").
import type { Tensor } from "gradlab/nd";

export interface Case {
  x: Tensor;
  y: Tensor;
  lr: number;
  epochs: number;
}

export interface Trajectory {
  w: number;
  b: number;
  losses: number[];
}

export type MistakeKind = "half-gradient" | "sign" | "loss-after" | "sequential" | "summed-gradient";

/** The float64 trajectory of a known mistake, only to name the mistake in a hint. */
export function mistake(c: Case, kind: MistakeKind): Trajectory {
  const n = c.x.shape[0];
  const xs = c.x.data;
  const ys = c.y.data;
  let w = 0;
  let b = 0;
  const mse = () => xs.reduce((s, x, i) => s + (w * x + b - ys[i]) ** 2, 0) / n;
  const losses: number[] = [];
  for (let e = 0; e < c.epochs; e++) {
    if (kind !== "loss-after") losses.push(mse());
    let dw = 0;
    let db = 0;
    for (let i = 0; i < n; i++) {
      const r = w * xs[i] + b - ys[i];
      dw += (2 * r * xs[i]) / n;
      db += (2 * r) / n;
    }
    const k = kind === "half-gradient" ? 0.5 : kind === "sign" ? -1 : kind === "summed-gradient" ? n : 1;
    w -= c.lr * k * dw;
    if (kind === "sequential") {
      db = 0;
      for (let i = 0; i < n; i++) db += (2 * (w * xs[i] + b - ys[i])) / n;
    }
    b -= c.lr * k * db;
    if (kind === "loss-after") losses.push(mse());
  }
  return { w, b, losses };
}

