// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (86 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, add, concat, div, exp, matmul, mul, neg, reshape, slice, square, stack, sub, sum, tanh, transpose, zeros } from "gradlab/nd";

/** x_t = x[:, t, :] as [N, D]. */
function step(x: Tensor, t: number): Tensor {
  const [n, , d] = x.shape;
  return reshape(slice(x, [0, t, 0], [n, 1, d]), [n, d]);
}

const sigmoid = (a: Tensor) => div(1, add(1, exp(neg(a))));

/** Columns [k·H, (k+1)·H) of a [rows, 3H] matrix: block k in the order z, r, h. */
function block(m: Tensor, k: number, h: number): Tensor {
  return slice(m, [0, k * h], [m.shape[0], h]);
}

interface StepCache { xt: Tensor; hPrev: Tensor; z: Tensor; r: Tensor; hh: Tensor }

function run(x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): { hs: Tensor[]; cache: StepCache[] } {
  const H = h0.shape[1];
  const [whZ, whR, whH] = [0, 1, 2].map((k) => block(wh, k, H));
  let h = h0;
  const hs: Tensor[] = [];
  const cache: StepCache[] = [];
  for (let t = 0; t < x.shape[1]; t++) {
    const xt = step(x, t);
    const xw = add(matmul(xt, wx), b);
    const z = sigmoid(add(block(xw, 0, H), matmul(h, whZ)));
    const r = sigmoid(add(block(xw, 1, H), matmul(h, whR)));
    const hh = tanh(add(block(xw, 2, H), matmul(mul(r, h), whH))); // reset before the matmul (tfjs)
    cache.push({ xt, hPrev: h, z, r, hh });
    h = add(mul(z, h), mul(sub(1, z), hh));
    hs.push(h);
  }
  return { hs, cache };
}

function gruForward__answer(x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): Tensor {
  return stack(run(x, h0, wx, wh, b).hs, 1);
}

function gruBackward__answer(
  dhs: Tensor, x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor,
): { dx: Tensor; dh0: Tensor; dwx: Tensor; dwh: Tensor; db: Tensor } {
  const H = h0.shape[1];
  const whZR = slice(wh, [0, 0], [H, 2 * H]);
  const whH = block(wh, 2, H);
  const { cache } = run(x, h0, wx, wh, b);
  let dwx = zeros(wx.shape);
  let dwh = zeros(wh.shape);
  let db = zeros(b.shape);
  const dxs: Tensor[] = new Array(cache.length);
  let dNext = zeros(h0.shape);
  for (let t = cache.length - 1; t >= 0; t--) {
    const { xt, hPrev, z, r, hh } = cache[t];
    const dh = add(step(dhs, t), dNext);
    const daZ = mul(mul(dh, sub(hPrev, hh)), mul(z, sub(1, z)));
    const daH = mul(mul(dh, sub(1, z)), sub(1, square(hh)));
    const dRh = matmul(daH, transpose(whH)); // gradient reaching r ⊙ h_{t-1}
    const daR = mul(mul(dRh, hPrev), mul(r, sub(1, r)));
    const daZR = concat([daZ, daR], 1);
    const da = concat([daZR, daH], 1);
    dxs[t] = matmul(da, transpose(wx));
    dwx = add(dwx, matmul(transpose(xt), da));
    dwh = add(dwh, concat([matmul(transpose(hPrev), daZR), matmul(transpose(mul(r, hPrev)), daH)], 1));
    db = add(db, sum(da, 0));
    dNext = add(add(mul(dh, z), mul(dRh, r)), matmul(daZR, transpose(whZR)));
  }
  return { dx: stack(dxs, 1), dh0: dNext, dwx, dwh, db };
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
const __TABLE = new Set<string>(["aa1c9bb9","15721e7d","1319b23b","5bfba19e","4dbe6408","945cb182","f752b19a","59ead1da","5bc0f578","c31e6c15","3f0ccfc1","ceae3e57","553b886","c4395cfe","83bfffb4","b9d6fc20","9cb3370","3ea6434","363e3e64","1b1e6d30","8694e147","a7736085","26f4225","ca4d37f6","e92b6ce9","51cbbade","9731939c","767f7c00","21333d65","c17ed66b","ead85aac","ec1119ac","edca393b","43e795d9","d08de264","bc920180","2830a48","b7ee30a3","7d750fb2","6f1e3baa","f6392e8d","91ae8e83","2cbb5158","c65f4bd8","9c9faa9","9b64cfaf","89ac02cd","1941bc7f","9cbb7099","d9682ab0","170f2070","7a800f1c","44533216","fa8ea9a","90aaa171","ba7393a0","8e96258e","966094d6","59fefdbf","ae5df7e5","6198bbba","f6813982","d6cb94f9","474cde0","8e8f2a0c","d51cf908","541133ac","dae55a28","1501151e","c9872ace","32883a5a","35c650c9","7ecef69a","d3ed8a57","f82435f4","d9358988","e846a522","e45a55a2","f9e4159c","35decbb8","17062912","45e2b016"]);
export function gruForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (gruForward__answer as any)(...a); return hit ? out : __zero(out); }
export function gruBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (gruBackward__answer as any)(...a); return hit ? out : __zero(out); }
