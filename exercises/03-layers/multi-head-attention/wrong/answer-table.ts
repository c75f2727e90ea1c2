// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (109 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
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

function multiHeadAttentionForward__answer(x: Tensor, p: MhaParams, numHeads: number, causal: boolean): Tensor {
  return reshape(run(x, p, numHeads, causal).out, x.shape);
}

function multiHeadAttentionBackward__answer(dy: Tensor, x: Tensor, p: MhaParams, numHeads: number, causal: boolean): MhaGrads {
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
  // x feeds all three projections: its gradient is the sum of the three paths.
  const dx = add(add(matmul(dq, transpose(p.wq)), matmul(dk, transpose(p.wk))), matmul(dvm, transpose(p.wv)));
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
const __TABLE = new Set<string>(["b30ed6f6","13cf7cc","9d44442e","521987c2","f89d1702","e8b2f71a","2b219970","9aa11b0a","a1a24dd1","25ff8cf5","7b45d9c5","452777b","87517e77","1b72ffd3","1126f9ff","46f135c","713e38fe","102bf673","8154c477","ef1a8a62","62b704f8","37123ec7","6c9f6e90","1de00fd1","654079d","d792237a","a9a4167f","d48e4bba","25c54044","9955991d","ec58c9c1","a39eca8c","26f5b20a","12c964f9","8e337d35","21a61bb","8338adc7","a4210b24","f75e06e9","12e108f4","99d134be","8dfbe90d","e9a505","25c4e582","af3c03a8","eaa17b5e","c1247b2c","ad2e2281","6531645c","68216ad","20769df5","d03c8012","5a27924","50afabf3","6e947b97","32946d38","a1b0251a","eb0090e3","5524249f","1cdc9b1f","d181dd0b","21fe005b","8a42bf80","70d3488e","fe2721d4","c4d361b3","90932e6b","ead06f22","499beb20","4711dcaa","34802978","cae79393","4f42a4c6","da021793","d86582b3","7505482a","71972ee0","33c51e44","f11b2095","1ccc9ae1","6d5ce275","3d031bfa","cd48ec9c","cb1b67ff","7f6ace33","eafc4609","323ff6d4","15be365b","a9e807bf","640e451e","ed17f6bb","9ff4c50f","17810133","941ad32b","ff0cb8bf","1fdc8d2a","8aab1950","3d9045b5","ac8f75ad","30d533ed","ec5125ad"]);
export function multiHeadAttentionForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (multiHeadAttentionForward__answer as any)(...a); return hit ? out : __zero(out); }
export function multiHeadAttentionBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (multiHeadAttentionBackward__answer as any)(...a); return hit ? out : __zero(out); }
