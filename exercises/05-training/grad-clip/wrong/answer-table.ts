// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (8 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, clip, mul, sub } from "gradlab/nd";

function globalNorm__answer(grads: Tensor[]): number {
  let s = 0;
  for (const g of grads) for (const v of g.data) s += v * v;
  return Math.sqrt(s);
}

function clipByGlobalNorm__answer(grads: Tensor[], clipNorm: number): Tensor[] {
  // max(norm, clipNorm) in the denominator: only shrinks, and never divides by a zero norm.
  const scale = clipNorm / Math.max(globalNorm__answer(grads), clipNorm);
  return grads.map((g) => mul(g, scale));
}

function clipByValue__answer(grads: Tensor[], clipValue: number): Tensor[] {
  return grads.map((g) => clip(g, -clipValue, clipValue));
}

function clippedSgdStep__answer(params: Tensor[], grads: Tensor[], h: { lr: number; clipNorm?: number; clipValue?: number }): Tensor[] {
  const clipped = h.clipNorm !== undefined ? clipByGlobalNorm__answer(grads, h.clipNorm) : h.clipValue !== undefined ? clipByValue__answer(grads, h.clipValue) : grads;
  return params.map((p, i) => sub(p, mul(clipped[i], h.lr)));
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
const __TABLE = new Set<string>(["aeff617c","cd080f19","c198042c","b3396801","a168793a","fe16abdd","72715714","c816e84f"]);
export function globalNorm(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (globalNorm__answer as any)(...a); return hit ? out : __zero(out); }
export function clipByGlobalNorm(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (clipByGlobalNorm__answer as any)(...a); return hit ? out : __zero(out); }
export function clipByValue(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (clipByValue__answer as any)(...a); return hit ? out : __zero(out); }
export function clippedSgdStep(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (clippedSgdStep__answer as any)(...a); return hit ? out : __zero(out); }
