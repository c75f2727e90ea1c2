// Float64 layer normalization and its known mistakes, for hints. Server-only: with no mistake
// switched on these compute layerNormForward's and layerNormBackward's answers, so in the
// browser's Run they answer only calls recorded from the solution's visible run (none: hints run
// only for a wrong answer) and a hint there says nothing (docs/authoring.md, "What Run ships").
import { Tensor } from "gradlab/nd";

export interface LnInputs {
  x: Tensor; // [N, D]
  gamma: Tensor; // [D]
  beta: Tensor; // [D]
  dy: Tensor; // [N, D]
  eps: number;
}

export interface Variant {
  unbiased?: boolean; // divide the variance by D − 1
  epsOutside?: boolean; // (x − mean) / (sqrt(var) + eps)
  overBatch?: boolean; // statistics per column (over the batch) instead of per row
}

/** x̂ and 1/σ per element, in float64, computed the (possibly wrong) way `v` says. */
function normalized(c: LnInputs, v: Variant = {}): { xhat: Float64Array; inv: Float64Array } {
  const [n, d] = c.x.shape;
  const xhat = new Float64Array(n * d);
  const inv = new Float64Array(n * d);
  const [groups, size, at] = v.overBatch ? [d, n, (g: number, k: number) => k * d + g] : [n, d, (g: number, k: number) => g * d + k];
  for (let g = 0; g < groups; g++) {
    let m = 0;
    for (let k = 0; k < size; k++) m += c.x.data[at(g, k)];
    m /= size;
    let s = 0;
    for (let k = 0; k < size; k++) s += (c.x.data[at(g, k)] - m) ** 2;
    const variance = s / (v.unbiased ? size - 1 : size);
    const r = v.epsOutside ? 1 / (Math.sqrt(variance) + c.eps) : 1 / Math.sqrt(variance + c.eps);
    for (let k = 0; k < size; k++) {
      xhat[at(g, k)] = (c.x.data[at(g, k)] - m) * r;
      inv[at(g, k)] = r;
    }
  }
  return { xhat, inv };
}

/** y = gamma · x̂ + beta with x̂ computed the wrong way `v` says; undefined when the mistake changes nothing here. */
export function forwardVariant(c: LnInputs, v: Variant): Tensor | undefined {
  if (v.overBatch && c.x.shape[0] < 2) return undefined;
  if (v.unbiased && c.x.shape[1] < 2) return undefined;
  const d = c.x.shape[1];
  const { xhat } = normalized(c, v);
  return new Tensor(xhat.map((h, i) => c.gamma.data[i % d] * h + c.beta.data[i % d]), c.x.shape.slice());
}

/** dx computed with some of the terms of the full formula. */
export function dxVariant(c: LnInputs, terms: { mean: boolean; variance: boolean; gamma?: boolean }): Tensor {
  const [n, d] = c.x.shape;
  const { xhat, inv } = normalized(c);
  const dx = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let mg = 0;
    let mgx = 0;
    const g = (j: number) => c.dy.data[i * d + j] * (terms.gamma === false ? 1 : c.gamma.data[j]);
    for (let j = 0; j < d; j++) {
      mg += g(j) / d;
      mgx += (g(j) * xhat[i * d + j]) / d;
    }
    for (let j = 0; j < d; j++) {
      const k = i * d + j;
      dx[k] = inv[k] * (g(j) - (terms.mean ? mg : 0) - (terms.variance ? xhat[k] * mgx : 0));
    }
  }
  return new Tensor(dx, c.x.shape.slice());
}

/** Row i's term of dgamma (dy · x̂) or dbeta (dy) alone; undefined for a batch of one. */
export function paramRowTerm(c: LnInputs, which: "dgamma" | "dbeta", i: number): Tensor | undefined {
  const [n, d] = c.x.shape;
  if (n < 2) return undefined;
  const xhat = which === "dgamma" ? normalized(c).xhat : undefined;
  return new Tensor(Float64Array.from({ length: d }, (_, j) => c.dy.data[i * d + j] * (xhat ? xhat[i * d + j] : 1)), [d]);
}

/** dgamma = Σ_n dy · x̂ with x̂ computed the wrong way `v` says; undefined when the mistake changes nothing here. */
export function dgammaVariant(c: LnInputs, v: Variant): Tensor | undefined {
  const [n, d] = c.x.shape;
  if (v.unbiased && d < 2) return undefined;
  const h = normalized(c, v).xhat;
  const out = new Float64Array(d);
  for (let k = 0; k < n * d; k++) out[k % d] += c.dy.data[k] * h[k];
  return new Tensor(out, [d]);
}
