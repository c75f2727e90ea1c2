// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (32 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, div, mul, onesLike } from "gradlab/nd";

function dropoutForward__answer(x: Tensor, rate: number, training: boolean, random: () => number): { y: Tensor; mask: Tensor } {
  if (!training) return { y: x, mask: onesLike(x) };
  const keep = new Float64Array(x.data.length);
  // one random() per element, in row-major order (the order of x.data)
  for (let i = 0; i < keep.length; i++) keep[i] = random() >= rate ? 1 : 0;
  const mask = new Tensor(keep, x.shape);
  return { y: div(mul(x, mask), 1 - rate), mask };
}

function dropoutBackward__answer(dy: Tensor, mask: Tensor, rate: number): Tensor {
  return div(mul(dy, mask), 1 - rate);
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
const __TABLE = new Set<string>(["6e6b5df0","7f9846","648b0fca","300218dc","53c68065","24aadffb","3c056606","b2068bf1","3ed85c0c","15e74090","1cd474e5","aed8c443","422b9207","d3017d14","dbf1743c","6d54a688","3174d2ec","ecc6fbcb","e5e8353b","ec0b30a9","c9e0b970","2d0f8b80","fff8a095","974c8fd0","39adf43e","6dfd2786","b3b4e0ee","93d6b0cd","e7c8172c","54fa2db0","1b449add","3267f5c2"]);
export function dropoutForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (dropoutForward__answer as any)(...a); return hit ? out : __zero(out); }
export function dropoutBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (dropoutBackward__answer as any)(...a); return hit ? out : __zero(out); }
