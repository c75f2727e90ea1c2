/**
 * Hint rules: recognise known mistakes from the numbers alone. Each rule looks at the expected
 * and received tensors (same shape) and returns a hint or nothing. Exercises add their own rules
 * (as functions of the same type) in front of the generic ones.
 */
import type { Tensor } from "../nd/index.ts";
import { isClose, VS_TFJS, VS_TFJS_RELATIVE, worstError, type Tolerance } from "./tolerance.ts";
import { en } from "../messages/text.ts";

export type HintRule = (expected: Tensor, got: Tensor) => string | undefined;

function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** Least-squares scale c such that got ≈ c * expected, and the relative residual of that fit. */
function scaleFit(expected: Tensor, got: Tensor): { scale: number; residual: number } {
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
    if (Math.abs(scale * k - Math.round(scale * k)) <= VS_TFJS.rtol * Math.abs(scale * k) && Math.round(scale * k) !== 0) {
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
    // A constant factor is read to the reference's relative tolerance: the fit's residual and the factor itself.
    const { scale, residual } = scaleFit(expected, got);
    if (!Number.isFinite(scale) || residual > VS_TFJS.rtol || Math.abs(scale) <= 1e-9 || isClose(1, scale, VS_TFJS_RELATIVE)) return undefined;
    if (isClose(-1, scale, VS_TFJS_RELATIVE)) return en`Your values have the right size but the opposite sign (the reference times -1).`;
    return en`Your values are the reference times ${describeFactor(scale)}, the same factor for every element.`;
  };
}

/** got holds the transpose of what was expected (its [c, r] layout, read as [r, c] when r ≠ c). */
export const transposedHint: HintRule = (expected, got) => {
  if (expected.shape.length !== 2) return undefined;
  const [r, c] = expected.shape;
  if (got.data.length !== r * c || (r === 1 && c === 1)) return undefined;
  const transposed = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) transposed[j * r + i] = expected.data[i * c + j];
  if (!mistakeExplains(expected.data, transposed, got.data)) return undefined;
  return r !== c ? en`Your values are the reference transposed: swap the order of the matmul operands or transpose.` : en`Your matrix is the transpose of the expected one.`;
};

/** All zeros where something else was expected. */
const zerosHint: HintRule = (expected, got) => {
  if (norm(got.data) === 0 && norm(expected.data) > 0) return en`Your result is all zeros: is the function still the starter's stub, or is a loop never writing its output?`;
  return undefined;
};

/**
 * Only the first row/sample right, most others wrong: a loop over the batch stops early or
 * overwrites. One wrong element further down is some other slip, not this one.
 */
export const firstRowOnlyHint: HintRule = (expected, got) => {
  const rows = expected.shape[0];
  if (expected.shape.length < 2 || rows < 2) return undefined;
  const rowLen = expected.data.length / rows;
  const rowRight = (r: number) => {
    for (let i = r * rowLen; i < (r + 1) * rowLen; i++) if (!isClose(expected.data[i], got.data[i], VS_TFJS)) return false;
    return true;
  };
  if (!rowRight(0)) return undefined;
  let wrongRows = 0;
  for (let r = 1; r < rows; r++) if (!rowRight(r)) wrongRows++;
  if (wrongRows > (rows - 1) / 2) return en`Only the first row is right: does your loop cover the whole batch (every row), with the right row offset?`;
  return undefined;
};

export const GENERIC_HINTS: HintRule[] = [zerosHint, transposedHint, scaleHint(), firstRowOnlyHint];
