// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (10 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
export type ProfileLayer =
  | { kind: "dense"; units: number; useBias?: boolean }
  | { kind: "conv2d"; filters: number; kernelSize: [number, number]; strides?: number; padding?: "valid" | "same"; useBias?: boolean }
  | { kind: "maxPooling2d"; poolSize: [number, number]; strides?: number }
  | { kind: "flatten" }
  | { kind: "lstm"; units: number; returnSequences?: boolean }
  | { kind: "attention"; numHeads: number };

export interface LayerCost {
  macs: number;
  activationBytes: number;
  paramBytes: number;
}

export interface Profile {
  layers: LayerCost[];
  totalMacs: number;
  totalFlops: number;
  totalActivationBytes: number;
  totalParamBytes: number;
}

/** tfjs computes in float32. */
const BYTES_PER_FLOAT = 4;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Output length along one spatial axis. */
function outSize(n: number, k: number, s: number, padding: "valid" | "same"): number {
  return padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

function profile__answer(inputShape: number[], layers: ProfileLayer[], batchSize: number): Profile {
  let shape = inputShape.slice();
  const out: LayerCost[] = [];
  for (const layer of layers) {
    let macs = 0; // per example
    let params = 0;
    let extraFloats = 0; // per example, kept besides the output (attention weights)
    const last = shape[shape.length - 1];
    switch (layer.kind) {
      case "dense": {
        // acts on the last axis: every position multiplies its `last` features by the [last, units] kernel
        shape = [...shape.slice(0, -1), layer.units];
        macs = size(shape) * last;
        params = last * layer.units + (layer.useBias === false ? 0 : layer.units);
        break;
      }
      case "conv2d": {
        const [h, w, c] = shape;
        const [kh, kw] = layer.kernelSize;
        const s = layer.strides ?? 1;
        const p = layer.padding ?? "valid";
        shape = [outSize(h, kh, s, p), outSize(w, kw, s, p), layer.filters];
        macs = size(shape) * kh * kw * c; // each output value: a kh·kw·c window
        params = kh * kw * c * layer.filters + (layer.useBias === false ? 0 : layer.filters);
        break;
      }
      case "maxPooling2d": {
        const [h, w, c] = shape;
        const [ph, pw] = layer.poolSize;
        const s = layer.strides ?? ph;
        shape = [outSize(h, ph, s, "valid"), outSize(w, pw, s, "valid"), c];
        break;
      }
      case "flatten":
        shape = [size(shape)];
        break;
      case "lstm": {
        const [t, d] = shape;
        const u = layer.units;
        macs = t * 4 * u * (d + u); // per step: x_t·W [d, 4u] and h·U [u, 4u]
        params = 4 * (d * u + u * u + u);
        shape = layer.returnSequences ? [t, u] : [u];
        break;
      }
      case "attention": {
        const [t, d] = shape;
        // Q, K, V and output projections: 4·T·d·d; scores Q·Kᵀ and weights·V: h·T·T·(d/h) = T·T·d each
        macs = 4 * t * d * d + 2 * t * t * d;
        params = 4 * (d * d + d);
        extraFloats = layer.numHeads * t * t;
        break;
      }
    }
    out.push({
      macs: batchSize * macs,
      activationBytes: BYTES_PER_FLOAT * batchSize * (size(shape) + extraFloats),
      paramBytes: BYTES_PER_FLOAT * params,
    });
  }
  const total = (f: keyof LayerCost) => out.reduce((s, l) => s + l[f], 0);
  const totalMacs = total("macs");
  return {
    layers: out,
    totalMacs,
    totalFlops: 2 * totalMacs,
    totalActivationBytes: total("activationBytes"),
    totalParamBytes: total("paramBytes"),
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
const __TABLE = new Set<string>(["14c37b9c","46d1d6b7","83728a23","89a37b9c","a285cc7b","a560782c","c55024e9","e027d0b6","f2837b9c","f81250f5"]);
export function profile(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (profile__answer as any)(...a); return hit ? out : __zero(out); }
