import type * as TF from "@tensorflow/tfjs";
import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, expectNumberClose, CheckFailure, asTensorResult, expectGradMatchesForward, scaleHint, type HintRule, fromTf, toTf, keptAcrossGrades, variantHint, isClose, VS_TFJS_RELATIVE, en } from "gradlab/checks";
import { columnSoftmax, columnSoftmaxGrad, softmaxOverBatch } from "./mistakes.host.ts";

interface Case {
  logits: Tensor;
  labels: Int32Array;
  /** What is special about the logits, for a hidden failure's message ("huge logits"). */
  kind?: string;
}

// Logits are float32 numbers so that tfjs (float32) and the learner (float64) see the same values.
const f32 = (t: Tensor) => new Tensor(t.data.map(Math.fround), t.shape.slice());

function makeCase(rng: Rng, n: number, c: number, scale = 2): Case {
  const logits = f32(new Tensor(randn([n, c], rng).data.map((v) => v * scale), [n, c]));
  return { logits, labels: Int32Array.from({ length: n }, () => rng.int(c)) };
}

/**
 * Huge logits: each row is ±1e4 plus offsets that are multiples of 1/64, so every logit and every
 * difference of logits is exact in float32 and tfjs's reference keeps its precision.
 */
function hugeCase(rng: Rng, n: number, c: number): Case {
  const data = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    const base = (rng.int(2) === 0 ? 1 : -1) * (9000 + rng.int(1000));
    for (let j = 0; j < c; j++) data[i * c + j] = base + Math.round(rng.normal() * 2 * 64) / 64;
  }
  return { logits: new Tensor(data, [n, c]), labels: Int32Array.from({ length: n }, () => rng.int(c)), kind: en`huge logits (each row near +-1e4, a small spread)` };
}

/**
 * A wide spread within each row: one logit far above, one far below the rest (differences of
 * thousands, multiples of 1/64 so they are exact in float32). exp overflows unless the row's max is
 * subtracted: the row's mean (or any other shift) leaves exp(max - mean) = Infinity.
 */
function wideCase(rng: Rng, n: number, c: number): Case {
  const data = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    const hi = rng.int(c);
    const lo = (hi + 1 + rng.int(c - 1)) % c;
    for (let j = 0; j < c; j++) data[i * c + j] = j === hi ? 2000 + rng.int(8000) : j === lo ? -(2000 + rng.int(8000)) : Math.round(rng.normal() * 2 * 64) / 64;
  }
  return { logits: new Tensor(data, [n, c]), labels: Int32Array.from({ length: n }, () => rng.int(c)), kind: en`a wide spread within each row (thousands between the largest and smallest logit)` };
}

// ---- the tfjs reference: tf.softmax, and the mean of -log_softmax at the label (tf.logSoftmax) ----

/** Mean cross-entropy as tf ops: -(1/N) Σ_n Σ_c onehot · logSoftmax(z) (what tf.losses.softmaxCrossEntropy computes). */
function tfLoss(tf: Tf, labels: Int32Array, c: number): (z: TF.Tensor) => TF.Scalar {
  return (z) => {
    const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), c);
    return tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(z)))).div(labels.length) as TF.Scalar;
  };
}

const refSoftmax = keptAcrossGrades((tf: Tf, c: Case): Tensor => {
  const out = tf.tidy(() => tf.softmax(toTf(tf, c.logits)));
  const r = fromTf(out);
  out.dispose();
  return r;
});

const refLoss = keptAcrossGrades((tf: Tf, c: Case): number => {
  return tf.tidy(() => tfLoss(tf, c.labels, c.logits.shape[1])(toTf(tf, c.logits)).dataSync()[0]);
});

const refGrad = keptAcrossGrades((tf: Tf, c: Case): Tensor => {
  const g = tf.tidy(() => tf.grad(tfLoss(tf, c.labels, c.logits.shape[1]))(toTf(tf, c.logits)));
  const r = fromTf(g);
  g.dispose();
  return r;
});

const COLUMNS_HINT = en`Your softmax normalises each column (over the batch, axis 0): it must normalise each row, one example's C class scores (axis 1).`;

function softmaxHints(c: Case): HintRule[] {
  return [
    variantHint(COLUMNS_HINT, () => columnSoftmax(c.logits)),
    variantHint(en`Your values are exp(z) without the division by the row's sum: each row of a softmax sums to 1.`, () => new Tensor(c.logits.data.map(Math.exp), c.logits.shape.slice())),
  ];
}

function gradHints(c: Case): HintRule[] {
  const n = c.logits.shape[0];
  return [
    scaleHint([
      { value: n, hint: en`Your gradient is the reference times the batch size ${n}: the loss is the mean over the batch, so divide (softmax - onehot) by N.` },
      { value: 1 / n, hint: en`Your gradient is the reference divided by the batch size ${n} once too often.` },
    ]),
    variantHint(en`Your gradient uses a softmax over the columns (axis 0). ${COLUMNS_HINT}`, () => columnSoftmaxGrad(c.logits, c.labels)),
    variantHint(en`Your gradient is softmax / N: subtract the one-hot label, (softmax - onehot) / N.`, () => softmaxOverBatch(c.logits)),
  ];
}

const UNSTABLE = en`exp overflows (Math.exp(710) is Infinity) and Infinity / Infinity is NaN: subtract each row's max before exp; softmax does not change when a constant is subtracted from a row. Only the max keeps every argument of exp at or below 0: the row's mean does not (in [1e4, -1e4, 0] the mean is 0).`;
const LOG_ZERO = en`A non-finite loss comes from exp overflow (exp(z) with z in the thousands is Infinity) or from log(0) = -Infinity (a probability that underflows to 0). Compute each row's loss as logsumexp(z) - z[label], with logsumexp(z) = m + log Σ exp(z - m) and m = max(z): no overflow, no log(0).`;

/** Rethrow a non-finite result's failure with this exercise's hint. */
function withNonFiniteHint<T>(hint: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CheckFailure && /(contains|returned) (NaN|-?Infinity)/.test(e.message)) throw new CheckFailure(e.message, { hint, data: e.data });
    throw e;
  }
}

// ---- checks --------------------------------------------------------------------------------

/** "logits [3,4], huge logits (...)": the kind of case, for a hidden failure's message. */
function describeCase(ctx: CheckContext, c: Case): void {
  const one = c.logits.shape[0] === 1 ? en` (a batch of one)` : "";
  ctx.describe(c.kind ? en`logits [${c.logits.shape}]${one}, ${c.kind}` : en`logits [${c.logits.shape}]${one}`);
}

async function checkSoftmax(ctx: CheckContext, c: Case) {
  const { learner, tf } = ctx;
  describeCase(ctx, c);
  const got = await learner.call("softmax", c.logits);
  withNonFiniteHint(UNSTABLE, () => expectClose("softmax(logits)", refSoftmax(tf, c), got, { against: "tf.softmax", hints: softmaxHints(c) }));
}

async function checkLoss(ctx: CheckContext, c: Case) {
  const { learner, tf } = ctx;
  describeCase(ctx, c);
  const n = c.logits.shape[0];
  const got = await learner.call("crossEntropy", c.logits, c.labels);
  withNonFiniteHint(LOG_ZERO, () =>
    expectNumberClose("crossEntropy(logits, labels)", refLoss(tf, c), got, {
      against: en`tfjs (mean of -tf.logSoftmax at the labels)`,
      hint: (e, g) =>
        n > 1 && isClose(n, g / e, VS_TFJS_RELATIVE)
          ? en`Your loss is the reference times the batch size ${n}: average over the batch (divide the sum by N).`
          : isClose(-1, g / e, VS_TFJS_RELATIVE)
            ? en`Right size, opposite sign: the loss is -log(p[label]), a positive number.`
            : undefined,
    }),
  );
}

async function checkGrad(ctx: CheckContext, c: Case) {
  const { learner, tf } = ctx;
  describeCase(ctx, c);
  const got = await learner.call("crossEntropyBackward", c.logits, c.labels);
  withNonFiniteHint(UNSTABLE, () => expectClose("crossEntropyBackward(logits, labels)", refGrad(tf, c), got, { against: "tf.grad", hints: gradHints(c) }));
}

async function checkAgainstOwnLoss({ learner }: CheckContext, c: Case) {
  const grad = asTensorResult("crossEntropyBackward(logits, labels)", await learner.call("crossEntropyBackward", c.logits, c.labels), c.logits.shape);
  await expectGradMatchesForward({
    wrt: "logits",
    gradLabel: "crossEntropyBackward(logits, labels)",
    forwardLabel: "crossEntropy",
    at: c.logits,
    grad,
    forward: (z) => learner.call("crossEntropy", z, c.labels),
  });
}

/** A confidently wrong batch of one: the label's logit is 2e4 below the max, so the loss is 2e4. */
const confidentlyWrong = (): Case => ({ logits: new Tensor([1e4, -1e4, 0], [1, 3]), labels: Int32Array.from([1]), kind: en`a wide spread within the row` });

function randomCase(rng: Rng): Case {
  const n = rng.int(3) === 0 ? 1 : 2 + rng.int(7);
  const c = 2 + rng.int(8);
  const kind = rng.int(6);
  return kind === 0 ? hugeCase(rng, n, c) : kind === 1 ? wideCase(rng, n, c) : makeCase(rng, n, c, [0.5, 2, 5][rng.int(3)]);
}

export default defineChecks({
  checks: [
    visible("softmax matches tf.softmax, row by row (logits [3,5])", 1, (ctx) => checkSoftmax(ctx, makeCase(ctx.rng, 3, 5))),
    visible("softmax stays finite and right for huge logits (±1e4) and a wide row ([1e4, -1e4, 0])", 1, async (ctx) => {
      await checkSoftmax(ctx, hugeCase(ctx.rng, 3, 4));
      await checkSoftmax(ctx, confidentlyWrong());
    }),
    visible("crossEntropy matches tfjs, the mean over the batch (logits [4,3])", 1, (ctx) => checkLoss(ctx, makeCase(ctx.rng, 4, 3))),
    visible("crossEntropy for huge logits, and a confidently wrong batch of one (loss 2e4)", 1, async (ctx) => {
      await checkLoss(ctx, hugeCase(ctx.rng, 3, 4));
      await checkLoss(ctx, confidentlyWrong());
    }),
    visible("crossEntropyBackward matches tf.grad of the mean loss (logits [4,3])", 1, (ctx) => checkGrad(ctx, makeCase(ctx.rng, 4, 3))),
    visible("crossEntropyBackward for huge logits, and a batch of one", 1, async (ctx) => {
      await checkGrad(ctx, hugeCase(ctx.rng, 3, 4));
      await checkGrad(ctx, confidentlyWrong());
    }),
    visible("crossEntropyBackward agrees with finite differences of your crossEntropy (logits [3,4])", 1, (ctx) => checkAgainstOwnLoss(ctx, makeCase(ctx.rng, 3, 4))),
    hidden("softmax on random shapes and scales", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkSoftmax(ctx, randomCase(ctx.rng));
      await checkSoftmax(ctx, wideCase(ctx.rng, 1 + ctx.rng.int(4), 3 + ctx.rng.int(5)));
    }),
    hidden("crossEntropy on random shapes and scales", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkLoss(ctx, randomCase(ctx.rng));
      await checkLoss(ctx, wideCase(ctx.rng, 1 + ctx.rng.int(4), 3 + ctx.rng.int(5)));
    }),
    hidden("crossEntropyBackward on random shapes and scales", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkGrad(ctx, randomCase(ctx.rng));
      await checkGrad(ctx, wideCase(ctx.rng, 1 + ctx.rng.int(4), 3 + ctx.rng.int(5)));
    }),
  ],
});
