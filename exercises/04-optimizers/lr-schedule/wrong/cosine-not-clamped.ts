// Mistake: p is not clamped to 1, so after totalSteps the cosine rises again instead of staying at minLr.
export function stepDecay(step: number, h: { baseLr: number; dropEvery: number; factor: number }): number {
  return h.baseLr * h.factor ** Math.floor(step / h.dropEvery);
}

export function exponentialDecay(step: number, h: { baseLr: number; decayRate: number; decaySteps: number; staircase: boolean }): number {
  const e = step / h.decaySteps;
  return h.baseLr * h.decayRate ** (h.staircase ? Math.floor(e) : e);
}

export function warmupCosine(step: number, h: { baseLr: number; warmupSteps: number; totalSteps: number; minLr: number }): number {
  if (step < h.warmupSteps) return (h.baseLr * step) / h.warmupSteps;
  const p = (step - h.warmupSteps) / Math.max(1, h.totalSteps - h.warmupSteps);
  return h.minLr + ((h.baseLr - h.minLr) * (1 + Math.cos(Math.PI * p))) / 2;
}
