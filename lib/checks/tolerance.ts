/**
 * Tolerances in one place. An element passes when |got - expected| <= atol + rtol * |expected|
 * (numpy's allclose): relative where values are large, absolute near zero, where a purely
 * element-wise relative error would blow up.
 */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Learner (float64) against the tfjs reference (float32 arithmetic). */
export const VS_TFJS: Tolerance = { rtol: 1e-3, atol: 1e-4 };

/** Learner against a float64 reference computed in the host (metrics, schedules, counts). */
export const VS_FLOAT64: Tolerance = { rtol: 1e-9, atol: 1e-12 };

/** Learner's backward against centred differences of the learner's own forward (float64). */
export const VS_FINITE_DIFF: Tolerance = { rtol: 1e-5, atol: 1e-7 };

/** The step of centred differences: small enough for accuracy, large enough for rounding. */
export const FD_STEP = 1e-5;

export function describeTolerance(t: Tolerance): string {
  return `atol ${t.atol} + rtol ${t.rtol}·|expected|`;
}
