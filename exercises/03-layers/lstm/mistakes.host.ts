/**
 * The LSTM in float64 with switchable mistakes, for hints only ("your numbers are what you get
 * when ..."). Server-only (*.host.ts): with no mistake switched on this is a complete LSTM, so the
 * browser's Run gets a stub instead (see docs/authoring.md).
 */
import { Tensor } from "gradlab/nd";
import type { LstmCase } from "./ref.ts";

export type Gate = "i" | "f" | "g" | "o";
const KERAS_ORDER: Gate[] = ["i", "f", "g", "o"];

export interface LstmMistakes {
  /** The gates the learner reads from column blocks 0..3 (right: i, f, g, o). */
  order?: Gate[];
  /** Gate activation: the logistic sigmoid (right) or tfjs's hard sigmoid clip(0.2 z + 0.5, 0, 1). */
  gateActivation?: "sigmoid" | "hard-sigmoid";
  /** h_t = o * c_t, without the tanh of the cell. */
  hWithoutTanh?: boolean;
  /** Backward: dL/dc_t misses what c_{t+1} sends back (f_{t+1} * dL/dc_{t+1}). */
  dcNotCarried?: boolean;
  /** Backward: dL/dh_t gets dhs_t only, not what step t + 1 sends back through wh. */
  dhNotCarried?: boolean;
  /** Backward: dL/dc_t gets dL/dh_t * o_t without tanh'(c_t) = 1 - tanh(c_t)². */
  noCellTanhGrad?: boolean;
}

export type LstmOutputs = Record<"hs" | "dx" | "dh0" | "dc0" | "dwx" | "dwh" | "db", Tensor>;

/** Reorder the 4 column blocks of a [..., 4H] tensor: block k of the result is block from[k] of t. */
function permuteBlocks(t: Tensor, from: number[]): Tensor {
  const cols = t.shape[t.shape.length - 1];
  const hd = cols / 4;
  const rows = t.data.length / cols;
  const out = new Float64Array(t.data.length);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 4; k++) for (let j = 0; j < hd; j++) out[r * cols + k * hd + j] = t.data[r * cols + from[k] * hd + j];
  }
  return new Tensor(out, t.shape.slice());
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const hardSigmoid = (z: number) => Math.min(1, Math.max(0, 0.2 * z + 0.5));

/** Forward and backward in float64 with the given mistakes (none: the right LSTM). */
export function lstm64(c: LstmCase, dhs: Tensor, m: LstmMistakes = {}): LstmOutputs {
  const order = m.order ?? KERAS_ORDER;
  // A learner reading block k as gate order[k] computes the right LSTM on weights whose Keras block
  // for gate G is the learner's block order.indexOf(G); the gradients come back the same way.
  const toKeras = KERAS_ORDER.map((gname) => order.indexOf(gname));
  const fromKeras = order.map((gname) => KERAS_ORDER.indexOf(gname));
  const wx = permuteBlocks(c.wx, toKeras);
  const wh = permuteBlocks(c.wh, toKeras);
  const b = permuteBlocks(c.b, toKeras);
  const [n, steps, d] = c.x.shape;
  const hd = c.h0.shape[1];
  const G = 4 * hd;
  const hard = m.gateActivation === "hard-sigmoid";
  const act = hard ? hardSigmoid : sigmoid;
  // Per step: z [N, 4H], gate values [N, 4H] (i, f, g, o), c and h [N, H].
  const zs: Float64Array[] = [];
  const gates: Float64Array[] = [];
  const cs: Float64Array[] = [c.c0.data];
  const hsSteps: Float64Array[] = [c.h0.data];
  for (let t = 0; t < steps; t++) {
    const z = new Float64Array(n * G);
    const a = new Float64Array(n * G);
    const cNew = new Float64Array(n * hd);
    const hNew = new Float64Array(n * hd);
    const hPrev = hsSteps[t];
    const cPrev = cs[t];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < G; j++) {
        let s = b.data[j];
        for (let k = 0; k < d; k++) s += c.x.data[(i * steps + t) * d + k] * wx.data[k * G + j];
        for (let k = 0; k < hd; k++) s += hPrev[i * hd + k] * wh.data[k * G + j];
        z[i * G + j] = s;
        a[i * G + j] = j >= 2 * hd && j < 3 * hd ? Math.tanh(s) : act(s);
      }
      for (let j = 0; j < hd; j++) {
        const [ig, fg, gg, og] = [0, 1, 2, 3].map((q) => a[i * G + q * hd + j]);
        const cv = fg * cPrev[i * hd + j] + ig * gg;
        cNew[i * hd + j] = cv;
        hNew[i * hd + j] = og * (m.hWithoutTanh ? cv : Math.tanh(cv));
      }
    }
    zs.push(z);
    gates.push(a);
    cs.push(cNew);
    hsSteps.push(hNew);
  }
  const hs = new Float64Array(n * steps * hd);
  for (let t = 0; t < steps; t++) for (let i = 0; i < n; i++) for (let j = 0; j < hd; j++) hs[(i * steps + t) * hd + j] = hsSteps[t + 1][i * hd + j];

  const dx = new Float64Array(n * steps * d);
  const dwx = new Float64Array(d * G);
  const dwh = new Float64Array(hd * G);
  const db = new Float64Array(G);
  let dhNext = new Float64Array(n * hd);
  let dcNext = new Float64Array(n * hd);
  const gateGrad = (z: number, a: number) => (hard ? (z > -2.5 && z < 2.5 ? 0.2 : 0) : a * (1 - a));
  for (let t = steps - 1; t >= 0; t--) {
    const a = gates[t];
    const z = zs[t];
    const cPrev = cs[t];
    const cCur = cs[t + 1];
    const hPrev = hsSteps[t];
    const dz = new Float64Array(n * G);
    const dcPrev = new Float64Array(n * hd);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < hd; j++) {
        const p = i * hd + j;
        const [ig, fg, gg, og] = [0, 1, 2, 3].map((q) => a[i * G + q * hd + j]);
        const dh = dhs.data[(i * steps + t) * hd + j] + (m.dhNotCarried ? 0 : dhNext[p]);
        const tc = m.hWithoutTanh ? cCur[p] : Math.tanh(cCur[p]);
        const cellGrad = m.hWithoutTanh || m.noCellTanhGrad ? 1 : 1 - tc * tc;
        const dc = dh * og * cellGrad + (m.dcNotCarried ? 0 : dcNext[p]);
        dcPrev[p] = dc * fg;
        const q = (k: number) => i * G + k * hd + j;
        dz[q(0)] = dc * gg * gateGrad(z[q(0)], ig);
        dz[q(1)] = dc * cPrev[p] * gateGrad(z[q(1)], fg);
        dz[q(2)] = dc * ig * (1 - gg * gg);
        dz[q(3)] = dh * tc * gateGrad(z[q(3)], og);
      }
    }
    const dhPrev = new Float64Array(n * hd);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < G; j++) {
        const g = dz[i * G + j];
        db[j] += g;
        for (let k = 0; k < d; k++) {
          dwx[k * G + j] += c.x.data[(i * steps + t) * d + k] * g;
          dx[(i * steps + t) * d + k] += g * wx.data[k * G + j];
        }
        for (let k = 0; k < hd; k++) {
          dwh[k * G + j] += hPrev[i * hd + k] * g;
          dhPrev[i * hd + k] += g * wh.data[k * G + j];
        }
      }
    }
    dhNext = dhPrev;
    dcNext = dcPrev;
  }
  return {
    hs: new Tensor(hs, [n, steps, hd]),
    dx: new Tensor(dx, [n, steps, d]),
    dh0: new Tensor(dhNext, [n, hd]),
    dc0: new Tensor(dcNext, [n, hd]),
    dwx: permuteBlocks(new Tensor(dwx, [d, G]), fromKeras),
    dwh: permuteBlocks(new Tensor(dwh, [hd, G]), fromKeras),
    db: permuteBlocks(new Tensor(db, [G]), fromKeras),
  };
}
