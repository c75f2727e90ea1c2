import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type CheckOutcome, fmt, isClose, CheckFailure, asTensorResult, indexLabel, describeTolerance, type Tolerance, type Handle, worstError, en } from "gradlab/checks";
import { STEP_FN, tfTrajectory, type Hyper, type OptKind, type Run, type Trajectory } from "./ref.ts";
import { knownMistake } from "./mistakes.host.ts";

// Inputs are rounded to float32 so that tfjs (float32) and the learner (float64) start from the
// very same numbers; what remains is float32 rounding inside tfjs, far below this tolerance.
const f32 = (t: Tensor) => new Tensor(t.data.map(Math.fround), t.shape.slice());

/** Parameters after every step, against tfjs: rtol 1e-5 of the parameter, atol 1e-3 of the largest lr. */
function trajectoryTol(run: Run): Tolerance {
  return { rtol: 1e-5, atol: Number((1e-3 * Math.max(...run.hs.map((h) => h.lr))).toPrecision(2)) };
}

/** Only the fields of the kind's `h`, as the catalogue lists them. */
function hyperFor(kind: OptKind, h: Required<Hyper>): Hyper {
  switch (kind) {
    case "sgd":
      return { lr: h.lr };
    case "momentum":
      return { lr: h.lr, momentum: h.momentum };
    case "rmsprop":
      return { lr: h.lr, decay: h.decay, epsilon: h.epsilon };
    case "adam":
      return { lr: h.lr, beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon };
    case "adamw":
      return { lr: h.lr, beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon, weightDecay: h.weightDecay };
  }
}

const BASE: Required<Hyper> = { lr: 0.01, momentum: 0.9, decay: 0.9, epsilon: 1e-7, beta1: 0.9, beta2: 0.999, weightDecay: 0.1 };

interface RunSpec {
  shapes: number[][];
  steps: number;
  h: Partial<Hyper>;
  /** Standard deviation of the drawn gradients. */
  gradScale: number;
  /** Learning rate of step t (0-based), when it changes between steps. */
  lrAt?: (t: number) => number;
}

function makeRun(rng: Rng, kind: OptKind, spec: RunSpec): Run {
  const fr = (x: number) => Math.fround(x);
  const full = { ...BASE, ...spec.h } as Required<Hyper>;
  const fixed = Object.fromEntries(Object.entries(full).map(([k, v]) => [k, fr(v)])) as Required<Hyper>;
  const p0 = spec.shapes.map((s) => f32(randn(s, rng)));
  const grads: Tensor[][] = [];
  const hs: Hyper[] = [];
  for (let t = 0; t < spec.steps; t++) {
    grads.push(spec.shapes.map((s) => f32(new Tensor(randn(s, rng).data.map((g) => g * spec.gradScale), s))));
    hs.push(hyperFor(kind, spec.lrAt ? { ...fixed, lr: fr(spec.lrAt(t)) } : fixed));
  }
  return { kind, p0, grads, hs };
}

const logUniform = (rng: Rng, lo: number, hi: number) => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.next());

function randomShapes(rng: Rng): number[][] {
  const n = 1 + rng.int(3);
  return Array.from({ length: n }, () => (rng.int(2) === 0 ? [1 + rng.int(6)] : [1 + rng.int(4), 1 + rng.int(4)]));
}

function randomRun(rng: Rng, kind: OptKind): Run {
  const lr = logUniform(rng, 1e-3, 1e-1);
  const h: Partial<Hyper> = {
    lr,
    momentum: 0.5 + 0.49 * rng.next(),
    decay: [0.9, 0.95, 0.99][rng.int(3)],
    epsilon: logUniform(rng, 1e-6, 1e-2),
    beta1: [0.8, 0.9, 0.95][rng.int(3)],
    beta2: [0.99, 0.995, 0.999][rng.int(3)],
    weightDecay: 0.02 + 0.2 * rng.next(),
  };
  const factors = Array.from({ length: 12 }, () => 0.3 + 0.7 * rng.next());
  const lrAt = kind === "momentum" && rng.int(2) === 0 ? (t: number) => lr * factors[t] : undefined;
  return makeRun(rng, kind, { shapes: randomShapes(rng), steps: 8 + rng.int(5), h, gradScale: logUniform(rng, 0.02, 1), lrAt });
}

// ---- comparing trajectories -------------------------------------------------------------

const TFJS_NAME: Record<OptKind, string> = {
  sgd: "tf.train.sgd",
  momentum: "tf.train.momentum",
  rmsprop: "tf.train.rmsprop",
  adam: "tf.train.adam",
  adamw: en`tf.train.adam + decoupled decay`,
};

/** Worst error of `got` (steps 1..t) against `ref`, in units of `tol` (≤ 1 means within). */
function worstRatio(ref: Trajectory, got: Trajectory, t: number, tol: Tolerance): number {
  let worst = 0;
  for (let s = 1; s <= t; s++) {
    for (let i = 0; i < ref[s].length; i++) worst = Math.max(worst, worstError(ref[s][i].data, got[s][i].data, tol));
  }
  return worst;
}

/**
 * Name the mistake behind a trajectory that first diverged at step t (`got` may go on to later
 * steps). A known mistake is named only when it explains the whole trajectory within the normal
 * tolerance and clearly better than the reference.
 */
function diagnose(run: Run, expected: Trajectory, got: Trajectory, t: number, interleaved: boolean): string | undefined {
  const moved = got[t].some((p, i) => p.data.some((x, j) => x !== got[t - 1][i].data[j]));
  if (!moved) {
    return t === 1
      ? en`Your step did not change the parameters. Update them in place: params[i].data[j] -= ... . Assigning params[i] = newTensor, or returning new tensors, leaves the caller's parameters where they were.`
      : en`Step ${t} did not move the parameters at all, while the earlier steps did.`;
  }
  const tol = trajectoryTol(run);
  const last = got.length - 1;
  const known = knownMistake(run, (simulated) => worstRatio(simulated, got, last, tol), worstRatio(expected, got, last, tol));
  if (known) return known;
  // Every displacement from p0 has the opposite sign of the reference's: the update goes uphill.
  const flipped = got[t].every((p, i) => p.data.every((x, j) => isClose(-(expected[t][i].data[j] - run.p0[i].data[j]), x - run.p0[i].data[j], tol)));
  if (flipped) return en`Your parameters move the opposite way: an optimizer step subtracts the update from the parameters (p -= ...).`;
  if (interleaved) {
    return en`Two runs with their own \`state\` objects were stepped alternately. If one run alone is right, your optimizer keeps something outside \`state\` (a module-level variable, a counter shared by every run): keep moments and the step counter in the \`state\` object each call receives.`;
  }
  if (t > 1) return en`Step 1 matched tfjs; the difference shows from step ${t} on, so it builds up over the steps: compare what your step carries from one call to the next (\`state\`) and each term of the update with the formulas in the statement.`;
  return undefined;
}

/** Up to four coordinates (the first two of each parameter) as series over the steps, for the UI's plot. */
function plotData(expected: Trajectory, got: Trajectory) {
  const coords: [number, number][] = [];
  for (let i = 0; i < expected[0].length && coords.length < 4; i++) {
    for (let j = 0; j < Math.min(2, expected[0][i].data.length) && coords.length < 4; j++) coords.push([i, j]);
  }
  const series = (traj: Trajectory) => coords.map(([i, j]) => traj.map((ps) => ps[i].data[j]));
  return {
    trajectory: {
      xLabel: "step",
      x: expected.map((_, t) => t),
      labels: coords.map(([i, j]) => `params[${i}]${indexLabel(expected[0][i].shape, j)}`),
      expected: series(expected),
      got: series(got),
    },
  };
}

/**
 * Step t of a run and the parameters read back after it, as one batch (one sandbox crossing): the
 * reads run only if the step did, and their answers are checked in order, as sequential reads were.
 */
async function stepAndRead(ctx: CheckContext, run: Run, params: Handle[], state: Handle, t: number): Promise<Tensor[]> {
  const step = ctx.learner.call(STEP_FN[run.kind], params, run.grads[t - 1], state, run.hs[t - 1]);
  const reads = params.map((h, i) => ctx.learner.get(h, en`params[${i}] after step ${t}`));
  const [stepped, ...values] = await Promise.allSettled([step, ...reads]);
  if (stepped.status === "rejected") throw stepped.reason;
  return readParams(values, run, t);
}

function readParams(values: PromiseSettledResult<unknown>[], run: Run, t: number): Tensor[] {
  const out: Tensor[] = [];
  for (let i = 0; i < values.length; i++) {
    const label = en`params[${i}] after step ${t}`;
    try {
      const read = values[i];
      if (read.status === "rejected") throw read.reason;
      out.push(asTensorResult(label, read.value, run.p0[i].shape));
    } catch (e) {
      if (!(e instanceof CheckFailure)) throw e;
      const nonFinite = / contains (NaN|-?Infinity) /.test(e.message);
      const adam = run.kind === "adam" || run.kind === "adamw";
      const hint = !nonFinite
        ? e.hint ?? en`Keep each parameter's shape, and update its data in place.`
        : adam
          ? en`A non-finite parameter: the bias correction divides by 1 - beta^t, which is 0 when t is 0. t is the step number, 1 on the first call.`
          : en`A non-finite parameter: a division by zero (sqrt(ms) without epsilon?) or an accumulator that was never initialised (undefined + number is NaN)?`;
      throw new CheckFailure(e.message, { hint });
    }
  }
  return out;
}

/** "adamStep, 9 steps on parameters [4], [2,3]": the kind of run, without its values. */
function describeRun(run: Run): string {
  const lrChanges = run.hs.some((h) => h.lr !== run.hs[0].lr) ? en`, a learning rate that changes every step` : "";
  return en`${STEP_FN[run.kind]}, ${run.grads.length} steps on parameters ${run.p0.map((p) => `[${p.shape}]`).join(", ")}${lrChanges}`;
}

/** The elements of params after step t that are off `ref` (indices into each parameter), or undefined when all are within. */
function offElements(ref: Trajectory, now: Tensor[], t: number, tol: Tolerance): { i: number; bad: number[] } | undefined {
  for (let i = 0; i < now.length; i++) {
    const e = ref[t][i].data;
    const bad: number[] = [];
    for (let j = 0; j < e.length; j++) if (!isClose(e[j], now[i].data[j], tol)) bad.push(j);
    if (bad.length) return { i, bad };
  }
  return undefined;
}

/**
 * The learner's remaining steps of a run that diverged, for the diagnosis: a mistake that grows
 * slowly is told apart from the reference only over the whole run. Stops quietly at any failure.
 */
async function finishRun(ctx: CheckContext, run: Run, params: Handle[], state: Handle, got: Trajectory): Promise<void> {
  try {
    for (let t = got.length; t <= run.grads.length; t++) {
      got.push(await stepAndRead(ctx, run, params, state, t));
    }
  } catch (e) {
    if (!(e instanceof CheckFailure)) throw e;
  }
}

/**
 * Step every run with the learner's optimizer (alternating between runs when there are several),
 * reading the parameters back after each step and comparing them with tfjs's trajectory.
 * The parameters live in the sandbox: each tensor is `put` once and the learner updates it in place.
 * Adam in its efficient form (epsilon added to sqrt(v), not to sqrt(v̂)) is correct too: a run that
 * leaves tf.train.adam is compared with tf.train.adam in that form before it fails.
 */
async function expectTrajectories(ctx: CheckContext, runs: Run[]): Promise<CheckOutcome> {
  ctx.describe(runs.map(describeRun).join("; "));
  const expected = runs.map((r) => tfTrajectory(ctx.tf, r));
  const efficient: (Trajectory | undefined)[] = runs.map(() => undefined);
  const follows = runs.map((_, k) => expected[k]);
  const got: Trajectory[] = runs.map((r) => [r.p0]);
  const params: Handle[][] = [];
  const states: Handle[] = [];
  for (const r of runs) {
    const hs: Handle[] = [];
    for (const p of r.p0) hs.push(await ctx.learner.put(p));
    params.push(hs);
    states.push(await ctx.learner.put({}));
  }
  const steps = runs[0].grads.length;
  const interleaved = runs.length > 1;
  for (let t = 1; t <= steps; t++) {
    for (let k = 0; k < runs.length; k++) {
      const run = runs[k];
      const now = await stepAndRead(ctx, run, params[k], states[k], t);
      got[k].push(now);
      const tol = trajectoryTol(run);
      const off = offElements(follows[k], now, t, tol);
      if (!off) continue;
      if ((run.kind === "adam" || run.kind === "adamw") && follows[k] === expected[k]) {
        const alt = (efficient[k] ??= tfTrajectory(ctx.tf, run, { epsilonHat: true }));
        if (got[k].every((ps, s) => s === 0 || !offElements(alt, ps, s, tol))) {
          follows[k] = alt;
          continue;
        }
      }
      const { i, bad } = off;
      const j = bad[0];
      const e = follows[k][t][i].data;
      const which = interleaved ? ` of run ${"AB"[k] ?? k}` : "";
      const msg =
        en`Step ${t} of ${steps} is the first that diverges from ${TFJS_NAME[run.kind]}: after it, params[${i}]${indexLabel(run.p0[i].shape, j)}${which} should be ${fmt(e[j])}, got ${fmt(now[i].data[j])} (it was ${fmt(got[k][t - 1][i].data[j])} before the step; ${bad.length} of ${e.length} elements of params[${i}] differ by more than ${describeTolerance(tol)}).`;
      if (!interleaved) await finishRun(ctx, run, params[k], states[k], got[k]);
      const hint = diagnose(run, follows[k], got[k], t, interleaved);
      throw new CheckFailure(msg, { hint, data: plotData(follows[k], got[k]) });
    }
  }
  const what = interleaved ? `${runs.length} interleaved runs` : `${steps} steps`;
  const form = follows.some((f, k) => f !== expected[k]) ? en` (in Adam's efficient form: epsilon added to sqrt(v) with the bias corrections folded into the step size)` : "";
  const output = en`Matches ${TFJS_NAME[runs[0].kind]} over ${what}${form}.`;
  return ctx.hidden ? { output } : { output, data: plotData(follows[0], got[0]) };
}

// ---- the cases -----------------------------------------------------------------------------

const SHAPES = [[2, 3], [3]];

export default defineChecks({
  checks: [
    visible("sgdStep follows tf.train.sgd for 10 steps (lr 0.1)", 1, (ctx) =>
      expectTrajectories(ctx, [makeRun(ctx.rng, "sgd", { shapes: SHAPES, steps: 10, h: { lr: 0.1 }, gradScale: 1 })]),
    ),
    visible("momentumStep follows tf.train.momentum for 10 steps (lr 0.05, momentum 0.9)", 1, (ctx) =>
      expectTrajectories(ctx, [makeRun(ctx.rng, "momentum", { shapes: SHAPES, steps: 10, h: { lr: 0.05, momentum: 0.9 }, gradScale: 1 })]),
    ),
    visible("momentumStep with a learning rate that changes every step (lr 0.1·0.7^t)", 1, (ctx) =>
      expectTrajectories(ctx, [makeRun(ctx.rng, "momentum", { shapes: SHAPES, steps: 10, h: { momentum: 0.9 }, gradScale: 1, lrAt: (t) => 0.1 * 0.7 ** t })]),
    ),
    visible("rmspropStep follows tf.train.rmsprop for 10 steps (lr 0.01, decay 0.9, epsilon 1e-3)", 1, (ctx) =>
      expectTrajectories(ctx, [makeRun(ctx.rng, "rmsprop", { shapes: SHAPES, steps: 10, h: { lr: 0.01, decay: 0.9, epsilon: 1e-3 }, gradScale: 0.1 })]),
    ),
    visible("adamStep follows tf.train.adam for 10 steps (lr 0.01, beta1 0.9, beta2 0.999, epsilon 1e-7)", 1, (ctx) =>
      expectTrajectories(ctx, [makeRun(ctx.rng, "adam", { shapes: SHAPES, steps: 10, h: { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, gradScale: 0.1 })]),
    ),
    visible("adamwStep follows tf.train.adam plus decoupled decay for 10 steps (weightDecay 0.1)", 1, (ctx) =>
      expectTrajectories(ctx, [makeRun(ctx.rng, "adamw", { shapes: SHAPES, steps: 10, h: { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.1 }, gradScale: 0.1 })]),
    ),
    visible("adamStep keeps each run's state in its own `state` (two runs stepped alternately)", 1, (ctx) => {
      const h = { lr: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
      return expectTrajectories(ctx, [
        makeRun(ctx.rng, "adam", { shapes: SHAPES, steps: 8, h, gradScale: 0.5 }),
        makeRun(ctx.rng, "adam", { shapes: [[4]], steps: 8, h, gradScale: 0.05 }),
      ]);
    }),
    hidden("sgdStep and momentumStep on random shapes and hyperparameters", 1, async (ctx) => {
      await expectTrajectories(ctx, [randomRun(ctx.rng, "sgd")]);
      await expectTrajectories(ctx, [randomRun(ctx.rng, "momentum")]);
      return { output: en`Matches tf.train.sgd and tf.train.momentum.` };
    }),
    hidden("rmspropStep on random shapes and hyperparameters", 1, (ctx) => expectTrajectories(ctx, [randomRun(ctx.rng, "rmsprop")])),
    hidden("adamStep and adamwStep on random shapes and hyperparameters", 1, async (ctx) => {
      await expectTrajectories(ctx, [randomRun(ctx.rng, "adam")]);
      await expectTrajectories(ctx, [randomRun(ctx.rng, "adamw")]);
      return { output: en`Matches tf.train.adam, and tf.train.adam plus decoupled decay.` };
    }),
  ],
});
