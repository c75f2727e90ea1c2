/**
 * Hint rules: recognise known mistakes from the numbers alone. Each rule looks at the expected
 * and received tensors (same shape) and returns a hint or nothing. Exercises add their own rules
 * (as functions of the same type) in front of the generic ones.
 */
import type { Tensor } from "../nd/index.ts";

export type HintRule = (expected: Tensor, got: Tensor) => string | undefined;

function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** Least-squares scale c such that got ≈ c * expected, and the relative residual of that fit. */
export function scaleFit(expected: Tensor, got: Tensor): { scale: number; residual: number } {
  const e = expected.data;
  const g = got.data;
  let eg = 0;
  let ee = 0;
  for (let i = 0; i < e.length; i++) {
    eg += e[i] * g[i];
    ee += e[i] * e[i];
  }
  if (ee === 0) return { scale: NaN, residual: Infinity };
  const scale = eg / ee;
  let r = 0;
  for (let i = 0; i < e.length; i++) r += (g[i] - scale * e[i]) ** 2;
  return { scale, residual: Math.sqrt(r) / Math.max(norm(g), 1e-30) };
}

const near = (x: number, target: number, rel = 0.02) => Math.abs(x - target) <= rel * Math.abs(target);

/** got = expected × a constant: names the constant (batch size, 2, sign, ...). */
export function scaleHint(factors: { value: number; hint: string }[] = []): HintRule {
  return (expected, got) => {
    const { scale, residual } = scaleFit(expected, got);
    if (!Number.isFinite(scale) || residual > 1e-3) return undefined;
    for (const f of factors) if (near(scale, f.value)) return f.hint;
    if (near(scale, -1)) return "Your values have the right size but the opposite sign: check the sign of the derivative (or of the update).";
    if (near(scale, 2)) return "Your values are exactly twice the reference: a factor of 2 (e.g. from d(x²)/dx) counted twice?";
    if (near(scale, 0.5)) return "Your values are exactly half the reference: a missing factor of 2 (d(x²)/dx = 2x)?";
    if (Math.abs(scale) > 1e-9) return `Your values are the reference times ${scale.toPrecision(4)}: a missing or extra constant factor.`;
    return undefined;
  };
}

/** got is the transpose of what was expected (square matrices, or the same element count). */
export const transposedHint: HintRule = (expected, got) => {
  if (expected.shape.length !== 2) return undefined;
  const [r, c] = expected.shape;
  if (r === c || got.data.length === r * c) {
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(expected.data[i * c + j] - got.data[j * r + i]));
        maxAbs = Math.max(maxAbs, Math.abs(expected.data[i * c + j]));
      }
    }
    if (maxDiff <= 1e-6 + 1e-3 * maxAbs && r !== c) return "Your values are the reference transposed: swap the order of the matmul operands or transpose.";
    if (maxDiff <= 1e-6 + 1e-3 * maxAbs && r === c && r > 1) return "Your matrix is the transpose of the expected one.";
  }
  return undefined;
};

/** All zeros where something else was expected. */
export const zerosHint: HintRule = (expected, got) => {
  if (norm(got.data) === 0 && norm(expected.data) > 0) return "Your result is all zeros: is the function still the starter's stub, or is a loop never writing its output?";
  return undefined;
};

/** Only the first row/sample right: a loop over the batch stops early or overwrites. */
export const firstRowOnlyHint: HintRule = (expected, got) => {
  if (expected.shape.length < 2 || expected.shape[0] < 2) return undefined;
  const rowLen = expected.data.length / expected.shape[0];
  let firstOk = true;
  let restOk = true;
  for (let i = 0; i < expected.data.length; i++) {
    const ok = Math.abs(expected.data[i] - got.data[i]) <= 1e-4 + 1e-3 * Math.abs(expected.data[i]);
    if (i < rowLen) firstOk &&= ok;
    else restOk &&= ok;
  }
  if (firstOk && !restOk) return "Only the first row is right: does your loop cover the whole batch (every row), with the right row offset?";
  return undefined;
};

export const GENERIC_HINTS: HintRule[] = [zerosHint, transposedHint, scaleHint(), firstRowOnlyHint];
