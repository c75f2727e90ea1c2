/**
 * Tolerances in one place, and the one rule that applies them. An element passes when
 * |got - expected| <= atol + rtol * |expected| (numpy's allclose): relative where values are
 * large, absolute near zero, where a purely element-wise relative error would blow up.
 */
import { en } from "../messages/text.ts";

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Learner (float64) against the tfjs reference (float32 arithmetic). */
export const VS_TFJS: Tolerance = { rtol: 1e-3, atol: 1e-4 };

/**
 * VS_TFJS's relative part alone, for a ratio or a scalar whose scale is known ("the loss is N
 * times the reference"), where an absolute floor would mean nothing.
 */
export const VS_TFJS_RELATIVE: Tolerance = { rtol: VS_TFJS.rtol, atol: 0 };

/** Learner against a float64 reference computed in the host (metrics, schedules, counts). */
export const VS_FLOAT64: Tolerance = { rtol: 1e-9, atol: 1e-12 };

/** Learner's backward against centred differences of the learner's own forward (float64). */
export const VS_FINITE_DIFF: Tolerance = { rtol: 1e-5, atol: 1e-7 };

/** Backward against a float32 forward's slope: float32 agreement, as against the tfjs reference. */
export const VS_FINITE_DIFF_FLOAT32: Tolerance = { rtol: VS_TFJS.rtol, atol: 1e-6 };

/** The step of centred differences: small enough for accuracy, large enough for rounding. */
export const FD_STEP = 1e-5;

export function describeTolerance(t: Tolerance): string {
  return en`atol ${t.atol} + rtol ${t.rtol}·|expected|`;
}

/** Is |got - expected| within tolerance? NaN is never close; ±Infinity only to itself. */
export function isClose(expected: number, got: number, tol: Tolerance): boolean {
  if (Number.isNaN(expected) || Number.isNaN(got)) return false;
  if (!Number.isFinite(expected) || !Number.isFinite(got)) return expected === got;
  return Math.abs(got - expected) <= tol.atol + tol.rtol * Math.abs(expected);
}

/** |got - expected| in units of the tolerance at `expected` (≤ 1: close, for finite values). */
export function toleranceRatio(expected: number, got: number, tol: Tolerance): number {
  return Math.abs(got - expected) / (tol.atol + tol.rtol * Math.abs(expected));
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
    worst = Math.max(worst, toleranceRatio(r, g, tol));
  }
  return worst;
}
