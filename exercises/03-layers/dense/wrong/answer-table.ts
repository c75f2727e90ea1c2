// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (40 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, add, matmul, sum, transpose } from "gradlab/nd";

function denseForward__answer(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return add(matmul(x, w), b);
}

function denseBackward__answer(dy: Tensor, x: Tensor, w: Tensor): { dx: Tensor; dw: Tensor; db: Tensor } {
  return {
    dx: matmul(dy, transpose(w)),
    dw: matmul(transpose(x), dy),
    db: sum(dy, 0),
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
const __TABLE = new Set<string>(["410dfd18","4b6ab60a","b96abb80","1666e5ae","97cf5c1f","9d7d03c9","b16e8776","d0cda2ee","38c9ac18","8454cde5","4ac862a4","39a3e469","dc95833f","72819235","f104edc9","eeb07547","3a1bd13c","8e6052f8","3ffe14e1","26e27a63","aac0cf31","3dbc362b","572ebeb8","a709755c","bc14d893","464e96cd","b7d43af0","d845e14c","68e4a8f0","d6ea85e0","b458f4c5","3916e724","e9a9a8f5","ce4f6126","b034749b","4ea9b44d","5c1b4c6c","68195250","bf16d701","12fc73cb"]);
export function denseForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (denseForward__answer as any)(...a); return hit ? out : __zero(out); }
export function denseBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (denseBackward__answer as any)(...a); return hit ? out : __zero(out); }
