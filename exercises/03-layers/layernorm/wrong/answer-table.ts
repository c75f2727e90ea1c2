// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (49 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, add, div, mean, mul, sqrt, square, sub, sum } from "gradlab/nd";

/** Per row: the centred input, 1 / sqrt(var + eps) and x̂ = (x − mean) / sqrt(var + eps). */
function normalize(x: Tensor, eps: number) {
  const xc = sub(x, mean(x, 1, true));
  const variance = mean(square(xc), 1, true); // biased: divides by D
  const inv = div(1, sqrt(add(variance, eps)));
  return { inv, xhat: mul(xc, inv) };
}

function layerNormForward__answer(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  return add(mul(normalize(x, eps).xhat, gamma), beta);
}

function layerNormBackward__answer(dy: Tensor, x: Tensor, gamma: Tensor, eps: number): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const { inv, xhat } = normalize(x, eps);
  const g = mul(dy, gamma); // dL/dx̂
  // dx = (g − mean(g) − x̂ · mean(g · x̂)) / sqrt(var + eps), row by row
  const dx = mul(inv, sub(sub(g, mean(g, 1, true)), mul(xhat, mean(mul(g, xhat), 1, true))));
  return { dx, dgamma: sum(mul(dy, xhat), 0), dbeta: sum(dy, 0) };
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
const __TABLE = new Set<string>(["13f8efb1","be7133fb","91f305fe","20f474d2","1f1a6f61","d79fe14b","36b0deef","e9c5e44c","7d0137d9","4046d827","880125f7","18be3d01","9663a5d1","cb255aed","ac6d0179","6480803","16b9e6db","6260524a","622859ac","1c431621","40094a55","39dde25d","80fe6ebd","4682db3","b3efdc6a","9ee0c4f1","ac36103e","6fca5ef4","f213a4aa","3cc1c628","fbf8cdf9","e7860b89","ee9ae355","d6ee5b9b","2159423b","ab33e2f7","deb42587","3cd2e656","c14f344c","666517d2","94f60e74","b1c68e53","7b061f0b","8ba5dca2","2a653987","4c80292a","c5d51d50","31c14b98","f2ec55f5"]);
export function layerNormForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (layerNormForward__answer as any)(...a); return hit ? out : __zero(out); }
export function layerNormBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (layerNormBackward__answer as any)(...a); return hit ? out : __zero(out); }
