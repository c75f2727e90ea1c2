/**
 * The GRU in float64 with switchable mistakes, for hints only ("your numbers are what you get
 * when ..."). Server-only (*.host.ts): with no mistake switched on this is a complete GRU, so the
 * browser's Run gets a stub instead (see docs/authoring.md).
 */
import { Tensor } from "gradlab/nd";
import type { GruCase } from "./ref.ts";

export interface GruMistakes {
  /** Blocks read as r, z, h (PyTorch's order) instead of z, r, h. */
  orderRZH?: boolean;
  /** h_t = (1 − z)·h_{t−1} + z·ĥ (the interpolation the other way round). */
  interpolationSwapped?: boolean;
  /** Reset after the matmul: ĥ = tanh(x wx_h + b_h + r ⊙ (h_{t−1} wh_h)) (Keras reset_after, PyTorch). */
  resetAfter?: boolean;
  /** Gates with tfjs's default hard sigmoid clip(0.2 a + 0.5, 0, 1). */
  hardSigmoid?: boolean;
  /** Backward: dL/dh_t gets dhs_t only, nothing from step t + 1. */
  dhNotCarried?: boolean;
  /** Backward: dh_{t−1} misses the direct path z ⊙ dL/dh_t. */
  noDirectPath?: boolean;
  /** Backward: the candidate block of dwh uses h_{t−1} instead of r ⊙ h_{t−1}. */
  dwhCandidateWithoutReset?: boolean;
}

export type GruOutputs = Record<"hs" | "dx" | "dh0" | "dwx" | "dwh" | "db", Tensor>;

/** Swap the first two column blocks of a [..., 3H] tensor (z, r ↔ r, z). */
function swapZR(t: Tensor): Tensor {
  const cols = t.shape[t.shape.length - 1];
  const hd = cols / 3;
  const out = t.data.slice();
  for (let row = 0; row < t.data.length / cols; row++) {
    for (let j = 0; j < hd; j++) {
      out[row * cols + j] = t.data[row * cols + hd + j];
      out[row * cols + hd + j] = t.data[row * cols + j];
    }
  }
  return new Tensor(out, t.shape.slice());
}

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));
const hardSigmoid = (a: number) => Math.min(1, Math.max(0, 0.2 * a + 0.5));

/** Forward and backward in float64 with the given mistakes (none: the right GRU). */
export function gru64(c: GruCase, dhs: Tensor, m: GruMistakes = {}): GruOutputs {
  // Reading the blocks as r, z, h is the right GRU on weights with the first two blocks swapped.
  const perm = (t: Tensor) => (m.orderRZH ? swapZR(t) : t);
  const wx = perm(c.wx);
  const wh = perm(c.wh);
  const b = perm(c.b);
  const [n, steps, d] = c.x.shape;
  const H = c.h0.shape[1];
  const G = 3 * H;
  const act = m.hardSigmoid ? hardSigmoid : sigmoid;
  const actGrad = (a: number, s: number) => (m.hardSigmoid ? (a > -2.5 && a < 2.5 ? 0.2 : 0) : s * (1 - s));
  const xAt = (i: number, t: number, k: number) => c.x.data[(i * steps + t) * d + k];
  type Step = { hPrev: Float64Array; az: Float64Array; ar: Float64Array; z: Float64Array; r: Float64Array; hh: Float64Array; rec: Float64Array };
  const cache: Step[] = [];
  let h = c.h0.data;
  const hs = new Float64Array(n * steps * H);
  for (let t = 0; t < steps; t++) {
    const s: Step = { hPrev: h, az: new Float64Array(n * H), ar: new Float64Array(n * H), z: new Float64Array(n * H), r: new Float64Array(n * H), hh: new Float64Array(n * H), rec: new Float64Array(n * H) };
    const hNew = new Float64Array(n * H);
    for (let i = 0; i < n; i++) {
      const xw = (col: number) => {
        let v = b.data[col];
        for (let k = 0; k < d; k++) v += xAt(i, t, k) * wx.data[k * G + col];
        return v;
      };
      const hw = (col: number, scaleByR: boolean) => {
        let v = 0;
        for (let k = 0; k < H; k++) v += (scaleByR ? s.r[i * H + k] : 1) * h[i * H + k] * wh.data[k * G + col];
        return v;
      };
      for (let j = 0; j < H; j++) {
        const p = i * H + j;
        s.az[p] = xw(j) + hw(j, false);
        s.ar[p] = xw(H + j) + hw(H + j, false);
        s.z[p] = act(s.az[p]);
        s.r[p] = act(s.ar[p]);
      }
      for (let j = 0; j < H; j++) {
        const p = i * H + j;
        s.rec[p] = m.resetAfter ? hw(2 * H + j, false) : hw(2 * H + j, true);
        s.hh[p] = Math.tanh(xw(2 * H + j) + (m.resetAfter ? s.r[p] * s.rec[p] : s.rec[p]));
        const z = s.z[p];
        hNew[p] = m.interpolationSwapped ? (1 - z) * h[p] + z * s.hh[p] : z * h[p] + (1 - z) * s.hh[p];
        hs[(i * steps + t) * H + j] = hNew[p];
      }
    }
    cache.push(s);
    h = hNew;
  }

  const dx = new Float64Array(c.x.data.length);
  const dwx = new Float64Array(d * G);
  const dwh = new Float64Array(H * G);
  const db = new Float64Array(G);
  let dNext = new Float64Array(n * H);
  for (let t = steps - 1; t >= 0; t--) {
    const s = cache[t];
    const da = new Float64Array(n * G); // [da_z, da_r, da_h] per row
    const dPrev = new Float64Array(n * H);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < H; j++) {
        const p = i * H + j;
        const dh = dhs.data[(i * steps + t) * H + j] + (m.dhNotCarried ? 0 : dNext[p]);
        const z = s.z[p];
        const [wPrev, wCand] = m.interpolationSwapped ? [1 - z, z] : [z, 1 - z];
        const dz = dh * (m.interpolationSwapped ? s.hh[p] - s.hPrev[p] : s.hPrev[p] - s.hh[p]);
        da[i * G + j] = dz * actGrad(s.az[p], z);
        da[i * G + 2 * H + j] = dh * wCand * (1 - s.hh[p] * s.hh[p]);
        if (!m.noDirectPath) dPrev[p] += dh * wPrev;
      }
      for (let j = 0; j < H; j++) {
        // The reset gate: through r ⊙ h_{t−1} (reset before) or r ⊙ rec (reset after).
        const p = i * H + j;
        let dr = 0;
        if (m.resetAfter) dr = da[i * G + 2 * H + j] * s.rec[p];
        else for (let k = 0; k < H; k++) dr += da[i * G + 2 * H + k] * wh.data[j * G + 2 * H + k] * s.hPrev[p];
        da[i * G + H + j] = dr * actGrad(s.ar[p], s.r[p]);
      }
    }
    for (let i = 0; i < n; i++) {
      for (let col = 0; col < G; col++) {
        const g = da[i * G + col];
        db[col] += g;
        for (let k = 0; k < d; k++) {
          dwx[k * G + col] += xAt(i, t, k) * g;
          dx[(i * steps + t) * d + k] += g * wx.data[k * G + col];
        }
        const candidate = col >= 2 * H;
        for (let k = 0; k < H; k++) {
          const hk = s.hPrev[i * H + k];
          // The candidate's recurrent input: r ⊙ h_{t−1} (reset before), h_{t−1} with r outside (reset after).
          const gk = candidate && m.resetAfter ? g * s.r[i * H + col - 2 * H] : g;
          const input = candidate && !m.resetAfter && !m.dwhCandidateWithoutReset ? s.r[i * H + k] * hk : hk;
          dwh[k * G + col] += input * gk;
          dPrev[i * H + k] += gk * wh.data[k * G + col] * (candidate && !m.resetAfter ? s.r[i * H + k] : 1);
        }
      }
    }
    dNext = dPrev;
  }
  return {
    hs: new Tensor(hs, [n, steps, H]),
    dx: new Tensor(dx, c.x.shape.slice()),
    dh0: new Tensor(dNext, [n, H]),
    dwx: perm(new Tensor(dwx, [d, G])),
    dwh: perm(new Tensor(dwh, [H, G])),
    db: perm(new Tensor(db, [G])),
  };
}
