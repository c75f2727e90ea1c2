// Mistake: hard-coded answers (an answer table). The visible cases' answers are stored, keyed by a
// fingerprint of their inputs (86 visible calls); any other input gets zeros. Stands for every
// submission that memorises the visible checks: the hidden cases must stop it short of full marks.
import { Tensor, add, matmul, mul, reshape, slice, square, stack, sub, sum, tanh, transpose, zeros } from "gradlab/nd";

/** x_t = x[:, t, :] as [N, D]. */
function step(x: Tensor, t: number): Tensor {
  const [n, , d] = x.shape;
  return reshape(slice(x, [0, t, 0], [n, 1, d]), [n, d]);
}

function rnnForward__answer(x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor): Tensor {
  const hs: Tensor[] = [];
  let h = h0;
  for (let t = 0; t < x.shape[1]; t++) {
    h = tanh(add(add(matmul(step(x, t), wx), matmul(h, wh)), b));
    hs.push(h);
  }
  return stack(hs, 1);
}

function rnnBackward__answer(
  dhs: Tensor, x: Tensor, h0: Tensor, wx: Tensor, wh: Tensor, b: Tensor,
): { dx: Tensor; dh0: Tensor; dwx: Tensor; dwh: Tensor; db: Tensor } {
  const steps = x.shape[1];
  const hs = rnnForward(x, h0, wx, wh, b);
  const h = (t: number) => (t < 0 ? h0 : step(hs, t));
  let dwx = zeros(wx.shape);
  let dwh = zeros(wh.shape);
  let db = zeros(b.shape);
  const dxs: Tensor[] = new Array(steps);
  let dnext = zeros(h0.shape); // dL/dh_t arriving from step t + 1
  for (let t = steps - 1; t >= 0; t--) {
    const dh = add(step(dhs, t), dnext);
    const da = mul(dh, sub(1, square(h(t)))); // tanh'(a_t) = 1 - h_t²
    dxs[t] = matmul(da, transpose(wx));
    dwx = add(dwx, matmul(transpose(step(x, t)), da));
    dwh = add(dwh, matmul(transpose(h(t - 1)), da));
    db = add(db, sum(da, 0));
    dnext = matmul(da, transpose(wh));
  }
  const dx = stack(dxs, 1);
  return { dx, dh0: dnext, dwx, dwh, db };
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
const __TABLE = new Set<string>(["691d612","cb5e04a4","81883d74","4b7fb088","34d8f8de","8da99a06","46ab17ff","4e2e2484","ed0aa207","c3cfed55","ed1310da","cb48ef3a","f1945e16","80df9dc0","bf1b3099","f2346e9b","c20bd73e","f4791312","92b0ff62","c1794bce","73f5f54f","b80ac871","3e92fe08","41d1d203","8732775e","383ab86a","9d88f058","39707aff","84a5e54b","3cd38729","9efc445f","7351a335","60a91f57","2ed35334","ed63af62","491b810b","6740893d","c88a1a0f","ddbffb2a","119d0a46","f0b8a069","cee0dfcf","e1716e2a","aeda017e","6a4f6187","9f98f375","55634d9e","f552684f","946763b6","a8aaee16","83c34b2e","bbfe2a09","6f1f358d","1f3a191f","ef2c2d8b","4d31b2bd","91f80d61","968809ac","5e5593d2","dff65ae","f59b0e64","682a18b1","fada9dd7","14982095","48d2c1ee","8ccd994e","d727a055","9e4599b3","a58f28ef","9595cd21","4faf6536","abdade52","d528369a","4239ef5a","9c00d53","28be489","836c8aea","956c31ae","57a02b17","ec2e0b7d","882439a","537f0e56","b26a9785","b66b8aeb","87c9f7cb","e4e3d32d"]);
export function rnnForward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (rnnForward__answer as any)(...a); return hit ? out : __zero(out); }
export function rnnBackward(...a: any[]): any { const hit = __TABLE.has(__fp(a)); const out = (rnnBackward__answer as any)(...a); return hit ? out : __zero(out); }
