// Issue 10.8: a learner who computes in Float32Array (as tfjs does) writes correct code; the
// finite-difference check of their backward must not call it wrong.
import { describe, expect, it } from "vitest";
import { gradeCode } from "./grade.ts";
import { exercise } from "../tests/helpers.ts";

const denseF32 = `
type T = { shape: number[]; data: ArrayLike<number> };
export function denseForward(x: T, w: T, b: T) {
  const [n, d] = x.shape, m = w.shape[1];
  const y = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let s = b.data[j];
    for (let k = 0; k < d; k++) s = Math.fround(s + Math.fround(x.data[i * d + k] * w.data[k * m + j]));
    y[i * m + j] = s;
  }
  return { shape: [n, m], data: y };
}
export function denseBackward(dy: T, x: T, w: T) {
  const [n, d] = x.shape, m = w.shape[1];
  const dx = new Float32Array(n * d), dw = new Float32Array(d * m), db = new Float32Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    const g = dy.data[i * m + j];
    db[j] += g;
    for (let k = 0; k < d; k++) { dx[i * d + k] += g * w.data[k * m + j]; dw[k * m + j] += x.data[i * d + k] * g; }
  }
  return { dx: { shape: [n, d], data: dx }, dw: { shape: [d, m], data: dw }, db: { shape: [m], data: db } };
}`;

const layerNormF32 = `
type T = { shape: number[]; data: ArrayLike<number> };
function rows(x: T, eps: number) {
  const [n, d] = x.shape;
  const xhat = new Float32Array(n * d), inv = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let k = 0; k < d; k++) mean += x.data[i * d + k];
    mean = Math.fround(mean / d);
    let v = 0;
    for (let k = 0; k < d; k++) v += (x.data[i * d + k] - mean) ** 2;
    inv[i] = 1 / Math.sqrt(Math.fround(v / d) + eps);
    for (let k = 0; k < d; k++) xhat[i * d + k] = (x.data[i * d + k] - mean) * inv[i];
  }
  return { n, d, xhat, inv };
}
export function layerNormForward(x: T, gamma: T, beta: T, eps: number) {
  const { n, d, xhat } = rows(x, eps);
  const y = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) y[i] = xhat[i] * gamma.data[i % d] + beta.data[i % d];
  return { shape: [n, d], data: y };
}
export function layerNormBackward(dy: T, x: T, gamma: T, eps: number) {
  const { n, d, xhat, inv } = rows(x, eps);
  const dx = new Float32Array(n * d), dgamma = new Float32Array(d), dbeta = new Float32Array(d);
  for (let i = 0; i < n; i++) {
    let mg = 0, mgx = 0;
    for (let k = 0; k < d; k++) { const g = dy.data[i * d + k] * gamma.data[k]; mg += g / d; mgx += (g * xhat[i * d + k]) / d; }
    for (let k = 0; k < d; k++) {
      const g = dy.data[i * d + k] * gamma.data[k];
      dx[i * d + k] = inv[i] * (g - mg - xhat[i * d + k] * mgx);
      dgamma[k] += dy.data[i * d + k] * xhat[i * d + k];
      dbeta[k] += dy.data[i * d + k];
    }
  }
  return { dx: { shape: [n, d], data: dx }, dgamma: { shape: [d], data: dgamma }, dbeta: { shape: [d], data: dbeta } };
}`;

describe("float32 solutions", () => {
  for (const [id, code] of [["dense", denseF32], ["layernorm", layerNormF32]] as const) {
    it(`a correct ${id} computed in Float32Array gets full marks`, async () => {
      const r = await gradeCode(await exercise(id), code, { revealHidden: true, hiddenSeed: "float32-test" });
      expect(r.tests.filter((t) => t.status !== "passed").map((t) => `${t.name}: ${t.output}`)).toEqual([]);
      expect(r.score).toBe(r.maxScore);
    }, 120_000);
  }
});
