import type * as TF from "@tensorflow/tfjs";
import { Tensor } from "gradlab/nd";
import {
  CheckFailure,
  InvalidValue,
  SandboxFn,
  accuracyOf,
  argmaxRows,
  asNumberResult,
  asObjectResult,
  asTensorResult,
  curveData,
  defineChecks,
  describe,
  hidden,
  meanCrossEntropy,
  referenceMlpLogits,
  visible,
  type CheckContext,
  type CheckOutcome,
  type DenseParams,
  type Tf, en } from "gradlab/checks";
import { spiralGeometry, spiralPoints, type SpiralPoints } from "../../../datasets/spirals.ts";

// ---- the task: a budget, and spirals drawn from a seed --------------------------------------------

export const DEPTHS = [1, 2, 3, 4] as const;
/** The budget, the same for every depth (statement.md, "The budget"). */
export const BUDGET = { steps: 1500, batchSize: 32, lr: 0.01 } as const;
export const TRAIN_POINTS = 400;
export const VALIDATION_POINTS = 400;
export const HELD_OUT_POINTS = 2000;
/** The visible task: a fixed spiral, hidden width 16. */
export const VISIBLE_SEED = 0x5d3e_a101;
export const VISIBLE_HIDDEN = 16;
/** Hidden tasks: a spiral and a width drawn per submission. */
export const HIDDEN_WIDTHS = [16, 20, 24];

export interface Task {
  x: Tensor;
  y: Int32Array;
  xVal: Tensor;
  yVal: Int32Array;
  hidden: number;
  steps: number;
  batchSize: number;
  lr: number;
}

/** One study's inputs: what the learner receives (`task`), what only the grader sees (`heldOut`). */
export interface Setup {
  task: Task;
  heldOut: SpiralPoints;
  randomSeed: number;
}

/** A 32-bit hash of (seed, stream): independent seeds for the geometry, each point set and `random`. */
export function mixSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e37_79b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function makeSetup(seed: number, hidden: number, heldOutPoints: number): Setup {
  const g = spiralGeometry(mixSeed(seed, 1));
  const train = spiralPoints(g, TRAIN_POINTS, mixSeed(seed, 2));
  const val = spiralPoints(g, VALIDATION_POINTS, mixSeed(seed, 3));
  return {
    task: { x: train.x, y: train.y, xVal: val.x, yVal: val.y, hidden, ...BUDGET },
    heldOut: spiralPoints(g, heldOutPoints, mixSeed(seed, 4)),
    randomSeed: mixSeed(seed, 5),
  };
}

export const visibleSetup = () => makeSetup(VISIBLE_SEED, VISIBLE_HIDDEN, 1000);
/** The hidden task of a submission: the same for all its hidden checks; its seed never leaves the grader. */
export const hiddenSetup = (submissionSeed: number) => makeSetup(submissionSeed, HIDDEN_WIDTHS[mixSeed(submissionSeed, 6) % HIDDEN_WIDTHS.length], HELD_OUT_POINTS);

// ---- what the learner returns ---------------------------------------------------------------------

const LABEL = "depthStudy(task, random)";

export interface DepthModel {
  depth: number;
  layers: DenseParams[];
  params: unknown;
  accuracy: unknown;
  losses: unknown;
}

const sizesOf = (depth: number, hidden: number) => [2, ...Array<number>(depth - 1).fill(hidden), 2];
const arch = (sizes: number[]) => sizes.join(" → ");

/** `layers` of result `i`: exactly `depth` dense layers 2 → hidden → … → 2. */
function asLayers(label: string, v: unknown, depth: number, hidden: number): DenseParams[] {
  const sizes = sizesOf(depth, hidden);
  const want = en`depth ${depth} is ${depth} dense layer${depth > 1 ? "s" : ""}, ${arch(sizes)}`;
  if (v instanceof InvalidValue) throw new CheckFailure(en`${label} could not be read: it holds ${v.why}.`);
  if (!Array.isArray(v)) throw new CheckFailure(en`${label} is ${describe(v)}; expected an array of dense layers { w, b } (${want}).`);
  if (v.length !== depth) {
    throw new CheckFailure(en`${label} has ${v.length} layer${v.length === 1 ? "" : "s"}; ${want}.`, {
      hint:
        v.length === depth + 1
          ? en`The depth counts the dense layers (weight matrices), not the hidden layers: depth 1 is a single dense layer 2 → 2 (a linear model), depth d has d − 1 hidden layers.`
          : en`The depth is the number of dense layers: ${depth - 1} hidden layer${depth === 2 ? "" : "s"} of task.hidden units, then the output layer of 2 logits.`,
    });
  }
  return v.map((item, i) => {
    const o = asObjectResult(`${label}[${i}]`, item, ["w", "b"]);
    const w = asTensorResult(`${label}[${i}].w`, o.w);
    if (w.shape.length !== 2 || w.shape[0] !== sizes[i] || w.shape[1] !== sizes[i + 1]) {
      throw new CheckFailure(en`${label}[${i}].w has shape [${w.shape}]; ${want}, so it must be [${sizes[i]}, ${sizes[i + 1]}].`, {
        hint: w.shape[0] === sizes[i + 1] && w.shape[1] === sizes[i] ? en`w is [in, out] (x · w), not [out, in].` : en`Every hidden layer has task.hidden units; the input has 2 coordinates and the output 2 logits.`,
      });
    }
    return { w, b: asTensorResult(`${label}[${i}].b`, o.b, [sizes[i + 1]]) };
  });
}

function asStudy(v: unknown, hidden: number): DepthModel[] {
  if (v instanceof InvalidValue) throw new CheckFailure(en`${LABEL} returned something that could not be read: ${v.why}.`);
  if (!Array.isArray(v)) throw new CheckFailure(en`${LABEL} returned ${describe(v)}; expected an array of 4 results, for depths 1, 2, 3 and 4 in that order.`);
  if (v.length !== DEPTHS.length) {
    throw new CheckFailure(en`${LABEL} returned ${v.length} result${v.length === 1 ? "" : "s"}; expected 4, for depths 1, 2, 3 and 4 in that order.`, {
      hint: v.length === 3 ? en`Depth 1 (a single dense layer, the linear model) is part of the study: it is the baseline the deeper models are compared with.` : undefined,
    });
  }
  return v.map((item, i) => {
    const o = asObjectResult(`${LABEL}[${i}]`, item, ["depth", "layers", "params", "accuracy", "losses"]);
    const depth = asNumberResult(`${LABEL}[${i}].depth`, o.depth);
    if (depth !== i + 1) throw new CheckFailure(en`${LABEL}[${i}].depth is ${depth}; the results come in order of depth: [0] is depth 1, …, [3] is depth 4.`);
    return { depth, layers: asLayers(`${LABEL}[${i}].layers`, o.layers, depth, hidden), params: o.params, accuracy: o.accuracy, losses: o.losses };
  });
}

// ---- one study per task and learner session --------------------------------------------------------

interface Study {
  setup: Setup;
  models: DepthModel[];
}

/** One study a set a grade (shared by its checks). */
function study(ctx: CheckContext, which: "visible" | "hidden"): Promise<Study> {
  return ctx.shared(`study:${which}`, async () => {
    const setup = which === "visible" ? visibleSetup() : hiddenSetup(ctx.submissionSeed ?? ctx.seed);
    const out = await ctx.learner.call("depthStudy", setup.task, new SandboxFn("uniform", [setup.randomSeed]));
    return { setup, models: asStudy(out, setup.task.hidden) };
  });
}

// ---- the reference: tfjs's parameter count and forward pass -----------------------------------------

const paramCache = new Map<string, number>();

/** Parameters of the prescribed MLP, as tfjs counts them (`tf.sequential` of dense layers, `countParams()`). */
export function referenceParams(tf: Tf, depth: number, hidden: number): number {
  const key = `${depth}:${hidden}`;
  const hit = paramCache.get(key);
  if (hit !== undefined) return hit;
  const sizes = sizesOf(depth, hidden);
  const model = tf.sequential();
  try {
    for (let i = 1; i < sizes.length; i++) {
      const last = i === sizes.length - 1;
      model.add(tf.layers.dense({ units: sizes[i], activation: last ? "linear" : "relu", kernelInitializer: "zeros", ...(i === 1 ? { inputShape: [2] } : {}) }));
    }
    const n = model.countParams();
    paramCache.set(key, n);
    return n;
  } finally {
    model.dispose();
  }
}

/** Accuracy of a ReLU MLP's layers on points, by the reference forward (tfjs, float32). */
function accuracyOn(tf: Tf, layers: DenseParams[], pts: { x: Tensor; y: Int32Array }): number {
  return accuracyOf(argmaxRows(referenceMlpLogits(tf, layers, pts.x), 2), pts.y);
}

/** Logits of the same layers with no ReLU between them (one linear map), by tfjs. */
function linearLogits(tf: Tf, layers: DenseParams[], x: Tensor): Float32Array {
  const z = tf.tidy(() => {
    let h: TF.Tensor2D = tf.tensor2d(Float32Array.from(x.data), x.shape as [number, number]);
    for (const l of layers) h = h.matMul(tf.tensor2d(Float32Array.from(l.w.data), l.w.shape as [number, number])).add(tf.tensor1d(Float32Array.from(l.b.data)));
    return h;
  });
  const logits = z.dataSync() as Float32Array;
  z.dispose();
  return logits;
}

const linearAccuracyOn = (tf: Tf, layers: DenseParams[], pts: { x: Tensor; y: Int32Array }) => accuracyOf(argmaxRows(linearLogits(tf, layers, pts.x), 2), pts.y);

const meanOf = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
/** The mean of the last tenth of a loss curve (the loss of the model as it ends training). */
const finalLoss = (losses: number[]) => meanOf(losses.slice(-Math.max(1, Math.floor(losses.length / 10))));

/**
 * Was this model (depth 2 or more) trained without ReLUs? Its layers then compose to a linear
 * classifier as good as the trained depth-1 model, and its loss curve ends at that classifier's
 * cross-entropy. (A ReLU MLP trained as prescribed ends far below it; untrained layers composed
 * linearly are far worse than the trained linear model.)
 */
function trainedWithoutRelus(tf: Tf, s: Study, m: DepthModel): boolean {
  const { task } = s.setup;
  if (m.depth < 2 || !Array.isArray(m.losses) || m.losses.length === 0 || !m.losses.every((v) => typeof v === "number" && Number.isFinite(v))) return false;
  const last = finalLoss(m.losses as number[]);
  const linearBest = meanCrossEntropy(referenceMlpLogits(tf, s.models[0].layers, task.x), task.y, 2);
  const composed = meanCrossEntropy(linearLogits(tf, m.layers, task.x), task.y, 2);
  return Math.abs(last - composed) <= 0.03 && composed <= linearBest + 0.03;
}

const RELU_HINT =
  en`Your deeper models were trained without ReLUs (their loss curves are those of the layers composed linearly): stacked dense layers without a non-linearity compose to a single linear map, whatever the depth. Apply relu after every layer but the last, in the forward pass and in the backward pass.`;

// ---- the checks' parts ------------------------------------------------------------------------------

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function checkParams(tf: Tf, s: Study): void {
  const hidden = s.setup.task.hidden;
  for (const m of s.models) {
    const expected = referenceParams(tf, m.depth, hidden);
    const got = asNumberResult(`${LABEL}[${m.depth - 1}].params`, m.params);
    if (got === expected) continue;
    const weights = m.layers.reduce((n, l) => n + l.w.data.length, 0);
    const hint =
      got === weights
        ? en`Count the biases too: every dense layer holds w [in, out] and b [out].`
        : got === m.layers.reduce((n, l) => n + l.b.data.length, 0)
          ? en`params counts every number of the model: the entries of each w and each b, not the units.`
          : got === referenceParams(tf, m.depth + 1, hidden)
            ? en`That is the count of the next depth: depth d has d dense layers (d − 1 hidden layers).`
            : en`params is the number of scalars in the model: the sum over its layers of in·out (w) + out (b).`;
    throw new CheckFailure(en`${LABEL}[${m.depth - 1}].params (depth ${m.depth}, ${arch(sizesOf(m.depth, hidden))}) is ${got}; tfjs counts ${expected} (model.countParams()).`, { hint });
  }
}

/** `losses`: one per step (the same budget for every depth), finite, falling, and describing the returned model. */
function checkLosses(tf: Tf, s: Study): CheckOutcome {
  const { task } = s.setup;
  const hint = en`Train every depth for exactly task.steps steps of task.batchSize points and push each step's mean minibatch loss onto losses.`;
  const curves: Record<string, number[]> = {};
  for (const m of s.models) {
    const at = `${LABEL}[${m.depth - 1}].losses (depth ${m.depth})`;
    const l = m.losses instanceof Float64Array ? Array.from(m.losses) : m.losses;
    if (!Array.isArray(l)) throw new CheckFailure(en`${at} is ${describe(m.losses)}; expected an array of ${task.steps} numbers, one per training step.`, { hint });
    if (l.length !== task.steps) {
      throw new CheckFailure(en`${at} has ${l.length} values; every depth trains for the same budget, task.steps = ${task.steps} steps, one loss each.`, {
        hint:
          l.length < task.steps
            ? en`Every depth gets the same budget: the same number of steps (task.steps), not fewer steps for the deeper (slower) models.`
            : hint,
      });
    }
    const bad = l.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad >= 0) throw new CheckFailure(en`${at}[${bad}] is ${String(l[bad])}; every step's loss must be a finite number.`, { hint: en`NaN or Infinity: the learning rate, the sign of the update, or log(0) in the cross-entropy (use log-sum-exp).` });
    const losses = l as number[];
    const k = Math.floor(task.steps / 10);
    const first = meanOf(losses.slice(0, k));
    const last = finalLoss(losses);
    // A linear model has little to learn on spirals (it settles near log 2 within a few steps), and a
    // depth-2 model sometimes little more (the reference's last/first ratio reached 0.983 and 0.995 on
    // 2 of 140 drawn spirals): depth 2 fails only on a clear rise, depths 3-4 on a flat curve too
    // (the reference's worst ratio there: 0.06).
    const mustEndBelow = m.depth === 2 ? 1.02 : 0.97;
    if (m.depth > 1 && !(last < mustEndBelow * first)) {
      throw new CheckFailure(en`${at} does not fall: the first ${k} steps average ${first.toFixed(4)}, the last ${k} ${last.toFixed(4)}.`, {
        hint: trainedWithoutRelus(tf, s, m) ? RELU_HINT : en`Parameters move against the gradient (p -= lr · step), with the learning rate task.lr.`,
      });
    }
    const now = meanCrossEntropy(referenceMlpLogits(tf, m.layers, task.x), task.y, 2);
    if (!(last <= 2 * now + 0.1 && last >= now / 2 - 0.1)) {
      throw new CheckFailure(
        en`${at} ends at ${last.toFixed(4)} (mean of the last ${k} steps), but the cross-entropy of the returned layers on the training points is ${now.toFixed(4)}: the curve does not describe this model.`,
        { hint: trainedWithoutRelus(tf, s, m) ? RELU_HINT : en`Return the layers you trained (not a copy taken before training), and record the loss of the model being trained.` },
      );
    }
    curves[`depth ${m.depth}`] = losses;
  }
  return { output: en`${s.models.map((m) => `depth ${m.depth}: ${(m.losses as number[]).at(-1)!.toFixed(3)}`).join(", ")} (last step's loss)`, data: curveData({ loss: curves["depth 4"] }) };
}

/** Each reported accuracy is its model's, on the validation points the task gives, as tfjs computes it. */
function checkReportedAccuracy(tf: Tf, s: Study): CheckOutcome {
  const { task } = s.setup;
  const val = { x: task.xVal, y: task.yVal };
  const lines: string[] = [];
  for (const m of s.models) {
    const got = asNumberResult(`${LABEL}[${m.depth - 1}].accuracy`, m.accuracy);
    const expected = accuracyOn(tf, m.layers, val);
    // float32 vs float64 may flip a point that sits on the boundary: allow two.
    if (Math.abs(got - expected) > 2.5 / task.yVal.length) {
      const train = accuracyOn(tf, m.layers, { x: task.x, y: task.y });
      const hint =
        Math.abs(got / 100 - expected) <= 2.5 / task.yVal.length
          ? en`accuracy is a fraction in [0, 1], not a percentage.`
          : Math.abs(got - train) <= 2.5 / task.y.length && Math.abs(train - expected) > 2.5 / task.yVal.length
            ? en`That is the accuracy on the training points: report the accuracy on the validation points task.xVal, task.yVal.`
            : Math.abs(got - linearAccuracyOn(tf, m.layers, val)) <= 2.5 / task.yVal.length
              ? en`That is the accuracy of the layers without ReLUs: the model is relu(x·w + b) through every layer but the last.`
              : en`Measure the returned layers (ReLU between layers, argmax of the 2 logits) on task.xVal against task.yVal, after training.`;
      throw new CheckFailure(en`${LABEL}[${m.depth - 1}].accuracy (depth ${m.depth}) is ${got}; its layers classify ${pct(expected)} of the ${task.yVal.length} validation points (recomputed with TensorFlow.js).`, { hint });
    }
    lines.push(`depth ${m.depth}: ${pct(expected)}`);
  }
  return { output: en`Validation accuracy: ${lines.join(", ")}.` };
}

// Tiers from scripts/calibrate-depth-study.ts: the figures are in statement.md ("How the thresholds were set").
// Full marks 8 points below the reference's worst seed (93.2%, 100 seeds) and 20 above the best of
// deep models trained without ReLUs (64.7%); the lowest tier above that too.
export const DEEP_TIERS = [
  { min: 0.85, fraction: 1 },
  { min: 0.75, fraction: 0.5 },
  { min: 0.7, fraction: 0.25 },
];
/**
 * The linear model (depth 1) must trail the best deep model by this much on held-out points: the
 * reference's smallest gap is 33.0 points (100 seeds), without ReLUs the largest is 4.2.
 */
export const DEPTH_GAP = 0.2;

const tierOf = (acc: number) => DEEP_TIERS.find((t) => acc >= t.min)?.fraction ?? 0;

/** The ReLU hint when most deep models (depths 2-4) were trained without ReLUs. */
function reluHint(tf: Tf, s: Study): string | undefined {
  return s.models.filter((m) => trainedWithoutRelus(tf, s, m)).length >= 2 ? RELU_HINT : undefined;
}

/** Held-out accuracy of every depth (the reference forward of the returned layers). */
function heldOutAccuracies(tf: Tf, s: Study): number[] {
  return s.models.map((m) => accuracyOn(tf, m.layers, s.setup.heldOut));
}

function table(s: Study, accs: number[], tf: Tf): string {
  return s.models.map((m, i) => `depth ${m.depth} (${referenceParams(tf, m.depth, s.setup.task.hidden)} parameters): ${pct(accs[i])}`).join("; ");
}

function checkDeepAccuracy(tf: Tf, s: Study): CheckOutcome {
  const accs = heldOutAccuracies(tf, s);
  const deep = [accs[2], accs[3]];
  const fraction = (tierOf(deep[0]) + tierOf(deep[1])) / 2;
  const n = s.setup.heldOut.y.length;
  const summary = en`Held-out accuracy on ${n} points: ${table(s, accs, tf)}. Depths 3 and 4 need ${pct(DEEP_TIERS[0].min)} each for full marks.`;
  if (fraction >= 1) return { output: summary };
  const hint =
    reluHint(tf, s) ??
    en`Below the measured band of a correct study (depths 3 and 4 reach 93-100% over 100 spirals): He-initialised weights (not zeros), a ReLU after every hidden layer, Adam with task.lr, and every one of task.steps steps on a fresh minibatch of task.batchSize points.`;
  if (fraction === 0) throw new CheckFailure(summary, { hint });
  return { fraction, output: en`${summary} ${Math.round(fraction * 100)}% of the points.`, hint };
}

function checkDepthMatters(tf: Tf, s: Study): CheckOutcome {
  const accs = heldOutAccuracies(tf, s);
  const best = Math.max(accs[2], accs[3]);
  const summary = en`Held-out accuracy: ${table(s, accs, tf)}.`;
  if (accs[0] <= best - DEPTH_GAP) return { output: en`${summary} The linear model trails the best deep one by ${((best - accs[0]) * 100).toFixed(1)} points.` };
  throw new CheckFailure(en`${summary} Depth 1 (the linear model) should trail the best of depths 3 and 4 by at least ${DEPTH_GAP * 100} points; here by ${((best - accs[0]) * 100).toFixed(1)}.`, {
    hint:
      reluHint(tf, s) ??
      en`No line separates two spirals, so a linear model stays near 60%; the deeper models should fold the plane and reach far more. Train every depth with the same recipe and budget.`,
  });
}

// ---- the checks -------------------------------------------------------------------------------------

const deepName = `held-out accuracy of depths 3 and 4 (${DEEP_TIERS[0].min * 100}% each for full marks)`;

export default defineChecks({
  checks: [
    visible(
      `four MLPs, depth 1 to 4 (${arch(sizesOf(1, VISIBLE_HIDDEN))}, …, ${arch(sizesOf(4, VISIBLE_HIDDEN))})`,
      1,
      async (ctx) => {
        const s = await study(ctx, "visible");
        return { output: s.models.map((m) => `depth ${m.depth}: ${arch(sizesOf(m.depth, VISIBLE_HIDDEN))}`).join("; ") };
      },
      { critical: true },
    ),
    visible("params: each model's parameter count, as tfjs counts it", 1, async (ctx) => {
      const s = await study(ctx, "visible");
      checkParams(ctx.tf, s);
      return { output: s.models.map((m) => `depth ${m.depth}: ${referenceParams(ctx.tf, m.depth, VISIBLE_HIDDEN)}`).join(", ") + " parameters." };
    }),
    visible(`the same budget for every depth: ${BUDGET.steps} losses each, falling`, 1, async (ctx) => checkLosses(ctx.tf, await study(ctx, "visible"))),
    visible("accuracy: each model's reported validation accuracy is its own (recomputed with tfjs)", 1, async (ctx) => checkReportedAccuracy(ctx.tf, await study(ctx, "visible"))),
    visible(`${deepName}, on 1000 new points of the same spiral`, 1, async (ctx) => checkDeepAccuracy(ctx.tf, await study(ctx, "visible"))),
    visible(`depth matters: the linear model (depth 1) trails the deep ones by ${DEPTH_GAP * 100} points or more`, 1, async (ctx) => checkDepthMatters(ctx.tf, await study(ctx, "visible"))),
    hidden("a spiral and width drawn for this submission: four MLPs, parameter counts, budget, reported accuracies", 1, async (ctx) => {
      ctx.describe(en`the hidden spiral task`);
      const s = await study(ctx, "hidden");
      checkParams(ctx.tf, s);
      checkLosses(ctx.tf, s);
      checkReportedAccuracy(ctx.tf, s);
    }),
    hidden(`${deepName}, on ${HELD_OUT_POINTS} held-out points of the hidden spiral`, 3, async (ctx) => {
      ctx.describe(en`the hidden spiral task`);
      return checkDeepAccuracy(ctx.tf, await study(ctx, "hidden"));
    }),
    hidden("depth matters on the hidden spiral", 1, async (ctx) => {
      ctx.describe(en`the hidden spiral task`);
      return checkDepthMatters(ctx.tf, await study(ctx, "hidden"));
    }),
  ],
});
