// Mistake: the full fine-tuning count leaves out the bias (d·m instead of d·m + m); written with plain loops and {shape, data} results.
import type { Tensor } from "gradlab/nd";

type T = { shape: number[]; data: Float64Array };

function matmulT(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, m: number, transA = false, transB = false): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * n + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * m + j]);
      out[i * m + j] = s;
    }
  }
  return out;
}

export function loraForward(x: Tensor, w: Tensor, b: Tensor, a: Tensor, bm: Tensor, alpha: number): T {
  const [n, d] = x.shape;
  const [r, m] = bm.shape;
  const xw = matmulT(x.data, w.data, n, d, m);
  const xab = matmulT(matmulT(x.data, a.data, n, d, r), bm.data, n, r, m);
  const y = new Float64Array(n * m);
  for (let i = 0; i < n * m; i++) y[i] = xw[i] + b.data[i % m] + (alpha / r) * xab[i];
  return { shape: [n, m], data: y };
}

export function loraBackward(dy: Tensor, x: Tensor, w: Tensor, a: Tensor, bm: Tensor, alpha: number): { dx: T; da: T; dbm: T } {
  const [n, d] = x.shape;
  const [r, m] = bm.shape;
  const s = alpha / r;
  const dxa = matmulT(dy.data, bm.data, n, m, r, false, true).map((v) => v * s); // [N, r]
  const dxw = matmulT(dy.data, w.data, n, m, d, false, true);
  const dxb = matmulT(dxa, a.data, n, r, d, false, true);
  const xa = matmulT(x.data, a.data, n, d, r);
  return {
    dx: { shape: [n, d], data: dxw.map((v, i) => v + dxb[i]) },
    da: { shape: [d, r], data: matmulT(x.data, dxa, d, n, r, true) },
    dbm: { shape: [r, m], data: matmulT(xa, dy.data, r, n, m, true).map((v) => v * s) },
  };
}

export function loraParamCount(d: number, m: number, r: number): { full: number; lora: number } {
  return { full: d * m, lora: r * (d + m) };
}
