// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (36 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, gather } from "gradlab/nd";

function embeddingForward__answer(ids: Int32Array, table: Tensor): Tensor {
  return gather(table, ids); // row ids[i] of the table, for every i: [ids.length, D]
}

function embeddingBackward__answer(dy: Tensor, ids: Int32Array, vocabSize: number): Tensor {
  const d = dy.shape[1];
  const dtable = new Float64Array(vocabSize * d);
  for (let i = 0; i < ids.length; i++) {
    // += : an id used several times collects the gradient of every use
    for (let j = 0; j < d; j++) dtable[ids[i] * d + j] += dy.data[i * d + j];
  }
  return new Tensor(dtable, [vocabSize, d]);
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
const __TABLE = new Set<string>(["a0c3db8b","23fa210e","d30fd0c","a4d7c0b9","5e677322","4372ebd8","924cfe15","32550c89","f6d995af","48e02780","a55e7df3","53e098cb","5c70e0d3","610174e0","7574ee54","dd8b8d6a","cf483316","b4686781","3a2c75d1","c5742822","153c98fd","14434fa1","13877c12","e4b47ae5","e15c4060","2f8fc626","63f1cef4","101e81e","8f0fcbaa","f2de8047","857712f5","58bcf19e","5044aa52","c36d1c30","e809392b","8685047"]);
export function embeddingForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (embeddingForward__answer as any)(...a); return hit ? out : __zero(out); }
export function embeddingBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (embeddingBackward__answer as any)(...a); return hit ? out : __zero(out); }
