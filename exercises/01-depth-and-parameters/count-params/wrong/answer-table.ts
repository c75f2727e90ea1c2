// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (21 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
export type LayerSpec =
  | { kind: "dense"; inputDim: number; units: number; useBias?: boolean }
  | { kind: "conv2d"; inChannels: number; filters: number; kernelSize: [number, number]; useBias?: boolean }
  | { kind: "embedding"; inputDim: number; outputDim: number }
  | { kind: "simpleRNN" | "lstm" | "gru"; inputDim: number; units: number }
  | { kind: "batchNormalization"; features: number }
  | { kind: "layerNormalization"; features: number }
  | { kind: "multiHeadAttention"; modelDim: number; numHeads: number };

function countParams__answer(layer: LayerSpec): { trainable: number; nonTrainable: number } {
  switch (layer.kind) {
    case "dense": {
      const bias = layer.useBias === false ? 0 : layer.units;
      return { trainable: layer.inputDim * layer.units + bias, nonTrainable: 0 };
    }
    case "conv2d": {
      const [kh, kw] = layer.kernelSize;
      const bias = layer.useBias === false ? 0 : layer.filters; // one bias per filter
      return { trainable: kh * kw * layer.inChannels * layer.filters + bias, nonTrainable: 0 };
    }
    case "embedding":
      return { trainable: layer.inputDim * layer.outputDim, nonTrainable: 0 };
    case "simpleRNN":
    case "lstm":
    case "gru": {
      const gates = layer.kind === "simpleRNN" ? 1 : layer.kind === "lstm" ? 4 : 3;
      const { inputDim: d, units: u } = layer;
      // kernel [d, g·u], recurrent kernel [u, g·u], one bias [g·u]
      return { trainable: gates * (d * u + u * u + u), nonTrainable: 0 };
    }
    case "batchNormalization":
      // gamma, beta trainable; moving mean, moving variance not
      return { trainable: 2 * layer.features, nonTrainable: 2 * layer.features };
    case "layerNormalization":
      return { trainable: 2 * layer.features, nonTrainable: 0 };
    case "multiHeadAttention": {
      const d = layer.modelDim; // numHeads · (d / numHeads) = d: heads split the projections
      return { trainable: 4 * (d * d + d), nonTrainable: 0 };
    }
  }
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
const __TABLE = new Set<string>(["8af552b8","5b89bc1f","8856d2b8","b6edb5d3","e07ba3e9","4abfa3e9","bf58c672","1aadaadc","b53c92dc","5bdae1c5","13aae1c5","ce7d4957","4f494957","3b0649f9","19c249f9","167d183a","429a385","365d183a","58707471","9887471","6327471"]);
export function countParams(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (countParams__answer as any)(...a); return hit ? out : __zero(out); }
