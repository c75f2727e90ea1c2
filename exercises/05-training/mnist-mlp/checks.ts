import { Tensor } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext } from "../../../lib/exercise.ts";
import { CheckFailure } from "../../../lib/checks/failure.ts";
import { asIntsResult, type Learner } from "../../../lib/checks/learner.ts";
import { accuracyOf, curveData, gradeAccuracy, predictionHint, recallPerClass, type AccuracyTier } from "../../../lib/checks/training.ts";
import { SandboxFn, type Handle } from "../../../lib/wire.ts";
import type { Digits } from "../../../grader/data/mnist.ts";

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
/** Visible: 100 training images per digit, scored on 500 validation digits. */
const SMALL = { start: 0, count: 100 };
const SMALL_TIERS: AccuracyTier[] = [
  { min: 0.8, fraction: 1 },
  { min: 0.6, fraction: 0.5 },
  { min: 0.3, fraction: 0.2 },
];
/** Hidden: 400 training images per digit, scored on 1,000 held-out digits. */
const FULL_TIERS: AccuracyTier[] = [
  { min: 0.88, fraction: 1 },
  { min: 0.8, fraction: 0.6 },
  { min: 0.5, fraction: 0.25 },
];
const MIN_RECALL = 0.6;

// The host-only loader is imported lazily, where a check needs the digits (checks.ts itself
// stays loadable anywhere).
async function digits(which: "small" | "train" | "validation" | "heldOut"): Promise<Digits> {
  const { mnistDigits, MNIST_SPLITS } = await import("../../../grader/data/mnist.ts");
  return mnistDigits(DIGITS, which === "small" ? SMALL : MNIST_SPLITS[which]);
}

function rows(set: Digits, idx: number[]): Digits {
  const x = new Float64Array(idx.length * 784);
  idx.forEach((r, i) => x.set(set.x.data.subarray(r * 784, (r + 1) * 784), i * 784));
  return { x: new Tensor(x, [idx.length, 784]), y: Int32Array.from(idx, (r) => set.y[r]) };
}

interface Trained {
  model: Handle;
  losses: unknown;
}

/** One training per set and learner session: later checks reuse the model. */
const sessions = new WeakMap<Learner, Map<string, Promise<Trained>>>();

function trained(ctx: CheckContext, set: "small" | "train"): Promise<Trained> {
  let m = sessions.get(ctx.learner);
  if (!m) sessions.set(ctx.learner, (m = new Map()));
  let p = m.get(set);
  if (!p) {
    p = (async () => {
      const data = await digits(set);
      const model = await ctx.learner.callKeep("train", data, new SandboxFn("uniform", [ctx.seed]));
      const losses = await ctx.learner.call("driver:lossCurve", model);
      return { model, losses };
    })();
    m.set(set, p);
  }
  return p;
}

async function predictions(ctx: CheckContext, model: Handle, set: Digits, label: string): Promise<Int32Array> {
  const pred = asIntsResult(label, await ctx.learner.call("predict", model, set.x), set.y.length);
  const bad = pred.findIndex((p) => p < 0 || p > 9);
  if (bad >= 0) throw new CheckFailure(`${label}[${bad}] is ${pred[bad]}; a prediction is a digit 0..9.`, { hint: "predict returns argmax of the 10 logits of each row." });
  return pred;
}

/** A hint from the loss curve the model carries, if any. */
function lossHint(losses: unknown): string | undefined {
  if (!Array.isArray(losses) || losses.length === 0) return undefined;
  if (losses.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    return "Your recorded loss becomes NaN or Infinity: the learning rate is too high, the update has the wrong sign, or log(0) in the cross-entropy (use log-sum-exp).";
  }
  if (losses.length > 1 && losses[losses.length - 1] > losses[0]) return "Your recorded loss goes up: the parameters must move against the gradient (p -= lr * grad).";
  return undefined;
}

async function accuracyCheck(ctx: CheckContext, set: "small" | "train", on: "validation" | "heldOut", tiers: AccuracyTier[], label: string) {
  const { model, losses } = await trained(ctx, set);
  const test = await digits(on);
  const pred = await predictions(ctx, model, test, `predict(model, ${on === "validation" ? "validation" : "held-out"} x)`);
  const acc = accuracyOf(pred, test.y);
  const data = curveData({ loss: losses as number[] });
  return gradeAccuracy(label, acc, tiers, {
    count: test.y.length,
    hint: acc < tiers[0].min ? (predictionHint(pred, test.y, 10) ?? lossHint(losses)) : undefined,
    data,
  });
}

export default defineChecks({
  checks: [
    visible(
      "train on 1,000 digits returns a model, and predict gives one digit 0..9 per row",
      1,
      async (ctx) => {
        const { model } = await trained(ctx, "small");
        const val = await digits("validation");
        await predictions(ctx, model, val, "predict(model, validation x)");
        return { output: "train returned a model; predict returned 500 digits." };
      },
      { critical: true },
    ),
    visible("validation accuracy after training on 1,000 digits (80% for full marks)", 2, (ctx) =>
      accuracyCheck(ctx, "small", "validation", SMALL_TIERS, "Accuracy on 500 validation digits"),
    ),
    hidden("held-out accuracy after training on 4,000 digits (88% for full marks)", 5, (ctx) =>
      accuracyCheck(ctx, "train", "heldOut", FULL_TIERS, "Accuracy on 1,000 held-out digits"),
    ),
    hidden(`every digit is recognised (held-out recall at least ${MIN_RECALL * 100}% per digit)`, 1, async (ctx) => {
      const { model } = await trained(ctx, "train");
      const test = await digits("heldOut");
      const pred = await predictions(ctx, model, test, "predict(model, held-out x)");
      const recall = recallPerClass(pred, test.y, 10);
      const weak = recall.map((r, d) => [d, r] as const).filter(([, r]) => r < MIN_RECALL);
      if (weak.length) {
        throw new CheckFailure(
          `Held-out recall is below ${MIN_RECALL * 100}% for digit${weak.length > 1 ? "s" : ""} ${weak.map(([d, r]) => `${d} (${(100 * r).toFixed(0)}%)`).join(", ")}.`,
          { hint: predictionHint(pred, test.y, 10) ?? "Some digits are (almost) never predicted: train longer, or check that every class's logit gets its gradient (softmax minus one-hot)." },
        );
      }
      return { output: `Lowest per-digit recall: ${(100 * Math.min(...recall)).toFixed(0)}%.` };
    }),
    hidden("predict on a batch of one agrees with predict on the whole batch", 1, async (ctx) => {
      const { model } = await trained(ctx, "train");
      const test = await digits("heldOut");
      const batch = rows(test, Array.from({ length: 64 }, (_, i) => i));
      const all = await predictions(ctx, model, batch, "predict(model, x)");
      for (let k = 0; k < 4; k++) {
        const r = ctx.rng.int(batch.y.length);
        const single = await predictions(ctx, model, rows(batch, [r]), `predict(model, one row)`);
        if (single[0] !== all[r]) {
          throw new CheckFailure(`predict on a single row gives ${single[0]}, but the same row inside a batch of ${batch.y.length} gives ${all[r]}.`, {
            hint: "A prediction must depend only on its own row: no batch statistics, no state kept between calls.",
          });
        }
      }
    }),
  ],
});
