import { Rng, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, expectClose, asObjectResult, expectBackwardMatchesForward, referenceForward, referenceGrads, type TfForward, scaleHint, type HintRule, variantHint, en } from "gradlab/checks";

const dense: TfForward = (x, w, b) => x.matMul(w).add(b);

function makeCase(rng: Rng, n: number, d: number, m: number) {
  return { x: randn([n, d], rng), w: randn([d, m], rng), b: randn([m], rng), dy: randn([n, m], rng) };
}

function randomShape(rng: Rng): [number, number, number] {
  return [rng.int(2) === 0 ? 1 : 2 + rng.int(6), 1 + rng.int(7), 1 + rng.int(7)];
}

const batchHints = (n: number): HintRule[] => [
  scaleHint([
    { value: 1 / n, hint: en`Your values are the reference divided by the batch size ${n}: dy already carries the loss's mean, so do not divide again.` },
    { value: n, hint: en`Your values are the reference times the batch size ${n}.` },
  ]),
];

const dbHints = (n: number): HintRule[] => [
  scaleHint([{ value: 1 / n, hint: en`db is the mean of dy over the batch; it must be the sum: db = sum(dy, 0).` }]),
  (_expected, got) => (got.shape.length === 1 ? undefined : en`db must be summed over the batch: sum(dy, 0) gives shape [M].`),
];

async function checkForward({ learner, tf }: CheckContext, c: ReturnType<typeof makeCase>) {
  const expected = referenceForward(tf, dense, [c.x, c.w, c.b]);
  expectClose("denseForward(x, w, b)", expected, await learner.call("denseForward", c.x, c.w, c.b), {
    against: "tfjs",
    hints: [variantHint(en`Your output is x·w without the bias b.`, () => referenceForward(tf, (x, w) => x.matMul(w), [c.x, c.w]))],
  });
}

async function checkBackward({ learner, tf }: CheckContext, c: ReturnType<typeof makeCase>, which: ("dx" | "dw" | "db")[]) {
  const [dx, dw, db] = referenceGrads(tf, dense, [c.x, c.w, c.b], c.dy);
  const out = asObjectResult("denseBackward(dy, x, w)", await learner.call("denseBackward", c.dy, c.x, c.w), ["dx", "dw", "db"]);
  const n = c.x.shape[0];
  const expected = { dx, dw, db };
  for (const k of which) {
    expectClose(`denseBackward(dy, x, w).${k}`, expected[k], out[k], { against: "tf.grads", hints: k === "db" ? dbHints(n) : batchHints(n) });
  }
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: ReturnType<typeof makeCase>) {
  const out = asObjectResult("denseBackward(dy, x, w)", await learner.call("denseBackward", c.dy, c.x, c.w), ["dx", "dw", "db"]);
  await expectBackwardMatchesForward({
    backward: out,
    grads: { dx: "x", dw: "w", db: "b" },
    inputs: { x: c.x, w: c.w, b: c.b },
    forward: (i) => learner.call("denseForward", i.x, i.w, i.b),
    forwardLabel: "denseForward",
    dy: c.dy,
  });
}

export default defineChecks({
  checks: [
    visible("denseForward matches tfjs (x [2,3], w [3,4])", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 2, 3, 4))),
    visible("denseForward with a batch of one (x [1,5], w [5,2])", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 1, 5, 2))),
    visible("denseBackward dx matches tf.grads (x [3,4], w [4,2])", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 3, 4, 2), ["dx"])),
    visible("denseBackward dw matches tf.grads (x [3,4], w [4,2])", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 3, 4, 2), ["dw"])),
    visible("denseBackward db matches tf.grads (x [3,4], w [4,2])", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, 3, 4, 2), ["db"])),
    visible("denseBackward agrees with finite differences of your denseForward", 1, (ctx) => checkAgainstOwnForward(ctx, makeCase(ctx.rng, 3, 3, 2))),
    hidden("denseForward on random shapes", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkForward(ctx, makeCase(ctx.rng, ...randomShape(ctx.rng)));
    }),
    hidden("denseBackward dx, dw, db on random shapes", 3, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkBackward(ctx, makeCase(ctx.rng, ...randomShape(ctx.rng)), ["dx", "dw", "db"]);
    }),
  ],
});
