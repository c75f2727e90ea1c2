// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (52 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor } from "gradlab/nd";

type InitKind = "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal";

function computeFans__answer(shape: number[]): { fanIn: number; fanOut: number } {
  const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length >= 3 && shape.length <= 5) {
    // Conv kernels [..., in, out]: every position of the receptive field is a separate input / output.
    const receptive = prod(shape.slice(0, -2));
    return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
  }
  const s = Math.sqrt(prod(shape));
  return { fanIn: s, fanOut: s };
}

/** N(0, 1) by Box–Muller from two uniforms (1 − u keeps the log finite). */
function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function initialize__answer(kind: InitKind, shape: number[], random: () => number): Tensor {
  const { fanIn, fanOut } = computeFans__answer(shape);
  const scale = kind.startsWith("glorot") ? 1 / Math.max(1, (fanIn + fanOut) / 2) : 2 / Math.max(1, fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  if (kind.endsWith("Uniform")) {
    const limit = Math.sqrt(3 * scale);
    for (let i = 0; i < n; i++) data[i] = (2 * random() - 1) * limit;
  } else {
    // tf.truncatedNormal: redraw anything beyond 2 stddev; the stddev is not corrected for the cut.
    const sd = Math.sqrt(scale);
    for (let i = 0; i < n; i++) {
      let z: number;
      do z = standardNormal(random);
      while (Math.abs(z) > 2);
      data[i] = z * sd;
    }
  }
  return new Tensor(data, shape.slice());
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
const __TABLE = new Set<string>(["542af63","28930293","c811d9b","b151a9eb","a2fba662","53122a82","cdc990b5","33f32705","2e7ac534","8350e474","1cca9147","43d61eb7","bb4cc534","16dda662"]);
export function computeFans(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (computeFans__answer as any)(...a); return hit ? out : __zero(out); }
export function initialize(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (initialize__answer as any)(...a); return hit ? out : __zero(out); }
