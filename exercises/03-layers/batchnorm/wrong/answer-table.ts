// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (51 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, add, div, mul, reshape, sqrt, square, sub, sum } from "gradlab/nd";

/** x as [M, C]: every axis but the last (channels) flattened into rows. */
function rows(x: Tensor): Tensor {
  const c = x.shape[x.shape.length - 1];
  return reshape(x, [x.data.length / c, c]);
}

/** Per-channel mean and biased variance, and x̂ = (x − mean) / sqrt(var + eps), all over the rows of x2 [M, C]. */
function normalize(x2: Tensor, eps: number) {
  const m = x2.shape[0];
  const mean = div(sum(x2, 0), m);
  const centred = sub(x2, mean);
  const variance = div(sum(square(centred), 0), m);
  const inv = div(1, sqrt(add(variance, eps)));
  return { mean, variance, inv, xhat: mul(centred, inv) };
}

function batchNormTrain__answer(
  x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, momentum: number, eps: number,
): { y: Tensor; movingMean: Tensor; movingVariance: Tensor } {
  const { mean, variance, xhat } = normalize(rows(x), eps);
  return {
    y: reshape(add(mul(xhat, gamma), beta), x.shape),
    movingMean: add(mul(movingMean, momentum), mul(mean, 1 - momentum)),
    movingVariance: add(mul(movingVariance, momentum), mul(variance, 1 - momentum)),
  };
}

function batchNormInference__answer(x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, eps: number): Tensor {
  const xhat = div(sub(rows(x), movingMean), sqrt(add(movingVariance, eps)));
  return reshape(add(mul(xhat, gamma), beta), x.shape);
}

function batchNormBackward__answer(dy: Tensor, x: Tensor, gamma: Tensor, eps: number): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const x2 = rows(x);
  const dy2 = rows(dy);
  const m = x2.shape[0];
  const { inv, xhat } = normalize(x2, eps);
  const g = mul(dy2, gamma);
  const meanG = div(sum(g, 0), m);
  const meanGx = div(sum(mul(g, xhat), 0), m);
  const dx = mul(inv, sub(sub(g, meanG), mul(xhat, meanGx)));
  return { dx: reshape(dx, x.shape), dgamma: sum(mul(dy2, xhat), 0), dbeta: sum(dy2, 0) };
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
const __TABLE = new Set<string>(["ed5137d7","8f6a58b7","6217c507","1b0da859","9c463858","ade7ab21","f394982e","4d96da8c","eb3cc5b3","f9848ecd","c38c68c","719756bd","6b39a607","4e544901","4525a7e5","22dc950","9f8f1e4e","88b3adab","415dddff","af11cb9d","17c02abd","e272c2b4","47856ebd","2cc69ad5","693e44a5","58c6b97b","a6af2c0f","de2f6663","3d3f0b8b","b0364213","6a84347","62973b3f","2454936b","2433bb18","d9b84ff5","c391a611","2664afb6","9fcc8dc3","1b8d6ec7","3fa6b66e","3646eb68","f7b28cc8","6f0dc3e1","ba6e454d","462b9891","954aacf5","ec0c311","70000e23","d28121ef"]);
export function batchNormTrain(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (batchNormTrain__answer as any)(...a); return hit ? out : __zero(out); }
export function batchNormInference(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (batchNormInference__answer as any)(...a); return hit ? out : __zero(out); }
export function batchNormBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (batchNormBackward__answer as any)(...a); return hit ? out : __zero(out); }
