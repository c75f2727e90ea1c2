// Mistake: dx is overwritten by each path instead of summed: only the value projection's path dV·wvᵀ remains.
import { Tensor, add, div, exp, map, matmul, max, mul, reshape, sub, sum, transpose } from "gradlab/nd";

interface MhaParams { wq: Tensor; bq: Tensor; wk: Tensor; bk: Tensor; wv: Tensor; bv: Tensor; wo: Tensor; bo: Tensor }
interface MhaGrads { dx: Tensor; dwq: Tensor; dbq: Tensor; dwk: Tensor; dbk: Tensor; dwv: Tensor; dbv: Tensor; dwo: Tensor; dbo: Tensor }

/** Swap the last two axes of a [B, A, C] tensor. */
const swap = (t: Tensor) => transpose(t, [0, 2, 1]);

/** [N·T, D] → [N·H, T, dh]: head h owns columns h·dh .. (h+1)·dh − 1. */
function split(p: Tensor, n: number, t: number, heads: number): Tensor {
  const dh = p.shape[1] / heads;
  return reshape(transpose(reshape(p, [n, t, heads, dh]), [0, 2, 1, 3]), [n * heads, t, dh]);
}

/** [N·H, T, dh] → [N·T, D]: the heads side by side again, in order. */
function merge(o: Tensor, n: number, heads: number): Tensor {
  const [, t, dh] = o.shape;
  return reshape(transpose(reshape(o, [n, heads, t, dh]), [0, 2, 1, 3]), [n * t, heads * dh]);
}

/** Scaled dot-product attention weights over the key axis, [B, T, T] (the attention exercise). */
function weights(q: Tensor, k: Tensor, causal: boolean): Tensor {
  const [, t, dh] = q.shape;
  let s = div(matmul(q, swap(k)), Math.sqrt(dh));
  if (causal) s = map(s, (value, idx) => (idx % t > Math.floor(idx / t) % t ? -Infinity : value));
  const e = exp(sub(s, max(s, 2, true)));
  return div(e, sum(e, 2, true));
}

function run(x: Tensor, p: MhaParams, heads: number, causal: boolean) {
  const [n, t, d] = x.shape;
  const x2 = reshape(x, [n * t, d]);
  const q = split(add(matmul(x2, p.wq), p.bq), n, t, heads);
  const k = split(add(matmul(x2, p.wk), p.bk), n, t, heads);
  const v = split(add(matmul(x2, p.wv), p.bv), n, t, heads);
  const w = weights(q, k, causal);
  const merged = merge(matmul(w, v), n, heads);
  return { x2, q, k, v, w, merged, out: add(matmul(merged, p.wo), p.bo) };
}

export function multiHeadAttentionForward(x: Tensor, p: MhaParams, numHeads: number, causal: boolean): Tensor {
  return reshape(run(x, p, numHeads, causal).out, x.shape);
}

export function multiHeadAttentionBackward(dy: Tensor, x: Tensor, p: MhaParams, numHeads: number, causal: boolean): MhaGrads {
  const [n, t, d] = x.shape;
  const { x2, q, k, v, w, merged } = run(x, p, numHeads, causal);
  const dy2 = reshape(dy, [n * t, d]);
  const dheads = split(matmul(dy2, transpose(p.wo)), n, t, numHeads); // gradient reaching each head's output
  const dv = matmul(swap(w), dheads);
  const dw = matmul(dheads, swap(v));
  const ds = mul(w, sub(dw, sum(mul(dw, w), 2, true))); // softmax backward, row by row
  const scale = 1 / Math.sqrt(d / numHeads);
  const dq = merge(mul(matmul(ds, k), scale), n, numHeads);
  const dk = merge(mul(matmul(swap(ds), q), scale), n, numHeads);
  const dvm = merge(dv, n, numHeads);
  const x2t = transpose(x2);
  let dx = matmul(dq, transpose(p.wq));
  dx = matmul(dk, transpose(p.wk));
  dx = matmul(dvm, transpose(p.wv));
  return {
    dx: reshape(dx, x.shape),
    dwq: matmul(x2t, dq),
    dbq: sum(dq, 0),
    dwk: matmul(x2t, dk),
    dbk: sum(dk, 0),
    dwv: matmul(x2t, dvm),
    dbv: sum(dvm, 0),
    dwo: matmul(transpose(merged), dy2),
    dbo: sum(dy2, 0),
  };
}
