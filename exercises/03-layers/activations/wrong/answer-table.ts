// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (71 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, greater, map, mul, where } from "gradlab/nd";

/** Stable logistic function: never evaluates exp of a large positive number. */
function logistic(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

function relu__answer(x: Tensor): Tensor {
  return map(x, (v) => (v > 0 ? v : 0));
}

function reluBackward__answer(dy: Tensor, x: Tensor): Tensor {
  // relu'(0) = 0, as tfjs.
  return where(greater(x, 0), dy, 0);
}

function sigmoid__answer(x: Tensor): Tensor {
  return map(x, logistic);
}

function sigmoidBackward__answer(dy: Tensor, x: Tensor): Tensor {
  return mul(dy, map(x, (v) => {
    const s = logistic(v);
    return s * (1 - s);
  }));
}

function tanh__answer(x: Tensor): Tensor {
  return map(x, Math.tanh);
}

function tanhBackward__answer(dy: Tensor, x: Tensor): Tensor {
  return mul(dy, map(x, (v) => 1 - Math.tanh(v) ** 2));
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
const __TABLE = new Set<string>(["2a82de13","ff9759d5","ff0f3b7e","bf908a04","c948b979","135e794c","2605534","91d87219","93c5dfa8","1fcbc40","a1862a8","7b24e619","5d56e32b","1b5fef0f","2d01c389","abe6b90c","27a6108","7e28dc82","e6d1d19b","a55f035b","a93ce60d","de59b52d","2ac09a6","a37ba82b","aeb2669","b68e0aa8","4b5b6d44","3f4b561c","c7810e04","a540de5e","3e266894","435244aa","449092f6","fd54be0c","bebb0242","9c78fdef","c1b9fc48","e3b9ad76","fdb6b26d","14972669","25aa24ea","2b349f09","9e2c3db1","19b2c2e1","7a37cb78","7a9f1ac6","41cc81c1","3af85478","7b4742f","4cb8c7df","61817b75","4169f0ec","f39d7290","f7451f98","aa4d7c8","995cefa0","cc203330","a7dff848","c9963668","d0b3440f","4704f1c9","caa37b9b","b881ff89","ac50e662","66f6c675","c3846890","99df5f3d","be9ae447","88d81cc9","4ea5bb48","e29e3fa4"]);
export function relu(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (relu__answer as any)(...a); return hit ? out : __zero(out); }
export function reluBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (reluBackward__answer as any)(...a); return hit ? out : __zero(out); }
export function sigmoid(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (sigmoid__answer as any)(...a); return hit ? out : __zero(out); }
export function sigmoidBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (sigmoidBackward__answer as any)(...a); return hit ? out : __zero(out); }
export function tanh(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (tanh__answer as any)(...a); return hit ? out : __zero(out); }
export function tanhBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (tanhBackward__answer as any)(...a); return hit ? out : __zero(out); }
