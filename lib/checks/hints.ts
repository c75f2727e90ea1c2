/**
 * Hint rules: recognise known mistakes from the numbers alone. Each rule looks at the expected
 * and received tensors (same shape) and returns a hint or nothing. Exercises add their own rules
 * (as functions of the same type) in front of the generic ones.
 */
import type { Tensor } from "../nd/index.ts";
import { VS_TFJS, type Tolerance } from "./tolerance.ts";

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

/** Worst error of `got` against `ref`, in units of the tolerance (≤ 1: every element within it). */
export function worstError(ref: ArrayLike<number>, got: ArrayLike<number>, tol: Tolerance): number {
  if (ref.length !== got.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    const g = got[i];
    if (Number.isNaN(r) || Number.isNaN(g)) return Infinity;
    if (!Number.isFinite(r) || !Number.isFinite(g)) {
      if (r !== g) return Infinity;
      continue;
    }
    worst = Math.max(worst, Math.abs(g - r) / (tol.atol + tol.rtol * Math.abs(r)));
  }
  return worst;
}

/**
 * How much better a mistake must explain the learner's values than the reference does before a
 * hint may name it: the reference's worst error (in tolerances) over the mistake's.
 */
export const CLEARLY_BETTER = 4;

/**
 * Whether a known mistake explains the learner's values: every element within the normal
 * tolerance of what the mistake produces, and clearly closer to it than to the reference (a
 * mistake whose values are nearly the reference's names nothing: the learner may have made
 * any other small slip).
 */
export function mistakeExplains(expected: ArrayLike<number>, mistake: ArrayLike<number>, got: ArrayLike<number>, tol: Tolerance = VS_TFJS): boolean {
  const toMistake = worstError(mistake, got, tol);
  if (!(toMistake <= 1)) return false;
  const toExpected = worstError(expected, got, tol);
  return toExpected > 1 && toExpected >= CLEARLY_BETTER * Math.max(toMistake, 0.5);
}

/** A factor for the message: "2", "0.5", "1/3", "-1", or 4 significant digits. */
function describeFactor(scale: number): string {
  for (const k of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16]) {
    if (Math.abs(scale * k - Math.round(scale * k)) <= 1e-3 * Math.abs(scale * k) && Math.round(scale * k) !== 0) {
      const num = Math.round(scale * k);
      return k === 1 ? String(num) : Math.abs(num) === 1 ? `${num < 0 ? "-" : ""}1/${k}` : String(Number((num / k).toPrecision(4)));
    }
  }
  return String(Number(scale.toPrecision(4)));
}

/**
 * got = expected × a constant. A named factor's hint (batch size, alpha / r...) is given only
 * when that factor explains the values (`mistakeExplains`); otherwise the hint says what is
 * observed, "your values are 2x the reference", and invents no cause.
 */
export function scaleHint(factors: { value: number; hint: string }[] = [], tol: Tolerance = VS_TFJS): HintRule {
  return (expected, got) => {
    for (const f of factors) {
      if (f.value === 1 || !Number.isFinite(f.value)) continue;
      if (mistakeExplains(expected.data, expected.data.map((v) => v * f.value), got.data, tol)) return f.hint;
    }
    const { scale, residual } = scaleFit(expected, got);
    if (!Number.isFinite(scale) || residual > 1e-3 || Math.abs(scale) <= 1e-9 || Math.abs(scale - 1) < 1e-3) return undefined;
    if (Math.abs(scale + 1) <= 1e-3) return "Your values have the right size but the opposite sign (the reference times -1).";
    return `Your values are the reference times ${describeFactor(scale)}, the same factor for every element.`;
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
