// Mistake: mask not applied: the causal flag is ignored, so every query also attends to later keys.
import { Tensor, div, exp, map, matmul, max, mul, sub, sum, transpose } from "gradlab/nd";

/** Swap the last two axes of a [N, A, B] tensor. */
const swap = (t: Tensor) => transpose(t, [0, 2, 1]);

/** The attention weights P = softmax(q kᵀ / sqrt(d)) over the key axis, [N, Tq, Tk]. */
function weights(q: Tensor, k: Tensor, causal: boolean): Tensor {
  const [, tq, d] = q.shape;
  const tk = k.shape[1];
  let s = div(matmul(q, swap(k)), Math.sqrt(d));
  if (causal && false) {
    // key j is hidden from query i when j > i: its score becomes -Infinity, its weight exactly 0
    s = map(s, (value, idx) => {
      const j = idx % tk;
      const i = Math.floor(idx / tk) % tq;
      return j > i ? -Infinity : value;
    });
  }
  const e = exp(sub(s, max(s, 2, true)));
  return div(e, sum(e, 2, true));
}

export function attentionForward(q: Tensor, k: Tensor, v: Tensor, causal: boolean): Tensor {
  return matmul(weights(q, k, causal), v);
}

export function attentionBackward(dout: Tensor, q: Tensor, k: Tensor, v: Tensor, causal: boolean): { dq: Tensor; dk: Tensor; dv: Tensor } {
  const scale = 1 / Math.sqrt(q.shape[2]);
  const p = weights(q, k, causal);
  const dv = matmul(swap(p), dout);
  const dp = matmul(dout, swap(v));
  // softmax backward, row by row: ds = p * (dp - sum(dp * p)); masked weights are 0, so their ds is 0
  const ds = mul(p, sub(dp, sum(mul(dp, p), 2, true)));
  return {
    dq: mul(matmul(ds, k), scale),
    dk: mul(matmul(swap(ds), q), scale),
    dv,
  };
}
