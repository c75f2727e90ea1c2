import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, expectClose, asObjectResult, expectBackwardMatchesForward, referenceForward, referenceGrads, mistakeHints, once, type Mistake, type Tf, en } from "gradlab/checks";
import { attentionTf, type AttentionMistakes } from "./ref.ts";

type Out = "out" | "dq" | "dk" | "dv";
type Grad = Exclude<Out, "out">;
const GRADS: Grad[] = ["dq", "dk", "dv"];

interface Case {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  causal: boolean;
  dout: Tensor;
}

/** Causal cases need Tq == Tk. */
function makeCase(rng: Rng, n: number, tq: number, tk: number, d: number, dv: number, causal: boolean): Case {
  if (causal && tq !== tk) throw new Error("makeCase: a causal case needs Tq == Tk");
  return { q: randn([n, tq, d], rng), k: randn([n, tk, d], rng), v: randn([n, tk, dv], rng), causal, dout: randn([n, tq, dv], rng) };
}

/** N = 1..3, T = 1..5, d = 1..5, dv = 1..4; causal half the time (then Tq = Tk), otherwise Tq and Tk independent. */
function randomCase(rng: Rng): Case {
  const causal = rng.int(2) === 0;
  const tq = 1 + rng.int(5);
  const tk = causal ? tq : 1 + rng.int(5);
  return makeCase(rng, 1 + rng.int(3), tq, tk, 1 + rng.int(5), 1 + rng.int(4), causal);
}

/** The mistakes learners make, with what each would give on this case (computed by tfjs on demand). */
function mistakes(tf: Tf, c: Case): Mistake<Out>[] {
  const d = c.q.shape[2];
  const inputs = [c.q, c.k, c.v];
  const variant = (causal: boolean, m: AttentionMistakes) =>
    once(() => {
      const f = attentionTf(tf, causal, m);
      const [dq, dk, dv] = referenceGrads(tf, f, inputs, c.dout);
      return { out: referenceForward(tf, f, inputs), dq, dk, dv };
    });
  const list: Mistake<Out>[] = [
    { hint: en`The scores are not scaled: divide q·kᵀ by sqrt(d) = ${Number(Math.sqrt(d).toFixed(4))} before the softmax.`, outputs: variant(c.causal, { scale: "none" }) },
    { hint: en`The scores are divided by d = ${d}; scaled dot-product attention divides by sqrt(d) = ${Number(Math.sqrt(d).toFixed(4))}.`, outputs: variant(c.causal, { scale: "d" }) },
    {
      hint: en`Softmax runs over the wrong axis (the queries): for each query, the weights over the keys (the last axis of the [N, Tq, Tk] scores) must sum to 1.`,
      outputs: variant(c.causal, { softmaxAxis: "queries" }),
    },
  ];
  if (c.causal) {
    list.push(
      {
        hint: en`The mask is applied after the softmax, so each row's weights no longer sum to 1: set masked scores to -Infinity (or a large negative number) before the softmax.`,
        outputs: variant(true, { mask: "after-softmax" }),
      },
      { hint: en`The mask hides the wrong triangle: query i may see keys j <= i (itself and the past); keys j > i are masked.`, outputs: variant(true, { mask: "wrong-triangle" }) },
      { hint: en`causal is true but nothing is masked: query i must not see keys j > i.`, outputs: variant(true, { mask: "none" }) },
      { hint: en`The mask is off by one: it hides key j = i too (j >= i). Query i may see itself: mask only keys j > i.`, outputs: variant(true, { mask: "diagonal-hidden" }) },
    );
  } else if (c.q.shape[1] === c.k.shape[1]) {
    list.push({ hint: en`causal is false, yet keys after the query are masked: mask only when causal is true.`, outputs: variant(true, {}) });
  }
  return list;
}

async function checkForward({ learner, tf }: CheckContext, c: Case) {
  const expected = referenceForward(tf, attentionTf(tf, c.causal), [c.q, c.k, c.v]);
  expectClose(`attentionForward(q, k, v, ${c.causal})`, expected, await learner.call("attentionForward", c.q, c.k, c.v, c.causal), {
    against: "tfjs",
    hints: mistakeHints(mistakes(tf, c), "out"),
  });
}

async function checkBackward({ learner, tf }: CheckContext, c: Case, which: Grad[] = GRADS) {
  const [dq, dk, dv] = referenceGrads(tf, attentionTf(tf, c.causal), [c.q, c.k, c.v], c.dout);
  const expected = { dq, dk, dv };
  const label = `attentionBackward(dout, q, k, v, ${c.causal})`;
  const out = asObjectResult(label, await learner.call("attentionBackward", c.dout, c.q, c.k, c.v, c.causal), GRADS);
  const ms = mistakes(tf, c);
  for (const key of which) expectClose(`${label}.${key}`, expected[key], out[key], { against: "tf.grads", hints: mistakeHints(ms, key) });
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: Case) {
  const out = asObjectResult(`attentionBackward(dout, q, k, v, ${c.causal})`, await learner.call("attentionBackward", c.dout, c.q, c.k, c.v, c.causal), GRADS);
  await expectBackwardMatchesForward({
    backward: out,
    grads: { dq: "q", dk: "k", dv: "v" },
    inputs: { q: c.q, k: c.k, v: c.v },
    forward: (i) => learner.call("attentionForward", i.q, i.k, i.v, c.causal),
    forwardLabel: "attentionForward",
    dy: c.dout,
    maxElements: 16,
  });
}

const visibleCase = {
  causal: (rng: Rng) => makeCase(rng, 2, 4, 4, 4, 3, true),
  cross: (rng: Rng) => makeCase(rng, 2, 2, 5, 4, 3, false),
  backward: (rng: Rng) => makeCase(rng, 2, 3, 4, 4, 2, false),
};

export default defineChecks({
  checks: [
    visible("attentionForward, causal, matches tfjs (q, k [2,4,4], v [2,4,3])", 1, (ctx) => checkForward(ctx, visibleCase.causal(ctx.rng))),
    visible("attentionForward, not causal, with Tq != Tk matches tfjs (q [2,2,4], k [2,5,4], v [2,5,3])", 1, (ctx) => checkForward(ctx, visibleCase.cross(ctx.rng))),
    visible("attentionForward and attentionBackward with sequences of length 1, causal and not", 1, async (ctx) => {
      for (const causal of [false, true]) {
        const c = makeCase(ctx.rng, 2, 1, 1, 3, 2, causal);
        await checkForward(ctx, c);
        await checkBackward(ctx, c);
      }
    }),
    visible("attentionBackward dq matches tf.grads (q [2,3,4], k [2,4,4], v [2,4,2])", 1, (ctx) => checkBackward(ctx, visibleCase.backward(ctx.rng), ["dq"])),
    visible("attentionBackward dk matches tf.grads (q [2,3,4], k [2,4,4], v [2,4,2])", 1, (ctx) => checkBackward(ctx, visibleCase.backward(ctx.rng), ["dk"])),
    visible("attentionBackward dv matches tf.grads (q [2,3,4], k [2,4,4], v [2,4,2])", 1, (ctx) => checkBackward(ctx, visibleCase.backward(ctx.rng), ["dv"])),
    visible("attentionBackward, causal, dq, dk, dv match tf.grads (q, k [2,4,4], v [2,4,3])", 1, (ctx) => checkBackward(ctx, visibleCase.causal(ctx.rng))),
    visible("attentionBackward agrees with finite differences of your attentionForward (causal, q, k [2,3,2], v [2,3,2])", 1, (ctx) =>
      checkAgainstOwnForward(ctx, makeCase(ctx.rng, 2, 3, 3, 2, 2, true)),
    ),
    hidden("attentionForward on random shapes, causal and not", 1, async (ctx) => {
      for (let i = 0; i < 4; i++) await checkForward(ctx, randomCase(ctx.rng));
    }),
    hidden("attentionBackward dq, dk, dv on random shapes, causal and not", 1, async (ctx) => {
      for (let i = 0; i < 4; i++) await checkBackward(ctx, randomCase(ctx.rng));
    }),
  ],
});
