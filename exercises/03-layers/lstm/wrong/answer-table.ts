// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (88 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, add, concat, div, exp, matmul, mul, neg, reshape, slice, square, stack, sub, sum, tanh, transpose, zeros } from "gradlab/nd";

/** x_t = x[:, t, :] as [N, D]. */
function step(x: Tensor, t: number): Tensor {
  const [n, , d] = x.shape;
  return reshape(slice(x, [0, t, 0], [n, 1, d]), [n, d]);
}

const sigmoid = (z: Tensor) => div(1, add(1, exp(neg(z))));

/** Columns [k·H, (k+1)·H) of z [N, 4H]: gate k in the order i, f, g, o. */
function block(z: Tensor, k: number, h: number): Tensor {
  return slice(z, [0, k * h], [z.shape[0], h]);
}

interface StepCache { hPrev: Tensor; cPrev: Tensor; i: Tensor; f: Tensor; g: Tensor; o: Tensor; tc: Tensor }

function run(x: Tensor, h0: Tensor, c0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): { hs: Tensor[]; cache: StepCache[] } {
  const H = h0.shape[1];
  let h = h0;
  let c = c0;
  const hs: Tensor[] = [];
  const cache: StepCache[] = [];
  for (let t = 0; t < x.shape[1]; t++) {
    const z = add(add(matmul(step(x, t), wx), matmul(h, wh)), b);
    const i = sigmoid(block(z, 0, H));
    const f = sigmoid(block(z, 1, H));
    const g = tanh(block(z, 2, H));
    const o = sigmoid(block(z, 3, H));
    const cNew = add(mul(f, c), mul(i, g));
    const tc = tanh(cNew);
    cache.push({ hPrev: h, cPrev: c, i, f, g, o, tc });
    c = cNew;
    h = mul(o, tc);
    hs.push(h);
  }
  return { hs, cache };
}

function lstmForward__answer(x: Tensor, h0: Tensor, c0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): Tensor {
  return stack(run(x, h0, c0, wx, wh, b).hs, 1);
}

function lstmBackward__answer(
  dhs: Tensor, x: Tensor, h0: Tensor, c0: Tensor, wx: Tensor, wh: Tensor, b: Tensor,
): { dx: Tensor; dh0: Tensor; dc0: Tensor; dwx: Tensor; dwh: Tensor; db: Tensor } {
  const { cache } = run(x, h0, c0, wx, wh, b);
  let dwx = zeros(wx.shape);
  let dwh = zeros(wh.shape);
  let db = zeros(b.shape);
  const dxs: Tensor[] = new Array(cache.length);
  let dhNext = zeros(h0.shape);
  let dcNext = zeros(c0.shape);
  for (let t = cache.length - 1; t >= 0; t--) {
    const { hPrev, cPrev, i, f, g, o, tc } = cache[t];
    const dh = add(step(dhs, t), dhNext);
    const dc = add(mul(mul(dh, o), sub(1, square(tc))), dcNext);
    const dz = concat([
      mul(mul(dc, g), mul(i, sub(1, i))),         // input gate
      mul(mul(dc, cPrev), mul(f, sub(1, f))),     // forget gate
      mul(mul(dc, i), sub(1, square(g))),         // candidate
      mul(mul(dh, tc), mul(o, sub(1, o))),        // output gate
    ], 1);
    dxs[t] = matmul(dz, transpose(wx));
    dwx = add(dwx, matmul(transpose(step(x, t)), dz));
    dwh = add(dwh, matmul(transpose(hPrev), dz));
    db = add(db, sum(dz, 0));
    dhNext = matmul(dz, transpose(wh));
    dcNext = mul(dc, f);
  }
  return { dx: stack(dxs, 1), dh0: dhNext, dc0: dcNext, dwx, dwh, db };
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
const __TABLE = new Set<string>(["ba5b11d4","4489f31b","beb160d7","ea47924f","9133f3c0","ada647d6","e7ffcd94","99f011c","902c433b","35887127","9dede4e9","2db2a3c9","c078c0fb","96640a23","adac2c3","936be2ab","4f1eafc0","99f0d1e3","10f91010","6015f596","9609192e","d004cdff","89b19555","5f9421b1","5dbabf89","85f1c44c","8741c761","cc80b901","bc670766","a3998d04","1ddfe3db","fa4965bf","f0763995","19992f6d","69f81abb","58be94c7","552cb5ab","55ae547f","e466d623","dcd491c7","fce7c737","bbb85b94","38d77ca8","dd461376","f9d3e145","a9ec0ecd","a321affc","3e0f068f","7535119f","cbad81a3","e287adc8","c8aa43f6","6b1898d5","f1610861","faea5fdb","6296cc63","8772fb9c","120f82c3","d061a6ad","c4e72295","6fe3f3df","80edaae3","46b8b3e9","a143e3d1","5070115d","d40a61ed","fe100fe3","1f7f205f","1b2a15b7","690b011b","38a102f5","6b219625","bfa73788","c6abef4e","c597fa4","66ab5c3a","c63fb0ed","6aab2125","abb2b38d","75405ac5","456aad93","a6a7073f","105705c9","bdaa2228","f39e81b7","42f6aa0f","4f6f0e0f","645e51b3"]);
export function lstmForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (lstmForward__answer as any)(...a); return hit ? out : __zero(out); }
export function lstmBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (lstmBackward__answer as any)(...a); return hit ? out : __zero(out); }
