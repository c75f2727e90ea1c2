// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (106 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor } from "gradlab/nd";

/** Calls visit(outIndex, inIndexOfMax) for every window, in order n, oh, ow, c. */
function forEachWindow(x: Tensor, pool: number, stride: number, visit: (out: number, argmax: number) => void): number[] {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor((h - pool) / stride) + 1;
  const wo = Math.floor((w - pool) / stride) + 1;
  for (let i = 0; i < n; i++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++)
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          for (let a = 0; a < pool; a++)
            for (let b = 0; b < pool; b++) {
              const idx = ((i * h + oh * stride + a) * w + ow * stride + b) * c + ch;
              if (best < 0 || x.data[idx] > x.data[best]) best = idx;
            }
          visit(((i * ho + oh) * wo + ow) * c + ch, best);
        }
  return [n, ho, wo, c];
}

function maxPoolForward__answer(x: Tensor, pool: number, stride: number): Tensor {
  const out: number[] = [];
  const shape = forEachWindow(x, pool, stride, (o, arg) => (out[o] = x.data[arg]));
  return new Tensor(out, shape);
}

function maxPoolBackward__answer(dy: Tensor, x: Tensor, pool: number, stride: number): Tensor {
  const dx = new Float64Array(x.data.length);
  // += : an element that is the max of several overlapping windows gets each window's gradient.
  forEachWindow(x, pool, stride, (o, arg) => (dx[arg] += dy.data[o]));
  return new Tensor(dx, x.shape);
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
const __TABLE = new Set<string>(["737ae083","e9820779","c2dea4af","47606320","e6c88bc7","b8e9c1b3","90ee6639","be57df3f","c575fa5c","da1bfc03","99d01e14","c94551b5","18bf7dbf","b6179384","2c5e26e6","19e06eaf","62a10fc1","ce376819","a5156509","3c59a241","78752346","3c752f88","2d6aa73a","2f68c5f9","c95c9e7f","be371834","7f341057","8f8d3633","bf550c51","bccb1eb9","d44a6fd1","8fbc9365","ce339b11","c2fa87fd","aa800ab2","66a6da51","eff02495","eacbf715","31ee429d","3f93bd0c","943f0654","b6c81fd3","d7903837","6ccaa10b","8236be5f","c550ceab","813b2ba8","645e8515","271e6fe9","25657e40","e67092d7","a6bd5ec0","e134b8d4","ade98a1e","408e89d8","119ab54a","83652747","6ac63343","9d817728","dac3f356","52c6dc1d","5572eb98","1cb94656","2ddd2791","bb25671","b3fdee8e","16a28bf0","ea5f83c6","161bec78","391b0a12","a66db708","33663ec7","c2c7ecfe","30657fa3","691ced49","cb02e319","d8d69d9c","98126d6","b2ea7c1e","c62e23ec","e2bf1527","bc1623","acae5f98","a95f4632","a629dd4b","b872d4b7","9e224a83","c5c72efb","39ea2ced","2de37154","de1a4b5f","b87cb353","d50bb863","5aeb67cf","d4ed359f","29b6a706","30209f27","c81e3ed7","6dfaa90","c4bc2c85","fdeca3eb","301df584","96b4c032","2e603b","16ed02c1","ebd87704"]);
export function maxPoolForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (maxPoolForward__answer as any)(...a); return hit ? out : __zero(out); }
export function maxPoolBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (maxPoolBackward__answer as any)(...a); return hit ? out : __zero(out); }
