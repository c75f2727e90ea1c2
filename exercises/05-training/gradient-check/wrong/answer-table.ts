// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (9 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor } from "gradlab/nd";

function numericGradient__answer(f: (x: Tensor) => number, x: Tensor, h: number): Tensor {
  const grad = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const old = x.data[i];
    x.data[i] = old + h;
    const fp = f(x);
    x.data[i] = old - h;
    const fm = f(x);
    x.data[i] = old; // restore before moving on
    grad[i] = (fp - fm) / (2 * h);
  }
  return new Tensor(grad, x.shape.slice());
}

function relativeError__answer(a: Tensor, b: Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) {
    const err = Math.abs(a.data[i] - b.data[i]) / Math.max(Math.abs(a.data[i]) + Math.abs(b.data[i]), 1e-8);
    worst = Math.max(worst, err);
  }
  return worst;
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
const __TABLE = new Set<string>(["ab22e207","62e733c","76b03cb1","ebc350a7","2702f59a","c56e7d1e","bf9397fe","42c23688","c47aa1d6"]);
export function numericGradient(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (numericGradient__answer as any)(...a); return hit ? out : __zero(out); }
export function relativeError(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (relativeError__answer as any)(...a); return hit ? out : __zero(out); }
