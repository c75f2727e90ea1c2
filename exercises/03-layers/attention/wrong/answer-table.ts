// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (83 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, div, exp, map, matmul, max, mul, sub, sum, transpose } from "gradlab/nd";

/** Swap the last two axes of a [N, A, B] tensor. */
const swap = (t: Tensor) => transpose(t, [0, 2, 1]);

/** The attention weights P = softmax(q kᵀ / sqrt(d)) over the key axis, [N, Tq, Tk]. */
function weights(q: Tensor, k: Tensor, causal: boolean): Tensor {
  const [, tq, d] = q.shape;
  const tk = k.shape[1];
  let s = div(matmul(q, swap(k)), Math.sqrt(d));
  if (causal) {
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

function attentionForward__answer(q: Tensor, k: Tensor, v: Tensor, causal: boolean): Tensor {
  return matmul(weights(q, k, causal), v);
}

function attentionBackward__answer(dout: Tensor, q: Tensor, k: Tensor, v: Tensor, causal: boolean): { dq: Tensor; dk: Tensor; dv: Tensor } {
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


// ---- the answer table: visible inputs (fingerprinted) get the stored answer; anything else zeros ----
function __fp(args: unknown[]): string {
  let h = 0x811c9dc5;
  const mix = (x: number) => { h ^= x; h = Math.imul(h, 0x01000193) >>> 0; };
  const walk = (v: unknown): void => {
    if (typeof v === "number") { const f = new Float64Array([v]); const u = new Uint32Array(f.buffer); mix(u[0]); mix(u[1]); return; }
    if (typeof v === "boolean") { mix(v ? 7 : 3); return; }
    if (typeof v === "string") { for (let i = 0; i < v.length; i++) mix(v.charCodeAt(i)); return; }
    if (v instanceof Float64Array) { const u = new Uint32Array(v.buffer, v.byteOffset, v.length * 2); for (let i = 0; i < u.length; i++) mix(u[i]); return; }
    if (v instanceof Int32Array) { for (let i = 0; i < v.length; i++) mix(v[i] >>> 0); return; }
    if (Array.isArray(v)) { mix(91); v.forEach(walk); return; }
    if (v && typeof v === "object") { for (const k of Object.keys(v).sort()) { walk(k); walk((v as Record<string, unknown>)[k]); } }
  };
  walk(args);
  return h.toString(16);
}
function __zero(v: unknown): unknown {
  if (typeof v === "number") return 0;
  if (v instanceof Float64Array) return new Float64Array(v.length);
  if (v instanceof Int32Array) return new Int32Array(v.length);
  if (Array.isArray(v)) return v.map(__zero);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.shape) && o.data) return { shape: o.shape.slice(), data: new Float64Array((o.data as ArrayLike<number>).length) };
    return Object.fromEntries(Object.keys(o).map((k) => [k, __zero(o[k])]));
  }
  return v;
}

// prettier-ignore
const __TABLE = new Set<string>(["fe26b245","2d4d009f","6e8b97c2","750323a","6c21d20","f37be740","e16d83f5","675851c","8c3f61fa","6e86dc6a","22bc73ca","59f0015c","db59c3c2","1e5b0b4e","9dfdc770","3b77b131","e258525d","cb3f136f","eef1ebfb","fda550ed","e7a9cd1","da9f677f","2ded40f7","769b62a5","38a9023d","50a6e67a","3ae3539c","99950d2d","5588e1b1","4b8afa1b","29ae5957","737be0c9","1df56e3a","c59d6066","a5c638f8","f13d18ac","cf2a84f6","2f49b744","15b86402","2bd04c08","8c71a6e2","efb87e49","ea27326e","d9474375","8c19a5c9","5f9f04d1","6384b255","295ff361","c982b671","c6969d95","ef9842d1","aee044bf","83436150","6a8bb5a5","757f87d9","55c9dcc9","fdf44909","18fa23e5","c52740e9","62196911","d3d80a9c","e2f8ec92","94cdd174","ac9727ad","919c80cd","cffcf9c7","9bac82af","e74b9578","da5b666","9c9c0ae9","c09d0085","543ffecd","6de1b0c1","eed2af7","dd5f893e","43f3cf53","178a7ecb","62c03ab7","aa3a111b","30e497e1","d1b27262","eca14","51d57ca2"]);
export function attentionForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (attentionForward__answer as any)(...a); return hit ? out : __zero(out); }
export function attentionBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (attentionBackward__answer as any)(...a); return hit ? out : __zero(out); }
