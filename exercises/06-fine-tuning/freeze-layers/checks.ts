import { Tensor, randn, type Rng } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf } from "../../../lib/exercise.ts";
import { expectEqual } from "../../../lib/checks/compare.ts";
import { CheckFailure } from "../../../lib/checks/failure.ts";
import { asIntsResult, asObjectResult, asTensorResult, type Learner } from "../../../lib/checks/learner.ts";
import { accuracyOf, gradeAccuracy, predictionHint, type AccuracyTier } from "../../../lib/checks/training.ts";
import { Handle, InvalidValue, SandboxFn, describe } from "../../../lib/wire.ts";
import type { Digits } from "../../../grader/data/mnist.ts";
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
/** 200 images of each new digit to fine-tune on. */
const FINE_TUNE_RANGE = { start: 0, count: 200 };
const H = { lr: 0.01, epochs: 10, batchSize: 16 };
/** The seed of `random` in the visible fine-tuning (hidden checks use their per-submission seed). */
const VISIBLE_SEED = 1;
const TIERS: AccuracyTier[] = [
  { min: 0.6, fraction: 1 },
  { min: 0.4, fraction: 0.5 },
  { min: 0.25, fraction: 0.2 },
];

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

async function digits(which: "fineTune" | "validation" | "heldOut" | "oldValidation"): Promise<Digits> {
  const { mnistDigits, MNIST_SPLITS } = await import("../../../grader/data/mnist.ts");
  if (which === "fineTune") return mnistDigits(NEW_DIGITS, FINE_TUNE_RANGE);
  if (which === "oldValidation") return mnistDigits(OLD_DIGITS, MNIST_SPLITS.validation);
  return mnistDigits(NEW_DIGITS, MNIST_SPLITS[which]);
}

// ---- fine-tuning inside the sandbox, once per (pattern, learner) --------------------------------

interface FineTuned {
  before: Mlp;
  handle: Handle;
  after: Mlp;
}

const sessions = new WeakMap<Learner, Map<string, Promise<FineTuned>>>();

const patternText = (t: boolean[]) => `[${t.map((x) => (x ? "trainable" : "frozen")).join(", ")}]`;

function fineTuned(ctx: CheckContext, trainable: boolean[], seed: number, h = H): Promise<FineTuned> {
  let m = sessions.get(ctx.learner);
  if (!m) sessions.set(ctx.learner, (m = new Map()));
  const key = `${trainable.join()}|${JSON.stringify(h)}|${seed}`;
  let p = m.get(key);
  if (!p) {
    p = (async () => {
      const before = pretrainedModel(trainable);
      const handle = await ctx.learner.put(before);
      const data = await digits("fineTune");
      await ctx.learner.call("fineTune", handle, data, h, new SandboxFn("uniform", [seed]));
      return { before, handle, after: readModel(await ctx.learner.get(handle, "the model after fineTune"), before) };
    })();
    m.set(key, p);
  }
  return p;
}

/** The model as fineTune left it, validated against the shapes it had. */
function readModel(v: unknown, before: Mlp): Mlp {
  const label = "the model after fineTune";
  if (v instanceof InvalidValue) throw new CheckFailure(`${label} could not be read: it holds ${v.why}.`);
  const o = asObjectResult(label, v, ["layers"]);
  const layers = o.layers;
  if (!Array.isArray(layers) || layers.length !== before.layers.length) {
    throw new CheckFailure(`${label} has ${Array.isArray(layers) ? layers.length : describe(layers)} layers; expected ${before.layers.length}.`, {
      hint: "Update the layers in place (layer.w, layer.b); do not add, remove or replace model.layers.",
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
          `model.layers[${i}].${k} (${l.name}, trainable: false) changed during fineTune: element ${at} was ${l[k].data[at]}, is now ${t.after.layers[i][k].data[at]}.`,
          {
            hint:
              k === "b" && firstChange(l.w, t.after.layers[i].w) < 0
                ? "The frozen layer's kernel is untouched but its bias moved: trainable: false freezes both w and b."
                : "Layers with trainable: false must stay bit-for-bit as they were: skip their update (you still pass the gradient through them to the layers below, if those train).",
          },
        );
      }
    }
  });
}

function expectTrainableChanged(t: FineTuned) {
  t.before.layers.forEach((l, i) => {
    if (!l.trainable) return;
    for (const k of ["w", "b"] as const) {
      if (firstChange(l[k], t.after.layers[i][k]) < 0) {
        throw new CheckFailure(`model.layers[${i}].${k} (${l.name}, trainable: true) did not change during fineTune.`, {
          hint:
            k === "b"
              ? "The bias of a trainable layer must be updated too (db = sum of dy over the batch)."
              : "fineTune must update the trainable layers in place: model.layers[i].w and .b (assign new tensors or change their data).",
        });
      }
    }
  });
}

async function accuracyAfter(ctx: CheckContext, t: FineTuned, on: "validation" | "heldOut", label: string) {
  const test = await digits(on);
  const pred = asIntsResult("predict(model, x)", await ctx.learner.call("predict", t.handle, test.x), test.y.length);
  const acc = accuracyOf(pred, test.y);
  const onlyOld = pred.every((p) => p < 5);
  return gradeAccuracy(label, acc, TIERS, {
    count: test.y.length,
    hint:
      acc >= TIERS[0].min
        ? undefined
        : onlyOld
          ? "Your model still predicts only the old digits 0-4: did fineTune update anything? The trainable layers (including the output layer) must learn digits 5-9."
          : predictionHint(pred, test.y, 10),
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
      ? "You counted every parameter: only layers with trainable: true count (tfjs's model.trainableWeights)."
      : got === noBias && noBias !== expected
        ? "The biases of the trainable layers count too: each dense layer has inputDim·units + units parameters."
        : got === frozen && frozen > 0
          ? "You counted the frozen layers instead of the trainable ones."
          : got === 0
            ? "countTrainable returns 0: is it still the starter's stub?"
            : undefined,
  );
}

export default defineChecks({
  checks: [
    visible("predict with the pretrained model agrees with tfjs on digits 0-4", 1, async (ctx) => {
      const model = pretrainedModel([true, true, true]);
      const test = await digits("oldValidation");
      const logits = ctx.tf.tidy(() => {
        let h = ctx.tf.tensor2d(Float32Array.from(test.x.data), test.x.shape as [number, number]);
        model.layers.forEach((l, i) => {
          h = h.matMul(ctx.tf.tensor2d(Float32Array.from(l.w.data), l.w.shape as [number, number])).add(ctx.tf.tensor1d(Float32Array.from(l.b.data)));
          if (i < model.layers.length - 1) h = h.relu();
        });
        return h;
      });
      const z = logits.dataSync();
      logits.dispose();
      const pred = asIntsResult("predict(pretrained, x)", await ctx.learner.call("predict", model, test.x), test.y.length);
      for (let r = 0; r < test.y.length; r++) {
        const row = z.subarray(r * 10, r * 10 + 10);
        const best = row.indexOf(Math.max(...row));
        const gotLogit = pred[r] >= 0 && pred[r] < 10 ? row[pred[r]] : -Infinity;
        if (pred[r] !== best && row[best] - gotLogit > 1e-3 * Math.max(1, Math.abs(row[best]))) {
          throw new CheckFailure(`predict(pretrained, x)[${r}] is ${pred[r]}; tfjs's logits give ${best} (logit ${row[best].toFixed(4)} against ${Number.isFinite(gotLogit) ? gotLogit.toFixed(4) : "none"}).`, {
            hint: "predict is the forward pass x·w + b through every layer, ReLU after every layer except the last, then the argmax of each row.",
          });
        }
      }
      return { output: `Accuracy of the pretrained model on 250 digits 0-4: ${(100 * accuracyOf(pred, test.y)).toFixed(1)}%.` };
    }),
    visible("countTrainable counts only the trainable layers (pretrained 784-64-32-10, first layer frozen)", 1, (ctx) =>
      checkCount(ctx, pretrainedModel([false, true, true]), [784, 64, 32, 10]),
    ),
    visible("fineTune leaves the frozen first layer bit-for-bit unchanged", 1, async (ctx) => {
      expectFrozenUnchanged(await fineTuned(ctx, [false, true, true], VISIBLE_SEED));
    }),
    visible("fineTune changes the trainable layers (w and b)", 1, async (ctx) => {
      expectTrainableChanged(await fineTuned(ctx, [false, true, true], VISIBLE_SEED));
    }),
    visible(`accuracy on validation digits 5-9 after fineTune (${Math.round(TIERS[0].min * 100)}% for full marks)`, 2, async (ctx) =>
      accuracyAfter(ctx, await fineTuned(ctx, [false, true, true], VISIBLE_SEED), "validation", "Accuracy on 250 validation digits 5-9"),
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
      return accuracyAfter(ctx, t, "heldOut", "Accuracy on 500 held-out digits 5-9");
    }),
    hidden("two frozen layers: only the output layer changes", 1, async (ctx) => {
      const t = await fineTuned(ctx, [false, false, true], ctx.seed, { lr: 0.01, epochs: 2, batchSize: 16 + ctx.rng.int(49) });
      expectFrozenUnchanged(t);
      expectTrainableChanged(t);
    }),
  ],
});
