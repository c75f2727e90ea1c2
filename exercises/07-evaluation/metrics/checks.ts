import type { Rng } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, expectNumberClose, fmt, isClose, CheckFailure, asObjectResult, VS_FLOAT64, hostAnswer, describe, InvalidValue, en } from "gradlab/checks";
import { expectedAccuracy, expectedAuc, expectedPrf, type Prf, type PrfCase } from "./reference.host.ts";

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

// ---- validating the learner's arrays ----------------------------------------------------------

function asNumberList(label: string, v: unknown, length: number): number[] {
  if (v instanceof InvalidValue) throw new CheckFailure(`${label} returned ${v.why}.`);
  let items: ArrayLike<unknown> | undefined;
  if (Array.isArray(v) || v instanceof Float64Array) items = v;
  if (!items) throw new CheckFailure(en`${label} is ${describe(v)}; expected an array of ${length} numbers (one per class).`);
  if (items.length !== length) throw new CheckFailure(en`${label} has ${items.length} entries; expected ${length} (one per class, including classes that never occur).`);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const x = items[i];
    if (typeof x !== "number") throw new CheckFailure(en`${label}[${i}] is ${describe(x)}; expected a number.`);
    if (Number.isNaN(x)) {
      throw new CheckFailure(en`${label}[${i}] is NaN.`, { hint: en`A 0/0 ratio (a class never predicted, or absent from the labels) must be 0, not NaN: test the denominator before dividing.` });
    }
    if (!Number.isFinite(x)) throw new CheckFailure(en`${label}[${i}] is ${x}; expected a finite number.`);
    out.push(x);
  }
  return out;
}

/** A list returned as a Float32Array holds the float32 roundings of the right ratios: that is correct work. */
const FLOAT32_ROUNDING = { rtol: 1.2e-7, atol: 1e-12 };
const closeOrFloat32 = (expected: number, got: number) => isClose(expected, got, VS_FLOAT64) || (Math.fround(got) === got && isClose(expected, got, FLOAT32_ROUNDING));

function expectList(label: string, expected: number[], got: number[], hint?: (i: number) => string | undefined) {
  for (let i = 0; i < expected.length; i++) {
    if (!closeOrFloat32(expected[i], got[i])) {
      throw new CheckFailure(en`${label}[${i}] (class ${i}) is wrong: expected ${fmt(expected[i])}, got ${fmt(got[i])}.`, { hint: hint?.(i) });
    }
  }
}

// ---- checks ---------------------------------------------------------------------------------------

const ints = (xs: number[]) => Int32Array.from(xs);

/** Learners who know scikit-learn pass (labels, pred): its order is (y_true, y_pred). */
const ORDER = en`Mind the argument order: precisionRecallF1(pred, labels), predictions first (scikit-learn's precision_score takes y_true first).`;

async function checkAccuracy(ctx: CheckContext, pred: Int32Array, labels: Int32Array) {
  const expected = hostAnswer(expectedAccuracy(pred, labels));
  const got = await ctx.learner.call("accuracy", pred, labels);
  expectNumberClose(`accuracy(pred, labels) (N = ${labels.length})`, expected, got, {
    tol: VS_FLOAT64,
    against: en`the fraction of matching positions`,
    hint: (_e, g) => {
      if (isClose(Math.round(expected * labels.length), g, VS_FLOAT64)) return en`That is the number of matches: divide by N.`;
      if (g === 0 && expected > 0) return en`Your accuracy is 0, yet some predictions equal their labels: count the positions where pred[i] === labels[i], then divide by N.`;
      return undefined;
    },
  });
}

async function checkPrf(ctx: CheckContext, pred: Int32Array, labels: Int32Array, k: number, parts: (keyof Prf)[]) {
  const { expected, accuracy: micro, tp, fp, fn }: PrfCase = hostAnswer(expectedPrf(pred, labels, k));
  const label = `precisionRecallF1(pred, labels, ${k})`;
  const out = asObjectResult(label, await ctx.learner.call("precisionRecallF1", pred, labels, k), ["precision", "recall", "f1", "macroF1"]);
  for (const part of parts) {
    if (part === "macroF1") {
      const meanP = expected.precision.reduce((s, v) => s + v, 0) / k;
      const meanR = expected.recall.reduce((s, v) => s + v, 0) / k;
      const present = expected.f1.filter((_, c) => tp[c] + fp[c] + fn[c] > 0);
      expectNumberClose(`${label}.macroF1`, expected.macroF1, out.macroF1, {
        tol: VS_FLOAT64,
        against: en`the mean of the per-class F1`,
        hint: (_e, g) => {
          const near = (x: number) => isClose(x, g, VS_FLOAT64);
          if (present.length && present.length < k && near(present.reduce((s, v) => s + v, 0) / present.length)) return en`You averaged over the classes that occur only: divide by numClasses (${k}); a class that never occurs counts as F1 = 0.`;
          if (near(micro)) return en`That is the micro-averaged F1 (pooled counts, equal to the accuracy): macroF1 is the plain mean of the per-class F1.`;
          if (near(ratio(2 * meanP * meanR, meanP + meanR))) return en`That is the F1 of the mean precision and mean recall: macroF1 is the mean of the per-class F1 values.`;
          return undefined;
        },
      });
      continue;
    }
    const got = asNumberList(`${label}.${part}`, out[part], k);
    expectList(`${label}.${part}`, expected[part], got, (c) => {
      if (part === "precision" && isClose(ratio(tp[c], tp[c] + fn[c]), got[c], VS_FLOAT64)) return en`That is the recall: precision divides by the number of times the class was predicted (TP + FP). ${ORDER}`;
      if (part === "recall" && isClose(ratio(tp[c], tp[c] + fp[c]), got[c], VS_FLOAT64)) return en`That is the precision: recall divides by the number of times the class occurs in the labels (TP + FN). ${ORDER}`;
      if (part === "f1" && isClose((expected.precision[c] + expected.recall[c]) / 2, got[c], VS_FLOAT64)) return en`F1 is the harmonic mean 2PR / (P + R), not the arithmetic mean.`;
      if (expected[part][c] === 0 && got[c] === 1) return en`A 0/0 ratio must be 0, not 1.`;
      return undefined;
    });
  }
}

async function checkAuc(ctx: CheckContext, scores: Float64Array, labels: Int32Array, what: string) {
  const { auc: expected, tiesZero, tiesOne } = hostAnswer(expectedAuc(scores, labels));
  const got = await ctx.learner.call("rocAuc", scores, labels);
  expectNumberClose(`rocAuc(scores, labels) for ${what}`, expected, got, {
    tol: VS_FLOAT64,
    against: en`the Mann–Whitney statistic (ties ½)`,
    hint: (_e, g) => {
      if (isClose(tiesZero, g, VS_FLOAT64)) return en`Tied pairs count one half; yours count 0.`;
      if (isClose(tiesOne, g, VS_FLOAT64)) return en`Tied pairs count one half; yours count 1.`;
      const [lo, hi] = [tiesZero, tiesOne];
      if (lo < hi && g > lo && g < hi) return en`Your value lies between counting tied pairs as 0 and as 1: a tie seems to count by the order the sort left it in. Treat each group of equal scores together: a positive and a negative with the same score count one half.`;
      if (isClose(1 - expected, g, VS_FLOAT64)) return en`That is 1 − AUC: a higher score means positive (label 1); count pairs where the positive scores above the negative.`;
      if (g === 0) return en`An AUC of 0 says every positive scores below every negative, which is not the case here: count, over all (positive, negative) pairs, those where the positive scores higher (ties ½), and divide by the number of pairs.`;
      return undefined;
    },
  });
}

function randomClasses(rng: Rng, n: number, k: number, skill: number, missing: number[] = []) {
  const allowed = Array.from({ length: k }, (_, c) => c).filter((c) => !missing.includes(c));
  const labels = Int32Array.from({ length: n }, () => allowed[rng.int(allowed.length)]);
  const pred = Int32Array.from(labels, (y) => (rng.next() < skill ? y : rng.int(k)));
  return { pred, labels };
}

function randomScores(rng: Rng, n: number, decimals: number | null) {
  const labels = Int32Array.from({ length: n }, () => rng.int(2));
  labels[0] = 1;
  labels[1] = 0;
  const scores = Float64Array.from(labels, (y) => {
    const s = y + 1.2 * rng.normal();
    return decimals === null ? s : Math.round(s * 10 ** decimals) / 10 ** decimals;
  });
  return { scores, labels };
}

// A fixed 3-class case: 10 predictions.
const P3 = ints([0, 0, 1, 1, 2, 2, 2, 0, 1, 2]);
const L3 = ints([0, 1, 1, 1, 2, 0, 2, 0, 2, 2]);

export default defineChecks({
  checks: [
    visible("accuracy on a fixed case (10 predictions)", 1, (ctx) => checkAccuracy(ctx, P3, L3)),
    visible("precisionRecallF1: per-class precision, recall and F1 (3 classes)", 1, (ctx) => checkPrf(ctx, P3, L3, 3, ["precision", "recall", "f1"])),
    visible("precisionRecallF1: macroF1 is the mean of the per-class F1 (3 classes)", 1, (ctx) => checkPrf(ctx, P3, L3, 3, ["macroF1"])),
    visible("a class that is never predicted has precision 0 (0/0), not NaN", 1, (ctx) =>
      checkPrf(ctx, ints([0, 1, 1, 0, 1, 0]), ints([0, 1, 2, 0, 2, 1]), 3, ["precision", "recall", "f1", "macroF1"]),
    ),
    visible("a class absent from the labels has recall 0 and still counts in macroF1", 1, (ctx) =>
      checkPrf(ctx, ints([0, 3, 1, 1, 0, 3]), ints([0, 0, 1, 1, 0, 1]), 4, ["precision", "recall", "f1", "macroF1"]),
    ),
    visible("rocAuc without ties, and with perfect (and reversed) separation", 1, async (ctx) => {
      await checkAuc(ctx, Float64Array.from([0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.1]), ints([1, 1, 0, 1, 0, 1, 0, 0]), "8 distinct scores");
      await checkAuc(ctx, Float64Array.from([0.1, 0.2, 0.35, 0.8, 0.9]), ints([0, 0, 0, 1, 1]), en`perfect separation (AUC 1)`);
      await checkAuc(ctx, Float64Array.from([0.9, 0.8, 0.1, 0.2]), ints([0, 0, 1, 1]), en`reversed separation (AUC 0)`);
    }),
    visible("rocAuc with ties: all scores equal gives 0.5; partial ties count one half", 1, async (ctx) => {
      await checkAuc(ctx, Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.5]), ints([1, 0, 1, 0, 0]), en`all scores tied (AUC 0.5)`);
      await checkAuc(ctx, Float64Array.from([0.7, 0.7, 0.3, 0.3, 0.3, 0.9]), ints([1, 0, 1, 0, 0, 1]), en`scores with ties`);
    }),
    hidden("accuracy and precisionRecallF1 on random predictions (2 to 8 classes, including N = 1)", 1, async (ctx) => {
      for (let t = 0; t < 5; t++) {
        const k = 2 + ctx.rng.int(7);
        const n = t === 0 ? 1 : 1 + ctx.rng.int(300);
        const { pred, labels } = randomClasses(ctx.rng, n, k, ctx.rng.next());
        await checkAccuracy(ctx, pred, labels);
        await checkPrf(ctx, pred, labels, k, ["precision", "recall", "f1", "macroF1"]);
      }
    }),
    hidden("macroF1 with classes that never occur or are never predicted", 1, async (ctx) => {
      for (let t = 0; t < 4; t++) {
        const k = 3 + ctx.rng.int(6);
        const missing = [ctx.rng.int(k)];
        const { pred, labels } = randomClasses(ctx.rng, 5 + ctx.rng.int(60), k, 0.5, missing);
        await checkPrf(ctx, pred, labels, k, ["precision", "recall", "f1", "macroF1"]);
        await checkPrf(ctx, labels, pred, k, ["precision", "recall", "f1", "macroF1"]);
      }
    }),
    hidden("rocAuc on random scores, with and without ties (up to 2,000 scores)", 1, async (ctx) => {
      for (const decimals of [null, 1, 0, null, 2]) {
        const { scores, labels } = randomScores(ctx.rng, 2 + ctx.rng.int(decimals === null ? 2000 : 300), decimals);
        await checkAuc(ctx, scores, labels, decimals === null ? "random scores" : en`scores rounded to ${decimals} decimals`);
      }
    }),
  ],
});
