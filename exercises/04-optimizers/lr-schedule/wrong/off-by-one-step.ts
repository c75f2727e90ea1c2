// Mistake: treats the step as 1-based (uses step + 1), so step 0 is already one step in.
export function stepDecay(step: number, h: { baseLr: number; dropEvery: number; factor: number }): number {
  return h.baseLr * h.factor ** Math.floor((step + 1) / h.dropEvery);
}

export function exponentialDecay(step: number, h: { baseLr: number; decayRate: number; decaySteps: number; staircase: boolean }): number {
  const e = (step + 1) / h.decaySteps;
  return h.baseLr * h.decayRate ** (h.staircase ? Math.floor(e) : e);
}

export function warmupCosine(step: number, h: { baseLr: number; warmupSteps: number; totalSteps: number; minLr: number }): number {
  step += 1;
  if (step < h.warmupSteps) return (h.baseLr * step) / h.warmupSteps;
  const p = Math.min(1, (step - h.warmupSteps) / Math.max(1, h.totalSteps - h.warmupSteps));
  return h.minLr + ((h.baseLr - h.minLr) * (1 + Math.cos(Math.PI * p))) / 2;
}
