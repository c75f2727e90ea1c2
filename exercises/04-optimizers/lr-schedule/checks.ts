// tfjs has no learning-rate schedules: the reference is the catalogue's formulas in float64 (VS_FLOAT64).
import type { Rng } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type CheckOutcome, fmt, isClose, CheckFailure, asNumberResult, hostAnswer, describeTolerance, VS_FLOAT64, en } from "gradlab/checks";
import { expectedSchedule, scheduleMistake, type CosH, type ExpH, type H, type Name, type StepH } from "./schedule.host.ts";

// ---- checking a series of steps ------------------------------------------------------------

const describeH = (h: H) => JSON.stringify(h).replace(/"(\w+)":/g, "$1: ").replace(/,/g, ", ");

/** Evaluate the learner's schedule at every step and compare with the float64 reference. */
/** "warmupCosine over 46 steps, without warmup, past totalSteps": the kind of case, without the hyperparameters' values. */
function describeKind(name: Name, h: H, steps: number[]): string {
  const traits: string[] = [];
  if ("staircase" in h) traits.push(h.staircase ? en`staircase` : en`smooth`);
  if ("warmupSteps" in h) {
    if (h.warmupSteps === 0) traits.push(en`without warmup`);
    if (h.totalSteps === h.warmupSteps) traits.push("totalSteps = warmupSteps");
    if (h.minLr === 0) traits.push("minLr 0");
    if (steps[steps.length - 1] > h.totalSteps) traits.push(en`past totalSteps`);
  }
  // Each trait a value of its own template, so that each is translated (a joined list would not be).
  const over = en`${name} over steps ${steps[0]}–${steps[steps.length - 1]}`;
  return traits.reduce((text, trait) => en`${text}, ${trait}`, over);
}

async function expectSchedule(ctx: CheckContext, name: Name, h: H, steps: number[]): Promise<CheckOutcome> {
  ctx.describe(describeKind(name, h, steps));
  const expected = hostAnswer(expectedSchedule(name, h, steps));
  const got: number[] = [];
  // One batch for every step (one sandbox crossing); read in order, as sequential calls would be.
  const answers = await ctx.learner.callMany(name, steps.map((s) => [s, h]));
  for (const [k, s] of steps.entries()) {
    const answer = answers[k];
    if (answer.status === "rejected") throw answer.reason;
    const v = answer.value;
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new CheckFailure(en`${name}(${s}, h) returned ${v} with h = ${describeH(h)}; expected ${fmt(expected[k])}.`, {
        hint: en`A division by zero: warmupSteps can be 0 (divide by it only while step < warmupSteps), and totalSteps can equal warmupSteps (hence max(1, totalSteps - warmupSteps)).`,
      });
    }
    got.push(asNumberResult(`${name}(${s}, h)`, v));
  }
  const plot = { trajectory: { xLabel: "step", x: steps, labels: [name], expected: [expected], got: [got] } };
  const first = steps.findIndex((_, k) => !isClose(expected[k], got[k], VS_FLOAT64));
  if (first < 0) return ctx.hidden ? { output: en`Matches at ${steps.length} steps.` } : { output: en`Matches at ${steps.length} steps.`, data: plot };
  const bad = steps.filter((_, k) => !isClose(expected[k], got[k], VS_FLOAT64)).length;
  const s = steps[first];
  const msg =
    en`${name}(${s}, h) is wrong: expected ${fmt(expected[first])}, got ${fmt(got[first])}, with h = ${describeH(h)} (${bad} of ${steps.length} steps differ from the float64 reference by more than ${describeTolerance(VS_FLOAT64)}).`;
  // A mistake is named only when it explains every value, clearly better than the reference does.
  let hint = scheduleMistake(name, h, steps, got);
  if (!hint && got.every((g) => g === got[0]) && expected.some((e) => e !== expected[0])) hint = en`Your rate never changes: is the function still the starter's stub?`;
  throw new CheckFailure(msg, { hint, data: plot });
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const pick = <T,>(rng: Rng, xs: T[]) => xs[rng.int(xs.length)];

function randomStepH(rng: Rng): StepH {
  return { baseLr: pick(rng, [0.1, 0.05, 0.01, 0.3]), dropEvery: 2 + rng.int(15), factor: 0.1 + 0.8 * rng.next() };
}
function randomExpH(rng: Rng, staircase: boolean): ExpH {
  return { baseLr: pick(rng, [0.1, 0.05, 0.01, 0.3]), decayRate: 0.5 + 0.49 * rng.next(), decaySteps: 2 + rng.int(20), staircase };
}
function randomCosH(rng: Rng): CosH {
  const warmupSteps = rng.int(4) === 0 ? 0 : 1 + rng.int(15);
  const totalSteps = warmupSteps + 1 + rng.int(60);
  const baseLr = pick(rng, [0.1, 0.05, 0.01, 0.3]);
  return { baseLr, warmupSteps, totalSteps, minLr: rng.int(3) === 0 ? 0 : baseLr * 0.1 * rng.next() };
}

export default defineChecks({
  checks: [
    visible("stepDecay at steps 0–40 (baseLr 0.1, dropEvery 10, factor 0.5)", 1, (ctx) =>
      expectSchedule(ctx, "stepDecay", { baseLr: 0.1, dropEvery: 10, factor: 0.5 }, range(0, 40)),
    ),
    visible("exponentialDecay, smooth, at steps 0–40 (baseLr 0.1, decayRate 0.9, decaySteps 10)", 1, (ctx) =>
      expectSchedule(ctx, "exponentialDecay", { baseLr: 0.1, decayRate: 0.9, decaySteps: 10, staircase: false }, range(0, 40)),
    ),
    visible("exponentialDecay, staircase, at steps 0–40 (baseLr 0.1, decayRate 0.9, decaySteps 10)", 1, (ctx) =>
      expectSchedule(ctx, "exponentialDecay", { baseLr: 0.1, decayRate: 0.9, decaySteps: 10, staircase: true }, range(0, 40)),
    ),
    visible("warmupCosine during the warmup, steps 0–10 (baseLr 0.1, warmupSteps 10, totalSteps 50, minLr 0.001)", 1, (ctx) =>
      expectSchedule(ctx, "warmupCosine", { baseLr: 0.1, warmupSteps: 10, totalSteps: 50, minLr: 0.001 }, range(0, 10)),
    ),
    visible("warmupCosine during the cosine decay, steps 10–50 (same h)", 1, (ctx) =>
      expectSchedule(ctx, "warmupCosine", { baseLr: 0.1, warmupSteps: 10, totalSteps: 50, minLr: 0.001 }, range(10, 50)),
    ),
    visible("warmupCosine stays at minLr after totalSteps, steps 50–80 (same h)", 1, (ctx) =>
      expectSchedule(ctx, "warmupCosine", { baseLr: 0.1, warmupSteps: 10, totalSteps: 50, minLr: 0.001 }, range(50, 80)),
    ),
    visible("warmupCosine edge cases: no warmup (warmupSteps 0), and totalSteps = warmupSteps", 1, async (ctx) => {
      await expectSchedule(ctx, "warmupCosine", { baseLr: 0.05, warmupSteps: 0, totalSteps: 20, minLr: 0 }, range(0, 25));
      return expectSchedule(ctx, "warmupCosine", { baseLr: 0.05, warmupSteps: 5, totalSteps: 5, minLr: 0.005 }, range(0, 8));
    }),
    hidden("stepDecay with random hyperparameters", 1, (ctx) => expectSchedule(ctx, "stepDecay", randomStepH(ctx.rng), range(0, 60))),
    hidden("exponentialDecay with random hyperparameters, smooth and staircase", 1, async (ctx) => {
      await expectSchedule(ctx, "exponentialDecay", randomExpH(ctx.rng, false), range(0, 60));
      return expectSchedule(ctx, "exponentialDecay", randomExpH(ctx.rng, true), range(0, 60));
    }),
    hidden("warmupCosine with random hyperparameters, past totalSteps", 1, (ctx) => {
      const h = randomCosH(ctx.rng);
      return expectSchedule(ctx, "warmupCosine", h, range(0, h.totalSteps + 15));
    }),
  ],
});
