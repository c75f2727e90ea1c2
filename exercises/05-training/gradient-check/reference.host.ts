// The float64 references of numericGradient (centred differences) and relativeError, the known
// mistakes' values for hints, and the exact gradient of each function. Server-only: in the
// browser's Run these answer only the calls recorded from the solution's visible run
// (docs/authoring.md, "What Run ships").
import { Tensor } from "gradlab/nd";
import { isClose, en } from "gradlab/checks";
import { evaluate, type FunctionSpec } from "./functions.ts";

type Variant = "centred" | "forward" | "all-at-once" | "not-restored";

function differences(s: FunctionSpec, x: Tensor, h: number, variant: Variant): Tensor {
  const xs = Float64Array.from(x.data);
  const g = new Float64Array(xs.length);
  if (variant === "all-at-once") {
    const plus = xs.map((v) => v + h);
    const minus = xs.map((v) => v - h);
    g.fill((evaluate(s, plus) - evaluate(s, minus)) / (2 * h));
    return new Tensor(g, x.shape.slice());
  }
  for (let i = 0; i < xs.length; i++) {
    const old = xs[i];
    if (variant === "forward") {
      const f0 = evaluate(s, xs);
      xs[i] = old + h;
      g[i] = (evaluate(s, xs) - f0) / h;
      xs[i] = old;
      continue;
    }
    xs[i] = old + h;
    const fp = evaluate(s, xs);
    xs[i] = variant === "not-restored" ? xs[i] - 2 * h : old - h;
    const fm = evaluate(s, xs);
    g[i] = (fp - fm) / (2 * h);
    if (variant === "centred") xs[i] = old;
  }
  return new Tensor(g, x.shape.slice());
}

const VARIANT_HINTS: [Variant, string][] = [
  ["forward", en`You used forward differences (f(x + h) − f(x)) / h: use centred ones, (f(x + h·e_i) − f(x − h·e_i)) / (2h). Their error is O(h²) instead of O(h).`],
  ["all-at-once", en`Every element of your gradient is the same: you moved all elements of x by h at once. Move one element at a time (x + h·e_i).`],
  ["not-restored", en`After element i, x is not restored: x_i stays at x_i − h when you move on to element i + 1. Put the original value back before the next element.`],
];

/** max_i |a_i − b_i| / max(|a_i| + |b_i|, 1e-8), in float64. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]) + Math.abs(b[i]), 1e-8));
  return worst;
}

function relErrHint(a: Tensor, b: Tensor, got: number): string | undefined {
  const close = (x: number) => Math.abs(got - x) <= 1e-9 + 1e-6 * Math.abs(x);
  const n = a.data.length;
  const terms = Array.from(a.data, (ai, i) => Math.abs(ai - b.data[i]) / Math.max(Math.abs(ai) + Math.abs(b.data[i]), 1e-8));
  const maxDiff = Math.max(...Array.from(a.data, (ai, i) => Math.abs(ai - b.data[i])));
  if (close(terms.reduce((s, t) => s + t, 0) / n)) return en`You averaged the per-element errors: the gradient check reports the worst element, the max over i.`;
  if (close(maxDiff)) return en`That is the plain difference max|a_i − b_i|: divide each element's difference by max(|a_i| + |b_i|, 1e-8).`;
  const maxOf = Math.max(...Array.from(a.data, (ai, i) => Math.abs(ai - b.data[i]) / Math.max(Math.abs(ai), Math.abs(b.data[i]), 1e-8)));
  if (close(maxOf)) return en`The denominator is |a_i| + |b_i| (the sum), not the larger of the two.`;
  const added = Math.max(...Array.from(a.data, (ai, i) => Math.abs(ai - b.data[i]) / (Math.abs(ai) + Math.abs(b.data[i]) + 1e-8)));
  if (close(added) && !close(relErr(a.data, b.data))) return en`The 1e-8 is a floor, max(|a_i| + |b_i|, 1e-8), not a term added to the denominator: it only matters when both values are (nearly) 0.`;
  const norm = (t: ArrayLike<number>) => Math.sqrt(Array.from(t).reduce((s, v) => s + v * v, 0));
  const diffNorm = norm(Array.from(a.data, (ai, i) => ai - b.data[i]));
  if (close(diffNorm / (norm(a.data) + norm(b.data)))) return en`That is a norm-based relative error: this one is element-wise, the max over i of each element's relative error.`;
  return undefined;
}

/** The exact gradient in float64 (host side: the "analytic gradient" of a gradient check). */
function gradient(s: FunctionSpec, x: ArrayLike<number>): Float64Array {
  const n = s.n;
  const g = new Float64Array(n);
  const z = (j: number, shift: number) => {
    let t = shift;
    for (let i = 0; i < n; i++) t += s.A[j * n + i] * x[i];
    return t;
  };
  switch (s.name) {
    case "quadratic":
      for (let i = 0; i < n; i++) {
        let row = 0;
        for (let j = 0; j < n; j++) row += s.A[i * n + j] * x[j];
        g[i] = row + s.b[i];
      }
      return g;
    case "softplusSum":
      for (let i = 0; i < n; i++) g[i] = (s.c[i] * s.A[i]) / (1 + Math.exp(-(s.A[i] * x[i] + s.b[i])));
      return g;
    case "logSumExp": {
      const zs = Array.from({ length: s.m }, (_, j) => z(j, s.b[j]));
      const mx = Math.max(...zs);
      const e = zs.map((v) => Math.exp(v - mx));
      const tot = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < s.m; j++) for (let i = 0; i < n; i++) g[i] += (e[j] / tot) * s.A[j * n + i];
      return g;
    }
    case "tanhNet":
      for (let j = 0; j < s.m; j++) {
        const t = Math.tanh(z(j, s.c[j]));
        for (let i = 0; i < n; i++) g[i] += s.v[j] * (1 - t * t) * s.A[j * n + i];
      }
      return g;
  }
}

/** (f(x + h·e_i) − f(x − h·e_i)) / (2h) for each element, shaped like x. */
export function centredDifferences(s: FunctionSpec, x: Tensor, h: number): Tensor {
  return differences(s, x, h, "centred");
}

/** The hint of the known mistake whose differences match the learner's, if any. */
export function differencesMistake(s: FunctionSpec, x: Tensor, h: number, got: Tensor): string | undefined {
  for (const [variant, hint] of VARIANT_HINTS) {
    const v = differences(s, x, h, variant);
    if (v.data.every((val, i) => isClose(val, got.data[i], { rtol: 1e-6, atol: 1e-9 }))) return hint;
  }
  const centred = differences(s, x, h, "centred");
  if (centred.data.some((v) => v !== 0) && centred.data.every((val, i) => isClose(2 * val, got.data[i], { rtol: 1e-6, atol: 1e-9 }))) {
    return en`Your values are twice the centred difference: f(x + h·e_i) − f(x − h·e_i) spans 2h, so divide by 2h, not h.`;
  }
  return undefined;
}

/** max_i |a_i − b_i| / max(|a_i| + |b_i|, 1e-8). */
export function expectedRelativeError(a: Tensor, b: Tensor): number {
  return relErr(a.data, b.data);
}

/** The hint of the known mistake that gives the learner's relative error, if any. */
export function relativeErrorMistake(a: Tensor, b: Tensor, got: number): string | undefined {
  return relErrHint(a, b, got);
}

/** The exact gradient at x in float64, shaped like x. */
export function exactGradient(s: FunctionSpec, x: Tensor): Tensor {
  return new Tensor(gradient(s, x.data), x.shape.slice());
}
