import { Rng, Tensor, add, mul, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, asObjectResult, expectBackwardMatchesForward, referenceForward, referenceGrads, mistakeHints, type HintRule, once, type Mistake, en } from "gradlab/checks";
import { PARAM_KEYS, mhaTf, type MhaMistakes, type MhaParams } from "./ref.ts";

type Param = (typeof PARAM_KEYS)[number];
type Grad = "dx" | `d${Param}`;
type Out = "out" | Grad;
const PARAM_GRADS = PARAM_KEYS.map((k) => `d${k}`) as `d${Param}`[];
const GRADS: Grad[] = ["dx", ...PARAM_GRADS];

interface Case {
  x: Tensor;
  p: MhaParams;
  numHeads: number;
  causal: boolean;
  dy: Tensor;
}

/** Weights ~ N(0, 1/D), so that scores stay of order 1 and the softmax is neither flat nor one-hot. */
function makeCase(rng: Rng, n: number, t: number, numHeads: number, dh: number, causal: boolean): Case {
  const d = numHeads * dh;
  const w = () => mul(randn([d, d], rng), 1 / Math.sqrt(d));
  const b = () => mul(randn([d], rng), 0.5);
  const x = randn([n, t, d], rng);
  const p: MhaParams = { wq: w(), bq: b(), wk: w(), bk: b(), wv: w(), bv: b(), wo: w(), bo: b() };
  return { x, p, numHeads, causal, dy: randn([n, t, d], rng) };
}

/** N = 1..3, T = 1..5, 1..3 heads of width 1..3; causal half the time. */
function randomCase(ctx: CheckContext): Case {
  const { rng } = ctx;
  const [n, t, heads, dh, causal] = [1 + rng.int(3), 1 + rng.int(5), 1 + rng.int(3), 1 + rng.int(3), rng.int(2) === 0];
  const heading = heads > 1 ? en`${heads} heads` : en`1 head`;
  ctx.describe(en`x [${n},${t},${heads * dh}], ${heading}, ${causal ? en`causal` : en`not causal`}`);
  return makeCase(rng, n, t, heads, dh, causal);
}

const describeCase = (c: Case) => `x [${c.x.shape}], ${c.numHeads} head${c.numHeads > 1 ? "s" : ""}, ${c.causal ? "causal" : "not causal"}`;
const forwardLabel = (c: Case) => `multiHeadAttentionForward(x, p, ${c.numHeads}, ${c.causal})`;
const backwardLabel = (c: Case) => `multiHeadAttentionBackward(dy, x, p, ${c.numHeads}, ${c.causal})`;
/** The tfjs forward's inputs: x for each of the three projections, then the parameters. */
const tfInputs = (c: Case) => [c.x, c.x, c.x, ...PARAM_KEYS.map((k) => c.p[k])];

/** Forward and every gradient of the tfjs forward (right, or with mistake `m`); dx sums the three paths. */
function outputsOf(tf: Tf, c: Case, m: MhaMistakes = {}): Record<Out, Tensor> & { paths: Tensor[] } {
  const f = mhaTf(tf, c.numHeads, c.causal, m);
  const [dxq, dxk, dxv, ...dparams] = referenceGrads(tf, f, tfInputs(c), c.dy);
  const out = { out: referenceForward(tf, f, tfInputs(c)), dx: add(add(dxq, dxk), dxv), paths: [dxq, dxk, dxv] } as Record<Out, Tensor> & { paths: Tensor[] };
  PARAM_GRADS.forEach((k, i) => (out[k] = dparams[i]));
  return out;
}

/** Known mistakes say nothing of an all-zero result (a stub): the generic zeros hint does (a mistake may give zeros where D is tiny). */
function knownMistakes<K extends string>(ms: Mistake<K>[], key: K): HintRule[] {
  return mistakeHints(ms, key).map((rule) => (expected, got) => (got.data.some((v) => v !== 0) ? rule(expected, got) : undefined));
}

/** The mistakes learners make, each with what it would give on this case (computed by tfjs on demand). */
function mistakes(tf: Tf, c: Case, right: () => Record<Out, Tensor> & { paths: Tensor[] }): Mistake<Out>[] {
  const [d, dh] = [c.x.shape[2], c.x.shape[2] / c.numHeads];
  const variant = (m: MhaMistakes) => once(() => outputsOf(tf, c, m));
  const list: Mistake<Out>[] = [];
  if (c.numHeads > 1) {
    list.push(
      {
        hint: en`Your scores are divided by sqrt(D) = sqrt(${d}), the model width: each head's scores are divided by sqrt(dh) = sqrt(${dh}), the width of one head (D / numHeads).`,
        outputs: variant({ scaleByModelDim: true }),
      },
      {
        hint: en`Your heads take every numHeads-th column (head h = columns j with j mod numHeads = h). Head h owns a contiguous block: columns h·dh to (h+1)·dh − 1 of q, k and v (reshape [N, T, D] to [N, T, H, dh]), and the heads' outputs go back side by side in the same order.`,
        outputs: variant({ split: "interleaved" }),
      },
      {
        hint: en`Your heads mix positions: [N, T, D] was reshaped straight to [N, H, T, dh]. Reshape to [N, T, H, dh] first, then transpose to [N, H, T, dh] (and transpose back before merging the heads into [N, T, D]).`,
        outputs: variant({ split: "reshape-without-transpose" }),
      },
      {
        hint: en`Your numbers are single-head attention over all D = ${d} features: numHeads is ignored. Split q, k and v into ${c.numHeads} heads of width dh = ${dh}, attend within each head, then put the heads' outputs side by side.`,
        outputs: variant({ split: "one-head" }),
      },
    );
  }
  if (c.causal && c.x.shape[1] > 1) {
    list.push({ hint: en`causal is true but nothing is masked: in every head, position i must not attend to positions j > i (mask the scores before the softmax).`, outputs: variant({ causalIgnored: true }) });
  }
  const onlyPath = (i: number, name: string) => ({
    hint: en`Your dx holds only the path through ${name}. In self-attention x feeds all three projections (q = x·wq + bq, k = x·wk + bk, v = x·wv + bv), so dx = dq·wqᵀ + dk·wkᵀ + dv·wvᵀ: add the three paths, do not overwrite.`,
    outputs: () => ({ dx: right().paths[i] }),
  });
  list.push(onlyPath(0, en`the query projection wq`), onlyPath(1, en`the key projection wk`), onlyPath(2, en`the value projection wv`));
  return list;
}

async function checkForward({ learner, tf }: CheckContext, c: Case) {
  const expected = referenceForward(tf, mhaTf(tf, c.numHeads, c.causal), tfInputs(c));
  const got = await learner.call("multiHeadAttentionForward", c.x, c.p, c.numHeads, c.causal);
  const right = once(() => outputsOf(tf, c));
  expectClose(forwardLabel(c), expected, got, { against: `tfjs (${describeCase(c)})`, hints: knownMistakes(mistakes(tf, c, right), "out") });
}

async function checkBackward({ learner, tf }: CheckContext, c: Case, which: Grad[]) {
  const right = once(() => outputsOf(tf, c));
  const expected = right();
  const label = backwardLabel(c);
  const out = asObjectResult(label, await learner.call("multiHeadAttentionBackward", c.dy, c.x, c.p, c.numHeads, c.causal), GRADS);
  const ms = mistakes(tf, c, right);
  for (const k of which) expectClose(`${label}.${k}`, expected[k], out[k], { against: `tf.grads (${describeCase(c)})`, hints: knownMistakes(ms, k) });
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: Case) {
  const out = asObjectResult(backwardLabel(c), await learner.call("multiHeadAttentionBackward", c.dy, c.x, c.p, c.numHeads, c.causal), GRADS);
  const inputs = { x: c.x, ...c.p } as Record<"x" | Param, Tensor>;
  await expectBackwardMatchesForward({
    backward: out,
    grads: Object.fromEntries(GRADS.map((g) => [g, g.slice(1)])) as Record<Grad, "x" | Param>,
    inputs,
    forward: ({ x, ...p }) => learner.call("multiHeadAttentionForward", x, p, c.numHeads, c.causal),
    forwardLabel: "multiHeadAttentionForward",
    gradLabelPrefix: `${backwardLabel(c)}.`,
    dy: c.dy,
    maxElements: 6, // spread over each tensor: with dh = 2 that still samples both heads
  });
}

const visibleCase = {
  causal: (rng: Rng) => makeCase(rng, 2, 4, 2, 3, true),
  backward: (rng: Rng, causal: boolean) => makeCase(rng, 2, 3, 2, 2, causal),
};

export default defineChecks({
  checks: [
    visible("multiHeadAttentionForward matches tfjs (x [2,4,6], 2 heads, causal)", 1, (ctx) => checkForward(ctx, visibleCase.causal(ctx.rng))),
    visible("multiHeadAttentionForward matches tfjs (x [2,3,6], 3 heads, not causal)", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, 2, 3, 3, 2, false))),
    visible("multiHeadAttentionForward and Backward with one head and one position (x [1,1,4], causal)", 1, async (ctx) => {
      const c = makeCase(ctx.rng, 1, 1, 1, 4, true);
      await checkForward(ctx, c);
      await checkBackward(ctx, c, GRADS);
    }),
    visible("multiHeadAttentionBackward dx matches tf.grads (x [2,3,4], 2 heads, causal)", 1, (ctx) => checkBackward(ctx, visibleCase.backward(ctx.rng, true), ["dx"])),
    visible("multiHeadAttentionBackward dwq, dbq, dwk, dbk match tf.grads (x [2,3,4], 2 heads, not causal)", 1, (ctx) =>
      checkBackward(ctx, visibleCase.backward(ctx.rng, false), ["dwq", "dbq", "dwk", "dbk"]),
    ),
    visible("multiHeadAttentionBackward dwv, dbv, dwo, dbo match tf.grads (x [2,3,4], 2 heads, not causal)", 1, (ctx) =>
      checkBackward(ctx, visibleCase.backward(ctx.rng, false), ["dwv", "dbv", "dwo", "dbo"]),
    ),
    visible("multiHeadAttentionBackward agrees with finite differences of your multiHeadAttentionForward (x [2,3,4], 2 heads, causal)", 1, (ctx) =>
      checkAgainstOwnForward(ctx, visibleCase.backward(ctx.rng, true)),
    ),
    hidden("multiHeadAttentionForward on random shapes, causal and not", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkForward(ctx, randomCase(ctx));
    }),
    hidden("multiHeadAttentionBackward, every gradient, on random shapes, causal and not", 2, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkBackward(ctx, randomCase(ctx), GRADS);
    }),
  ],
});
