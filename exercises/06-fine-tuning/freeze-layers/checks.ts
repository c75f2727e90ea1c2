import { Tensor, randn, type Rng } from "gradlab/nd";
import type * as TF from "@tensorflow/tfjs";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectEqual, VS_TFJS, CheckFailure, asIntsResult, asObjectResult, asTensorResult, accuracyOf, argmaxRows, firstDisagreement, gradeAccuracy, predictionHint, referenceMlpLogits, type AccuracyTier, type Handle, InvalidValue, SandboxFn, describe, en } from "gradlab/checks";
import type { Digits } from "../../../datasets/mnist.ts";
import pretrained from "./fixtures/pretrained-mlp.json" with { type: "json" };

interface DenseLayer {
  name: string;
  w: Tensor;
  b: Tensor;
  trainable: boolean;
}
interface Mlp {
  layers: DenseLayer[];
}

const NEW_DIGITS = [5, 6, 7, 8, 9];
const OLD_DIGITS = [0, 1, 2, 3, 4];
/** 200 images of each new digit to fine-tune on (inside the training region: never scored). */
const FINE_TUNE_RANGE = { start: 0, count: 200 };
const H = { lr: 0.01, epochs: 10, batchSize: 16 };
/** The seed of `random` in the visible fine-tuning (hidden checks use their per-submission seed). */
const VISIBLE_SEED = 1;
/** Scored digits per digit, drawn per submission from the hidden pool (datasets/mnist.ts). */
const VALIDATION_PER_DIGIT = 50;
const HELD_OUT_PER_DIGIT = 200;
const TIERS: AccuracyTier[] = [
  { min: 0.6, fraction: 1 },
  { min: 0.4, fraction: 0.5 },
  { min: 0.25, fraction: 0.2 },
];
/** A trainable tensor must move by at least this fraction of its size (RMS of the change over RMS of the tensor, or over 0.01 for a near-zero bias). */
const MIN_RELATIVE_MOVE = 0.01;
/** Fine-tuning must beat the pretrained model on the new digits by this much (it scores about 0%). */
const MIN_GAIN = 0.2;

/** The pretrained 784-64-32-10 MLP (fixture made by scripts/make-pretrained.ts), with the given trainable flags. */
function pretrainedModel(trainable: boolean[]): Mlp {
  return {
    layers: pretrained.layers.map((l, i) => ({
      name: l.name,
      w: new Tensor(Float64Array.from(l.w), [l.inputDim, l.units]),
      b: new Tensor(Float64Array.from(l.b), [l.units]),
      trainable: trainable[i],
    })),
  };
}

const submissionSeed = (ctx: CheckContext) => ctx.submissionSeed ?? ctx.seed;

async function digits(ctx: CheckContext, which: "fineTune" | "validation" | "heldOut" | "oldDigits"): Promise<Digits> {
  const { mnistDigits, drawFromPool } = await import("../../../datasets/mnist.ts");
  if (which === "fineTune") return mnistDigits(NEW_DIGITS, FINE_TUNE_RANGE);
  if (which === "oldDigits") return drawFromPool(OLD_DIGITS, 50, ctx.seed);
  // Drawn per submission: no table of the public package can know them.
  if (which === "validation") return drawFromPool(NEW_DIGITS, VALIDATION_PER_DIGIT, (submissionSeed(ctx) ^ 0x51a7_9e05) >>> 0);
  return drawFromPool(NEW_DIGITS, HELD_OUT_PER_DIGIT, (submissionSeed(ctx) ^ 0x2f6b_1d3c) >>> 0);
}

// ---- fine-tuning inside the sandbox, once per (pattern, learner) --------------------------------

interface FineTuned {
  before: Mlp;
  handle: Handle;
  after: Mlp;
  steps: number;
  lr: number;
}

const patternText = (t: boolean[]) => `[${t.map((x) => (x ? "trainable" : "frozen")).join(", ")}]`;

function fineTuned(ctx: CheckContext, trainable: boolean[], seed: number, h = H): Promise<FineTuned> {
  const key = `${trainable.join()}|${JSON.stringify(h)}|${seed}`;
  return ctx.shared(`fineTuned:${key}`, async () => {
    const before = pretrainedModel(trainable);
    const handle = await ctx.learner.put(before);
    const data = await digits(ctx, "fineTune");
    await ctx.learner.call("fineTune", handle, data, h, new SandboxFn("uniform", [seed]));
    const steps = h.epochs * Math.ceil(data.y.length / h.batchSize);
    return { before, handle, after: readModel(await ctx.learner.get(handle, "the model after fineTune"), before), steps, lr: h.lr };
  });
}

/** The model as fineTune left it, validated against the shapes it had. */
function readModel(v: unknown, before: Mlp): Mlp {
  const label = en`the model after fineTune`;
  if (v instanceof InvalidValue) throw new CheckFailure(en`${label} could not be read: it holds ${v.why}.`);
  const o = asObjectResult(label, v, ["layers"]);
  const layers = o.layers;
  if (!Array.isArray(layers) || layers.length !== before.layers.length) {
    throw new CheckFailure(en`${label} has ${Array.isArray(layers) ? layers.length : describe(layers)} layers; expected ${before.layers.length}.`, {
      hint: en`Update the layers in place (layer.w, layer.b); do not add, remove or replace model.layers.`,
    });
  }
  return {
    layers: before.layers.map((l, i) => {
      const got = asObjectResult(`model.layers[${i}]`, layers[i], ["w", "b"]);
      return {
        name: l.name,
        trainable: l.trainable,
        w: asTensorResult(`model.layers[${i}].w after fineTune`, got.w, l.w.shape),
        b: asTensorResult(`model.layers[${i}].b after fineTune`, got.b, l.b.shape),
      };
    }),
  };
}

function firstChange(a: Tensor, b: Tensor): number {
  for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i])) return i;
  return -1;
}

function expectFrozenUnchanged(t: FineTuned) {
  t.before.layers.forEach((l, i) => {
    if (l.trainable) return;
    for (const k of ["w", "b"] as const) {
      const at = firstChange(l[k], t.after.layers[i][k]);
      if (at >= 0) {
        throw new CheckFailure(
          en`model.layers[${i}].${k} (${l.name}, trainable: false) changed during fineTune: element ${at} was ${l[k].data[at]}, is now ${t.after.layers[i][k].data[at]}.`,
          {
            hint:
              k === "b" && firstChange(l.w, t.after.layers[i].w) < 0
                ? en`The frozen layer's kernel is untouched but its bias moved: trainable: false freezes both w and b.`
                : en`Layers with trainable: false must stay bit-for-bit as they were: skip their update (you still pass the gradient through them to the layers below, if those train).`,
          },
        );
      }
    }
  });
}

/** RMS of the change of `after` from `before`, relative to the RMS of `before` (or 0.01 for a near-zero tensor). */
function relativeMove(before: Tensor, after: Tensor): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < before.data.length; i++) {
    d += (after.data[i] - before.data[i]) ** 2;
    n += before.data[i] ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 0.01 * Math.sqrt(before.data.length));
}

function expectTrainableChanged(t: FineTuned) {
  t.before.layers.forEach((l, i) => {
    if (!l.trainable) return;
    for (const k of ["w", "b"] as const) {
      if (firstChange(l[k], t.after.layers[i][k]) < 0) {
        throw new CheckFailure(en`model.layers[${i}].${k} (${l.name}, trainable: true) did not change during fineTune.`, {
          hint:
            k === "b"
              ? en`The bias of a trainable layer must be updated too (db = sum of dy over the batch).`
              : i < t.before.layers.length - 1 && t.before.layers.slice(i + 1).some((above) => !above.trainable)
                ? en`A frozen layer above this one must still pass the gradient down (dx = dy · wᵀ, through its ReLU); only its own update is skipped.`
                : en`fineTune must update the trainable layers in place: model.layers[i].w and .b (assign new tensors or change their data).`,
        });
      }
      const move = relativeMove(l[k], t.after.layers[i][k]);
      if (move < MIN_RELATIVE_MOVE) {
        throw new CheckFailure(
          en`model.layers[${i}].${k} (${l.name}, trainable: true) barely moved during fineTune: the change is ${(100 * move).toPrecision(2)}% of its size (at least ${100 * MIN_RELATIVE_MOVE}% expected after ${t.steps} SGD steps at lr ${t.lr}).`,
          { hint: en`Take one step p -= lr · dL/dp per minibatch with the lr given in h, for every epoch.` },
        );
      }
    }
  });
}

/** Learner predict must be the forward pass of the model it fine-tuned: on a sample of `set`. */
async function expectPredictAgrees(ctx: CheckContext, t: FineTuned, set: Digits) {
  const idx = Array.from({ length: 100 }, () => ctx.rng.int(set.y.length));
  const x = new Tensor(new Float64Array(idx.length * 784), [idx.length, 784]);
  idx.forEach((r, i) => x.data.set(set.x.data.subarray(r * 784, (r + 1) * 784), i * 784));
  const logits = referenceMlpLogits(ctx.tf, t.after.layers, x);
  const pred = asIntsResult("predict(model, x)", await ctx.learner.call("predict", t.handle, x), idx.length);
  const r = firstDisagreement(pred, logits, 10);
  if (r >= 0) {
    throw new CheckFailure(
      en`predict(model, x)[${r}] is ${pred[r]}, but the forward pass of the fine-tuned model.layers (recomputed with TensorFlow.js) gives ${argmaxRows(logits.subarray(r * 10, r * 10 + 10), 10)[0]}.`,
      { hint: en`predict is x·w + b through every layer of model.layers, ReLU after every layer except the last, then the argmax: no other model, no lookup.` },
    );
  }
}

/**
 * Accuracy of the fine-tuned weights (recomputed with tfjs: what counts is the model, not predict)
 * on new digits drawn for this submission; it must beat the pretrained model's by MIN_GAIN.
 */
async function accuracyAfter(ctx: CheckContext, t: FineTuned, on: "validation" | "heldOut", label: string) {
  const test = await digits(ctx, on);
  await expectPredictAgrees(ctx, t, test);
  const pred = argmaxRows(referenceMlpLogits(ctx.tf, t.after.layers, test.x), 10);
  const acc = accuracyOf(pred, test.y);
  const before = accuracyOf(argmaxRows(referenceMlpLogits(ctx.tf, t.before.layers, test.x), 10), test.y);
  const onlyOld = pred.every((p) => p < 5);
  if (acc < before + MIN_GAIN) {
    throw new CheckFailure(en`${label} is ${(100 * acc).toFixed(1)}%, the pretrained model's ${(100 * before).toFixed(1)}%: fine-tuning must add at least ${100 * MIN_GAIN} points.`, {
      hint: onlyOld
        ? en`Your model still predicts only the old digits 0-4: did fineTune update anything? The trainable layers (including the output layer) must learn digits 5-9.`
        : predictionHint(pred, test.y, 10),
    });
  }
  return gradeAccuracy(label, acc, TIERS, { count: test.y.length, hint: acc >= TIERS[0].min ? undefined : predictionHint(pred, test.y, 10) });
}

// ---- one full-batch SGD step against tfjs (frozen layers anywhere in the stack) ---------------

/** The model after one SGD step on the mean softmax cross-entropy of all of `data`, by tfjs gradients. */
function referenceStep(tf: Tf, model: Mlp, data: Digits, lr: number): Mlp {
  const flat = tf.tidy(() => {
    const x = tf.tensor2d(Float32Array.from(data.x.data), data.x.shape as [number, number]);
    const onehot = tf.oneHot(tf.tensor1d(data.y, "int32"), 10);
    const params = model.layers.flatMap((l) => [tf.tensor2d(Float32Array.from(l.w.data), l.w.shape as [number, number]), tf.tensor1d(Float32Array.from(l.b.data))]);
    const loss = (...p: TF.Tensor[]) => {
      let h: TF.Tensor = x;
      for (let i = 0; i < model.layers.length; i++) {
        h = h.matMul(p[2 * i] as TF.Tensor2D).add(p[2 * i + 1]);
        if (i < model.layers.length - 1) h = h.relu();
      }
      return tf.losses.softmaxCrossEntropy(onehot, h) as TF.Scalar;
    };
    return tf.grads(loss)(params).map((g) => g.dataSync() as Float32Array);
  });
  return {
    layers: model.layers.map((l, i) => {
      const step = (p: Tensor, g: Float32Array) => new Tensor(l.trainable ? p.data.map((v, k) => v - lr * g[k]) : p.data.slice(), p.shape);
      return { ...l, w: step(l.w, flat[2 * i]), b: step(l.b, flat[2 * i + 1]) };
    }),
  };
}

/**
 * fineTune with one full batch (so the shuffle order does not matter) must match tfjs's step for
 * every layer, also below a frozen one: stopping backprop at the first frozen layer fails here.
 */
async function expectOneStepMatches(ctx: CheckContext, trainable: boolean[], rows: number[]) {
  const { mnistDigits } = await import("../../../datasets/mnist.ts");
  const all = mnistDigits(NEW_DIGITS, FINE_TUNE_RANGE);
  const data: Digits = {
    x: new Tensor(new Float64Array(rows.length * 784), [rows.length, 784]),
    y: Int32Array.from(rows, (r) => all.y[r]),
  };
  rows.forEach((r, i) => data.x.data.set(all.x.data.subarray(r * 784, (r + 1) * 784), i * 784));
  const h = { lr: 0.5, epochs: 1, batchSize: rows.length };
  const before = pretrainedModel(trainable);
  const handle = await ctx.learner.put(before);
  await ctx.learner.call("fineTune", handle, data, h, new SandboxFn("uniform", [ctx.seed]));
  const after = readModel(await ctx.learner.get(handle, "the model after fineTune"), before);
  const expected = referenceStep(ctx.tf, before, data, h.lr);
  const label = en`one full-batch step (${rows.length} digits, lr ${h.lr}), layers ${patternText(trainable)}`;
  expected.layers.forEach((e, i) => {
    for (const k of ["w", "b"] as const) {
      const b0 = before.layers[i][k].data;
      const got = after.layers[i][k].data;
      // Compare the changes: float32 gradients from tfjs, so a tolerance relative to the largest change.
      let scale = 0;
      for (let j = 0; j < b0.length; j++) scale = Math.max(scale, Math.abs(e[k].data[j] - b0[j]));
      const tol = VS_TFJS.rtol * scale + 1e-7;
      for (let j = 0; j < b0.length; j++) {
        const want = e[k].data[j] - b0[j];
        const moved = got[j] - b0[j];
        if (Math.abs(moved - want) > tol && !(!e.trainable && Object.is(got[j], b0[j]))) {
          const stopped = e.trainable && moved === 0 && trainable.slice(i + 1).some((x) => !x);
          throw new CheckFailure(
            en`${label}: model.layers[${i}].${k}[${j}] (${e.name}, ${e.trainable ? "trainable" : "frozen"}) moved by ${moved.toPrecision(5)}; TensorFlow.js's SGD step moves it by ${want.toPrecision(5)} (tolerance ${tol.toPrecision(2)}).`,
            {
              hint: stopped
                ? en`The gradient must flow through a frozen layer to the trainable layers below it: compute dx = dy · wᵀ (and the ReLU mask) for the frozen layer too; only skip its own update.`
                : !e.trainable
                  ? en`A frozen layer must come out bit-for-bit unchanged.`
                  : en`The step is p -= lr · dL/dp with L the mean cross-entropy of the minibatch (softmax minus one-hot, divided by the batch size).`,
            },
          );
        }
      }
    }
  });
}

// ---- countTrainable against tfjs --------------------------------------------------------------

/** Trainable parameters of a tf.sequential of dense layers with some layers set trainable = false. */
function tfjsTrainableCount(tf: Tf, dims: number[], trainable: boolean[]): number {
  const model = tf.sequential();
  for (let i = 0; i + 1 < dims.length; i++) {
    model.add(tf.layers.dense({ units: dims[i + 1], ...(i === 0 ? { inputShape: [dims[0]] } : {}) }));
    model.layers[i].trainable = trainable[i];
  }
  const n = model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  model.dispose();
  return n;
}

function randomMlp(rng: Rng, dims: number[], trainable: boolean[]): Mlp {
  return {
    layers: trainable.map((t, i) => ({ name: `dense_${i + 1}`, w: randn([dims[i], dims[i + 1]], rng), b: randn([dims[i + 1]], rng), trainable: t })),
  };
}

async function checkCount(ctx: CheckContext, model: Mlp, dims: number[]) {
  const trainable = model.layers.map((l) => l.trainable);
  const expected = tfjsTrainableCount(ctx.tf, dims, trainable);
  const got = await ctx.learner.call("countTrainable", model);
  const all = model.layers.reduce((s, l) => s + l.w.data.length + l.b.data.length, 0);
  const noBias = model.layers.reduce((s, l) => s + (l.trainable ? l.w.data.length : 0), 0);
  const frozen = all - expected;
  expectEqual(
    `countTrainable(${dims.join("-")} MLP, layers ${patternText(trainable)})`,
    expected,
    got,
    got === all && all !== expected
      ? en`You counted every parameter: only layers with trainable: true count (tfjs's model.trainableWeights).`
      : got === noBias && noBias !== expected
        ? en`The biases of the trainable layers count too: each dense layer has inputDim·units + units parameters.`
        : got === frozen && frozen > 0
          ? en`You counted the frozen layers instead of the trainable ones.`
          : got === 0
            ? en`countTrainable returns 0: is it still the starter's stub?`
            : undefined,
  );
}

export default defineChecks({
  checks: [
    visible("predict with the pretrained model agrees with tfjs on digits 0-4", 1, async (ctx) => {
      const model = pretrainedModel([true, true, true]);
      const test = await digits(ctx, "oldDigits");
      const z = referenceMlpLogits(ctx.tf, model.layers, test.x);
      const pred = asIntsResult("predict(pretrained, x)", await ctx.learner.call("predict", model, test.x), test.y.length);
      const r = firstDisagreement(pred, z, 10);
      if (r >= 0) {
        const best = argmaxRows(z.subarray(r * 10, r * 10 + 10), 10)[0];
        throw new CheckFailure(en`predict(pretrained, x)[${r}] is ${pred[r]}; tfjs's logits give ${best} (logit ${z[r * 10 + best].toFixed(4)}).`, {
          hint: en`predict is the forward pass x·w + b through every layer, ReLU after every layer except the last, then the argmax of each row.`,
        });
      }
      return { output: en`Accuracy of the pretrained model on ${test.y.length} digits 0-4: ${(100 * accuracyOf(pred, test.y)).toFixed(1)}%.` };
    }),
    visible("countTrainable counts only the trainable layers (pretrained 784-64-32-10, first layer frozen)", 1, (ctx) =>
      checkCount(ctx, pretrainedModel([false, true, true]), [784, 64, 32, 10]),
    ),
    visible("fineTune leaves the frozen first layer bit-for-bit unchanged", 1, async (ctx) => {
      expectFrozenUnchanged(await fineTuned(ctx, [false, true, true], VISIBLE_SEED));
    }),
    visible(`fineTune moves the trainable layers (w and b, by at least ${100 * MIN_RELATIVE_MOVE}%)`, 1, async (ctx) => {
      expectTrainableChanged(await fineTuned(ctx, [false, true, true], VISIBLE_SEED));
    }),
    visible("a frozen layer between trainable ones: one full-batch step matches tfjs ([trainable, frozen, trainable])", 1, (ctx) =>
      expectOneStepMatches(ctx, [true, false, true], Array.from({ length: 32 }, (_, i) => i)),
    ),
    visible(`accuracy on validation digits 5-9 after fineTune (${Math.round(TIERS[0].min * 100)}% for full marks)`, 2, async (ctx) =>
      accuracyAfter(ctx, await fineTuned(ctx, [false, true, true], VISIBLE_SEED), "validation", en`Accuracy on ${VALIDATION_PER_DIGIT * 5} validation digits 5-9`),
    ),
    hidden("countTrainable on random MLPs and trainable patterns (against tfjs)", 1, async (ctx) => {
      for (let t = 0; t < 4; t++) {
        const depth = 1 + ctx.rng.int(4);
        const dims = Array.from({ length: depth + 1 }, () => 1 + ctx.rng.int(20));
        const trainable = Array.from({ length: depth }, (_, i) => (t === 0 ? false : t === 1 ? true : ctx.rng.int(2) === 1 || i === depth - 1));
        await checkCount(ctx, randomMlp(ctx.rng, dims, trainable), dims);
      }
    }),
    hidden(`held-out accuracy on digits 5-9 after fineTune (${Math.round(TIERS[0].min * 100)}% for full marks)`, 2, async (ctx) => {
      const t = await fineTuned(ctx, [false, true, true], ctx.seed);
      expectFrozenUnchanged(t);
      expectTrainableChanged(t);
      return accuracyAfter(ctx, t, "heldOut", en`Accuracy on ${HELD_OUT_PER_DIGIT * 5} held-out digits 5-9`);
    }),
    hidden("the output layer frozen: one full-batch step matches tfjs ([trainable, trainable, frozen])", 1, (ctx) =>
      expectOneStepMatches(ctx, [true, true, false], Array.from({ length: 24 + ctx.rng.int(41) }, () => ctx.rng.int(FINE_TUNE_RANGE.count * NEW_DIGITS.length))),
    ),
    hidden("two frozen layers: only the output layer changes", 1, async (ctx) => {
      const t = await fineTuned(ctx, [false, false, true], ctx.seed, { lr: 0.01, epochs: 2, batchSize: 16 + ctx.rng.int(49) });
      expectFrozenUnchanged(t);
      expectTrainableChanged(t);
    }),
  ],
});
