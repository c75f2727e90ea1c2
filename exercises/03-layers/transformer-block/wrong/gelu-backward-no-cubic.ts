// Mistake: geluBackward forgets the inner derivative of the cubic term: (1 − t²)·√(2/π) instead of (1 − t²)·√(2/π)·(1 + 3·0.044715·x²).
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

export function gelu(x: Tensor): Tensor {
  return mul(mul(0.5, x), add(1, inner(x)));
}

export function geluBackward(dy: Tensor, x: Tensor): Tensor {
  const t = inner(x);
  const dInner = C;
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
  const g = gelu(u);
  const y = add(h, add(matmul(g, p.w2), p.b2));
  return { x2, z1, h, z2, u, g, y };
}

export function transformerBlockForward(x: Tensor, p: BlockParams, numHeads: number, causal: boolean, eps: number): Tensor {
  return reshape(run(x, p, numHeads, causal, eps).y, x.shape);
}

export function transformerBlockBackward(dy: Tensor, x: Tensor, p: BlockParams, numHeads: number, causal: boolean, eps: number): BlockGrads {
  const [n, t, d] = x.shape;
  const { x2, z1, h, z2, u, g } = run(x, p, numHeads, causal, eps);
  const dy2 = reshape(dy, [n * t, d]);
  // y = h + FFN(LN2(h)): h gets dy directly (the residual) and through the feed-forward branch
  const du = geluBackward(matmul(dy2, transpose(p.w2)), u);
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
