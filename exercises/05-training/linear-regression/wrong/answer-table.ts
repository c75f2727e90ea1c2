// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (3 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor } from "gradlab/nd";

function fit__answer(x: Tensor, y: Tensor, h: { lr: number; epochs: number }): { w: number; b: number; losses: number[] } {
  const n = x.shape[0];
  let w = 0;
  let b = 0;
  const losses: number[] = [];
  for (let e = 0; e < h.epochs; e++) {
    let loss = 0;
    let dw = 0;
    let db = 0;
    for (let i = 0; i < n; i++) {
      const r = w * x.data[i] + b - y.data[i];
      loss += r * r;
      dw += 2 * r * x.data[i];
      db += 2 * r;
    }
    losses.push(loss / n);
    w -= (h.lr * dw) / n;
    b -= (h.lr * db) / n;
  }
  return { w, b, losses };
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
const __TABLE = new Set<string>(["e44cec36","b4380043","7884bd20"]);
export function fit(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (fit__answer as any)(...a); return hit ? out : __zero(out); }
