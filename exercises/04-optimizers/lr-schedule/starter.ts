// Learning rate at a 0-based step (the first step is step 0). Return a plain number.

/**
 * baseLr * factor^floor(step / dropEvery).
 * Checked by: "stepDecay ..." checks.
 */
export function stepDecay(step: number, h: { baseLr: number; dropEvery: number; factor: number }): number {
  // TODO: implement
  return h.baseLr;
}

/**
 * baseLr * decayRate^(step / decaySteps), the exponent floored when staircase.
 * Checked by: "exponentialDecay ..." checks.
 */
export function exponentialDecay(step: number, h: { baseLr: number; decayRate: number; decaySteps: number; staircase: boolean }): number {
  // TODO: implement
  return h.baseLr;
}

/**
 * Linear warmup from 0 to baseLr over warmupSteps, then cosine decay to minLr at totalSteps, minLr after.
 * Checked by: "warmupCosine ..." checks.
 */
export function warmupCosine(step: number, h: { baseLr: number; warmupSteps: number; totalSteps: number; minLr: number }): number {
  // TODO: implement
  return h.baseLr;
}
