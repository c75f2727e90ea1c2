/**
 * The RNN in float64 with switchable mistakes, for hints only ("your numbers are what you get
 * when ..."). Server-only (*.host.ts): with no mistake switched on this is a complete RNN forward
 * and backward, so the browser's Run gets a stub instead (see docs/authoring.md).
 */
import { Tensor } from "gradlab/nd";
import type { RnnCase } from "./ref.ts";

export interface ForwardMistakes {
  /** h_{t-1} replaced by h0 at every step (the state is never carried). */
  stateFromH0?: boolean;
  /** No tanh: h_t is the pre-activation. */
  noTanh?: boolean;
  /** The bias is left out. */
  noBias?: boolean;
}

export interface BackwardMistakes {
  /** What is used for tanh'(a_t): the right 1 - h_t², nothing, 1 - h_t, or 1 - a_t² (the pre-activation). */
  tanhGrad?: "right" | "none" | "one-minus-h" | "pre-activation";
  /** dL/dh_t is only dhs_t: the path back through h_{t-1} wh is ignored. */
  noRecurrence?: boolean;
  /** dwx, dwh, db hold one step's contribution (assigned, not accumulated). */
  paramsFromStep?: "first" | "last";
}

interface Trace {
  n: number;
  steps: number;
  d: number;
  hd: number;
  /** Pre-activations a_t and states h_t, [N, T, H]. */
  a: Float64Array;
  h: Float64Array;
}

function forwardTrace(c: RnnCase, m: ForwardMistakes = {}): Trace {
  const [n, steps, d] = c.x.shape;
  const hd = c.wx.shape[1];
  const a = new Float64Array(n * steps * hd);
  const h = new Float64Array(n * steps * hd);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < steps; t++) {
      for (let j = 0; j < hd; j++) {
        let s = m.noBias ? 0 : c.b.data[j];
        for (let k = 0; k < d; k++) s += c.x.data[(i * steps + t) * d + k] * c.wx.data[k * hd + j];
        for (let k = 0; k < hd; k++) {
          const prev = t === 0 || m.stateFromH0 ? c.h0.data[i * hd + k] : h[(i * steps + t - 1) * hd + k];
          s += prev * c.wh.data[k * hd + j];
        }
        a[(i * steps + t) * hd + j] = s;
        h[(i * steps + t) * hd + j] = m.noTanh ? s : Math.tanh(s);
      }
    }
  }
  return { n, steps, d, hd, a, h };
}

/** Every h_t, [N, T, H], in float64, with the given mistakes. */
export function rnnForward64(c: RnnCase, m: ForwardMistakes = {}): Tensor {
  const tr = forwardTrace(c, m);
  return new Tensor(tr.h, [tr.n, tr.steps, tr.hd]);
}

/** Backpropagation through time in float64, with the given mistakes. */
export function rnnBackward64(dhs: Tensor, c: RnnCase, m: BackwardMistakes = {}): Record<"dx" | "dh0" | "dwx" | "dwh" | "db", Tensor> {
  const { n, steps, d, hd, a, h } = forwardTrace(c);
  const dx = new Float64Array(n * steps * d);
  const dwx = new Float64Array(d * hd);
  const dwh = new Float64Array(hd * hd);
  const db = new Float64Array(hd);
  let dnext = new Float64Array(n * hd);
  const contributes = (t: number) => (m.paramsFromStep === "first" ? t === 0 : m.paramsFromStep === "last" ? t === steps - 1 : true);
  for (let t = steps - 1; t >= 0; t--) {
    const da = new Float64Array(n * hd);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < hd; j++) {
        const p = (i * steps + t) * hd + j;
        const dh = dhs.data[p] + (m.noRecurrence ? 0 : dnext[i * hd + j]);
        const tanhGrad = m.tanhGrad ?? "right";
        const g = tanhGrad === "none" ? 1 : tanhGrad === "one-minus-h" ? 1 - h[p] : tanhGrad === "pre-activation" ? 1 - a[p] * a[p] : 1 - h[p] * h[p];
        da[i * hd + j] = dh * g;
      }
    }
    const prev = (i: number, k: number) => (t === 0 ? c.h0.data[i * hd + k] : h[(i * steps + t - 1) * hd + k]);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let j = 0; j < hd; j++) s += da[i * hd + j] * c.wx.data[k * hd + j];
        dx[(i * steps + t) * d + k] = s;
      }
    }
    if (contributes(t)) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < hd; j++) {
          const g = da[i * hd + j];
          db[j] += g;
          for (let k = 0; k < d; k++) dwx[k * hd + j] += c.x.data[(i * steps + t) * d + k] * g;
          for (let k = 0; k < hd; k++) dwh[k * hd + j] += prev(i, k) * g;
        }
      }
    }
    const dprev = new Float64Array(n * hd);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < hd; k++) {
        let s = 0;
        for (let j = 0; j < hd; j++) s += da[i * hd + j] * c.wh.data[k * hd + j];
        dprev[i * hd + k] = s;
      }
    }
    dnext = dprev;
  }
  return {
    dx: new Tensor(dx, [n, steps, d]),
    dh0: new Tensor(dnext, [n, hd]),
    dwx: new Tensor(dwx, [d, hd]),
    dwh: new Tensor(dwh, [hd, hd]),
    db: new Tensor(db, [hd]),
  };
}
