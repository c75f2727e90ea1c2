// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (162 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, add, div, exp, map, matmul, max, mean, mul, reshape, sqrt, square, sub, sum, tanh, transpose } from "gradlab/nd";

interface BlockParams {
  gamma1: Tensor; beta1: Tensor;
  wq: Tensor; bq: Tensor; wk: Tensor; bk: Tensor; wv: Tensor; bv: Tensor; wo: Tensor; bo: Tensor;
  gamma2: Tensor; beta2: Tensor;
  w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor;
}
type BlockGrads = { dx: Tensor } & { [K in keyof BlockParams as `d${K}`]: Tensor };

// ---- GELU, the tanh approximation (tfjs's "gelu_new") -----------------------------------------

const C = Math.sqrt(2 / Math.PI);
const inner = (x: Tensor) => tanh(mul(C, add(x, mul(0.044715, mul(x, square(x))))));

function gelu__answer(x: Tensor): Tensor {
  return mul(mul(0.5, x), add(1, inner(x)));
}

function geluBackward__answer(dy: Tensor, x: Tensor): Tensor {
  const t = inner(x);
  // d/dx = 0.5·(1 + t) + 0.5·x·(1 − t²)·C·(1 + 3·0.044715·x²)
  const dInner = mul(C, add(1, mul(3 * 0.044715, square(x))));
  return mul(dy, add(mul(0.5, add(1, t)), mul(mul(mul(0.5, x), sub(1, square(t))), dInner)));
}

// ---- LayerNorm over the rows of [M, D] (the layernorm exercise) ------------------------------

function normalize(x: Tensor, eps: number) {
  const xc = sub(x, mean(x, 1, true));
  const inv = div(1, sqrt(add(mean(square(xc), 1, true), eps)));
  return { inv, xhat: mul(xc, inv) };
}

const layerNorm = (x: Tensor, gamma: Tensor, beta: Tensor, eps: number) => add(mul(normalize(x, eps).xhat, gamma), beta);

function layerNormBackward(dy: Tensor, x: Tensor, gamma: Tensor, eps: number) {
  const { inv, xhat } = normalize(x, eps);
  const g = mul(dy, gamma);
  const dx = mul(inv, sub(sub(g, mean(g, 1, true)), mul(xhat, mean(mul(g, xhat), 1, true))));
  return { dx, dgamma: sum(mul(dy, xhat), 0), dbeta: sum(dy, 0) };
}

// ---- multi-head self-attention on [N·T, D] rows (the multi-head-attention exercise) ----------

const swap = (t: Tensor) => transpose(t, [0, 2, 1]);
const split = (p: Tensor, n: number, t: number, heads: number) =>
  reshape(transpose(reshape(p, [n, t, heads, p.shape[1] / heads]), [0, 2, 1, 3]), [n * heads, t, p.shape[1] / heads]);
const merge = (o: Tensor, n: number, heads: number) =>
  reshape(transpose(reshape(o, [n, heads, o.shape[1], o.shape[2]]), [0, 2, 1, 3]), [n * o.shape[1], heads * o.shape[2]]);

function attentionWeights(q: Tensor, k: Tensor, causal: boolean): Tensor {
  const [, t, dh] = q.shape;
  let s = div(matmul(q, swap(k)), Math.sqrt(dh));
  if (causal) s = map(s, (value, idx) => (idx % t > Math.floor(idx / t) % t ? -Infinity : value));
  const e = exp(sub(s, max(s, 2, true)));
  return div(e, sum(e, 2, true));
}

function mha(z: Tensor, p: BlockParams, n: number, heads: number, causal: boolean) {
  const t = z.shape[0] / n;
  const q = split(add(matmul(z, p.wq), p.bq), n, t, heads);
  const k = split(add(matmul(z, p.wk), p.bk), n, t, heads);
  const v = split(add(matmul(z, p.wv), p.bv), n, t, heads);
  const w = attentionWeights(q, k, causal);
  const merged = merge(matmul(w, v), n, heads);
  return { q, k, v, w, merged, out: add(matmul(merged, p.wo), p.bo) };
}

function mhaBackward(dy: Tensor, z: Tensor, p: BlockParams, n: number, heads: number, causal: boolean) {
  const t = z.shape[0] / n;
  const { q, k, v, w, merged } = mha(z, p, n, heads, causal);
  const dheads = split(matmul(dy, transpose(p.wo)), n, t, heads);
  const dv = matmul(swap(w), dheads);
  const dw = matmul(dheads, swap(v));
  const ds = mul(w, sub(dw, sum(mul(dw, w), 2, true)));
  const scale = 1 / Math.sqrt(q.shape[2]);
  const dq = merge(mul(matmul(ds, k), scale), n, heads);
  const dk = merge(mul(matmul(swap(ds), q), scale), n, heads);
  const dvm = merge(dv, n, heads);
  const zt = transpose(z);
  return {
    dz: add(add(matmul(dq, transpose(p.wq)), matmul(dk, transpose(p.wk))), matmul(dvm, transpose(p.wv))),
    dwq: matmul(zt, dq), dbq: sum(dq, 0), dwk: matmul(zt, dk), dbk: sum(dk, 0), dwv: matmul(zt, dvm), dbv: sum(dvm, 0),
    dwo: matmul(transpose(merged), dy), dbo: sum(dy, 0),
  };
}

// ---- the block: h = x + MHA(LN1(x)), y = h + FFN(LN2(h)) ---------------------------------------

function run(x: Tensor, p: BlockParams, numHeads: number, causal: boolean, eps: number) {
  const [n, t, d] = x.shape;
  const x2 = reshape(x, [n * t, d]); // every position is a row: LayerNorm and the dense layers act per position
  const z1 = layerNorm(x2, p.gamma1, p.beta1, eps);
  const h = add(x2, mha(z1, p, n, numHeads, causal).out);
  const z2 = layerNorm(h, p.gamma2, p.beta2, eps);
  const u = add(matmul(z2, p.w1), p.b1);
  const g = gelu__answer(u);
  const y = add(h, add(matmul(g, p.w2), p.b2));
  return { x2, z1, h, z2, u, g, y };
}

function transformerBlockForward__answer(x: Tensor, p: BlockParams, numHeads: number, causal: boolean, eps: number): Tensor {
  return reshape(run(x, p, numHeads, causal, eps).y, x.shape);
}

function transformerBlockBackward__answer(dy: Tensor, x: Tensor, p: BlockParams, numHeads: number, causal: boolean, eps: number): BlockGrads {
  const [n, t, d] = x.shape;
  const { x2, z1, h, z2, u, g } = run(x, p, numHeads, causal, eps);
  const dy2 = reshape(dy, [n * t, d]);
  // y = h + FFN(LN2(h)): h gets dy directly (the residual) and through the feed-forward branch
  const du = geluBackward__answer(matmul(dy2, transpose(p.w2)), u);
  const ln2 = layerNormBackward(matmul(du, transpose(p.w1)), h, p.gamma2, eps);
  const dh = add(dy2, ln2.dx);
  // h = x + MHA(LN1(x)): the same again
  const att = mhaBackward(dh, z1, p, n, numHeads, causal);
  const ln1 = layerNormBackward(att.dz, x2, p.gamma1, eps);
  return {
    dx: reshape(add(dh, ln1.dx), x.shape),
    dgamma1: ln1.dgamma, dbeta1: ln1.dbeta,
    dwq: att.dwq, dbq: att.dbq, dwk: att.dwk, dbk: att.dbk, dwv: att.dwv, dbv: att.dbv, dwo: att.dwo, dbo: att.dbo,
    dgamma2: ln2.dgamma, dbeta2: ln2.dbeta,
    dw1: matmul(transpose(z2), du), db1: sum(du, 0), dw2: matmul(transpose(g), dy2), db2: sum(dy2, 0),
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
const __TABLE = new Set<string>(["fc045644","fba417ec","137af509","e595633b","76e8d5b7","73f7d52d","71f59066","7c8125a3","160aff25","ffcdaa5d","ad58242f","46caa7f0","42c24ae0","3b95ab09","6afcc62","d938c6c4","5d5e9453","bfe8b983","c957057c","e6cfca62","b4fe219d","98df2fe9","e8a4cb75","88a2fb0d","210b5175","11c21511","4b3f899a","7ac098a0","c20dcb46","3b472ae0","3500070a","98054b28","b0917180","df5dbcea","be44241b","b6d158bf","b6b840e8","f89f027a","ba8cefef","eb8b44b3","e1fc7438","69f39132","aa143ba4","c23e0bce","f02cd2ab","1ec5a67b","f8b2b1a5","751598e1","ff7b6a01","8aa78424","3ae3ea82","f6b72401","3e80fbb0","65c7a636","434e0575","9531c999","18971fda","f3784b30","7157bdfe","d5b74bf","d9fc7af6","7d3b5130","fe4ef35b","7040ffea","b64c9f10","5a71c5fe","3249a3cf","a707b4aa","c226face","4cbef52c","50eeea3d","65f68e25","f3264999","d5dfa705","729c2b18","7652e952","ed3a6b68","97e77b42","94b3feb2","44adb2e8","47658a48","8989222e","21a0e716","3ccf6084","32f8ebc1","d6b16d91","347ff366","aa0d7084","13373c71","7e7abf99","b5fb01e4","211acc82","d4fb59e7","3d2c551b","3b72ab23","a411d727","f821e713","437ebb4a","817a388c","8769ae35","9ce17971","361ba205","b8b7de9d","f80b77bc","f289d9ca","afec5db5","4def9734","a7c1f3","8856f019","5d4d52d9","f2ca7fa8","8c40b5fa","3b7f3527","18c46d43","bb832c26","fd0935a8","cfd4c188","7b579166","c0f7d783","ef3377fb","b2fc1044","11f7156","1f49f8d1","7b149872","9322f4f","44ca213","95ef0a61","c9ab598d","79395463","eb72df08","9c9ae6a1","2191e300","326b410f","3da74497","c8ace592","c330171","8c6459e1","a66de12d","d1ace6c2","4d084fdc","72bdb9f3","1bc87fdf","8d3d740c","32e94a4e","f1f22dc4","69895879"]);
export function gelu(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (gelu__answer as any)(...a); return hit ? out : __zero(out); }
export function geluBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (geluBackward__answer as any)(...a); return hit ? out : __zero(out); }
export function transformerBlockForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (transformerBlockForward__answer as any)(...a); return hit ? out : __zero(out); }
export function transformerBlockBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (transformerBlockBackward__answer as any)(...a); return hit ? out : __zero(out); }
