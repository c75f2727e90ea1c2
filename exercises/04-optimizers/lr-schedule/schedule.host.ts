// The reference (the catalogue's formulas, float64) and the known mistakes' schedules. Server-only:
// in the browser's Run these answer only the calls recorded from the solution's visible run
// (docs/authoring.md, "What Run ships").
import { mistakeExplains, en } from "gradlab/checks";

export interface StepH { baseLr: number; dropEvery: number; factor: number }
export interface ExpH { baseLr: number; decayRate: number; decaySteps: number; staircase: boolean }
export interface CosH { baseLr: number; warmupSteps: number; totalSteps: number; minLr: number }
export type Name = "stepDecay" | "exponentialDecay" | "warmupCosine";
export type H = StepH | ExpH | CosH;
type Schedule = (step: number, h: never) => number;

// ---- the reference (the catalogue's formulas) ----------------------------------------------

function refStepDecay(step: number, h: StepH): number {
  return h.baseLr * h.factor ** Math.floor(step / h.dropEvery);
}
function refExponentialDecay(step: number, h: ExpH): number {
  const e = step / h.decaySteps;
  return h.baseLr * h.decayRate ** (h.staircase ? Math.floor(e) : e);
}
function refWarmupCosine(step: number, h: CosH): number {
  if (step < h.warmupSteps) return (h.baseLr * step) / h.warmupSteps;
  const p = Math.min(1, (step - h.warmupSteps) / Math.max(1, h.totalSteps - h.warmupSteps));
  return h.minLr + ((h.baseLr - h.minLr) * (1 + Math.cos(Math.PI * p))) / 2;
}
const REFERENCE: Record<Name, Schedule> = { stepDecay: refStepDecay, exponentialDecay: refExponentialDecay, warmupCosine: refWarmupCosine } as Record<Name, Schedule>;

// ---- known mistakes, recognised from the values --------------------------------------------

const cosineWith = (p: (step: number, h: CosH) => number, warm: (step: number, h: CosH) => number) => (step: number, h: CosH) =>
  step < h.warmupSteps ? warm(step, h) : h.minLr + ((h.baseLr - h.minLr) * (1 + Math.cos(Math.PI * p(step, h)))) / 2;
const pUnclamped = (step: number, h: CosH) => (step - h.warmupSteps) / Math.max(1, h.totalSteps - h.warmupSteps);
const pOf = (step: number, h: CosH) => Math.min(1, pUnclamped(step, h));
const linearWarmup = (step: number, h: CosH) => (h.baseLr * step) / h.warmupSteps;

const MISTAKES: Record<Name, { f: Schedule; hint: string }[]> = {
  stepDecay: [
    { f: ((s: number, h: StepH) => refStepDecay(s + 1, h)) as Schedule, hint: en`Your values are one step ahead: steps are 0-based, so step 0 gets baseLr and the first drop happens at step = dropEvery.` },
    { f: ((s: number, h: StepH) => h.baseLr * h.factor ** (s / h.dropEvery)) as Schedule, hint: en`The exponent is not floored: step decay drops in steps, factor^floor(step / dropEvery).` },
    { f: ((s: number, h: StepH) => h.baseLr * h.factor ** Math.round(s / h.dropEvery)) as Schedule, hint: en`The exponent is rounded; it must be floored: floor(step / dropEvery).` },
    { f: ((s: number, h: StepH) => h.baseLr * h.factor ** Math.ceil(s / h.dropEvery)) as Schedule, hint: en`The exponent is rounded up; it must be floored: floor(step / dropEvery).` },
  ],
  exponentialDecay: [
    { f: ((s: number, h: ExpH) => refExponentialDecay(s + 1, h)) as Schedule, hint: en`Your values are one step ahead: steps are 0-based, so step 0 gets baseLr.` },
    { f: ((s: number, h: ExpH) => refExponentialDecay(s, { ...h, staircase: false })) as Schedule, hint: en`With staircase: true the exponent step / decaySteps must be floored (the rate changes only every decaySteps steps).` },
    { f: ((s: number, h: ExpH) => refExponentialDecay(s, { ...h, staircase: true })) as Schedule, hint: en`With staircase: false the exponent step / decaySteps is not floored: the decay is smooth.` },
    { f: ((s: number, h: ExpH) => h.baseLr * h.decayRate ** s) as Schedule, hint: en`The exponent is the step itself; it is step / decaySteps (decayRate is the factor per decaySteps steps).` },
  ],
  warmupCosine: [
    { f: ((s: number, h: CosH) => refWarmupCosine(s + 1, h)) as Schedule, hint: en`Your values are one step ahead: steps are 0-based, so step 0 gets 0 (the start of the warmup).` },
    { f: cosineWith(pOf, (s, h) => linearWarmup(s + 1, h)) as Schedule, hint: en`The warmup starts at baseLr / warmupSteps instead of 0: during warmup the rate is baseLr * step / warmupSteps, with step starting at 0.` },
    { f: cosineWith(pUnclamped, linearWarmup) as Schedule, hint: en`After totalSteps your rate rises again: clamp p = min(1, ...) so that the rate stays at minLr once the cosine is done.` },
    { f: cosineWith((s, h) => Math.min(1, s / h.totalSteps), linearWarmup) as Schedule, hint: en`The cosine phase starts after the warmup: p = (step - warmupSteps) / (totalSteps - warmupSteps), not step / totalSteps.` },
    { f: cosineWith((s, h) => Math.min(1, (s - h.warmupSteps) / h.totalSteps), linearWarmup) as Schedule, hint: en`p divides by totalSteps; the cosine phase lasts totalSteps - warmupSteps steps: p = (step - warmupSteps) / max(1, totalSteps - warmupSteps).` },
    { f: cosineWith(pOf, (s, h) => h.minLr + ((h.baseLr - h.minLr) * s) / h.warmupSteps) as Schedule, hint: en`The warmup rises from minLr; it rises from 0: baseLr * step / warmupSteps.` },
  ],
};

/** The reference rate at each step. */
export function expectedSchedule(name: Name, h: H, steps: number[]): number[] {
  return steps.map((s) => REFERENCE[name](s, h as never));
}

/** The hint of the known mistake that explains the learner's rates (within tolerance, clearly better than the reference), if any. */
export function scheduleMistake(name: Name, h: H, steps: number[], got: number[]): string | undefined {
  const expected = expectedSchedule(name, h, steps);
  const matches = (f: Schedule) => mistakeExplains(expected, steps.map((st) => f(st, h as never)), got, { rtol: 1e-6, atol: 1e-9 });
  return MISTAKES[name].find((m) => matches(m.f))?.hint;
}
