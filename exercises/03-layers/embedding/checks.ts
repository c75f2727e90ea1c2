import type * as TF from "@tensorflow/tfjs";
import { Rng, Tensor, randn, shuffle } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, expectGradMatchesForward, referenceForward, referenceGrads, type TfForward, asTensorWithShapeHint, variantHint, en } from "gradlab/checks";
import { transposedLookup, transposedScatter, wrongScatter, type EmbInputs } from "./mistakes.host.ts";

type EmbCase = EmbInputs;

function makeCase(rng: Rng, ids: number[] | Int32Array, v: number, d: number): EmbCase {
  return { ids: Int32Array.from(ids), table: randn([v, d], rng), dy: randn([ids.length, d], rng) };
}

/** n ids drawn from [0, V), with at least one repeat when n ≥ 2. */
function randomCase(rng: Rng): EmbCase {
  const v = 2 + rng.int(9);
  const n = 1 + rng.int(8);
  const ids = Array.from({ length: n }, () => rng.int(v));
  if (n >= 2) ids[n - 1] = ids[rng.int(n - 1)];
  return makeCase(rng, ids, v, 1 + rng.int(5));
}

function describeCase(c: EmbCase): string {
  return `table [${c.table.shape}], ids [${Array.from(c.ids)}]`;
}

// ---- references -----------------------------------------------------------------------------

const idsTensor = (tf: Tf, ids: Int32Array) => tf.tensor1d(ids, "int32");

/** tf.gather(table, ids). */
const gather = (tf: Tf, ids: Int32Array): TfForward => (table) => tf.gather(table, idsTensor(tf, ids));

/**
 * The gradient of tf.gather with respect to the table needs the UnsortedSegmentSum kernel, which the
 * wasm backend lacks; where it is missing, tf.grads runs through oneHot(ids, V) · table, the same function.
 */
function referenceDtable(tf: Tf, c: EmbCase): Tensor {
  const v = c.table.shape[0];
  const viaGather = tf.getKernel("UnsortedSegmentSum", tf.getBackend()) !== undefined;
  const f: TfForward = viaGather ? gather(tf, c.ids) : (table) => tf.oneHot(idsTensor(tf, c.ids), v).toFloat().matMul(table as TF.Tensor2D);
  return referenceGrads(tf, f, [c.table], c.dy)[0];
}

// Hints compare with float64 versions of known mistakes (mistakes.host.ts, server-only: in Run they
// return undefined and the hint says nothing).

// ---- checks ---------------------------------------------------------------------------------

async function checkForward({ learner, tf }: CheckContext, c: EmbCase) {
  const label = "embeddingForward(ids, table)";
  const expected = referenceForward(tf, gather(tf, c.ids), [c.table]);
  const got = asTensorWithShapeHint(label, await learner.call("embeddingForward", c.ids, c.table), expected.shape, () =>
    en`The output has one row per id: [ids.length, D] = [${expected.shape}].`,
  );
  expectClose(label, expected, got, {
    against: `tfjs tf.gather (${describeCase(c)})`,
    hints: [variantHint(en`You read the table as if it were [D, V]: the table is [V, D], and the embedding of id k is row k, table.data[k·D … k·D + D − 1].`, () => transposedLookup(c))],
  });
}

async function checkBackward({ learner, tf }: CheckContext, c: EmbCase) {
  const [v, d] = c.table.shape;
  const label = `embeddingBackward(dy, ids, ${v})`;
  const expected = referenceDtable(tf, c);
  const got = asTensorWithShapeHint(label, await learner.call("embeddingBackward", c.dy, c.ids, v), expected.shape, (s) =>
    s.length === 2 && s[0] === d && s[1] === v
      ? en`dtable has the shape of the table, [V, D] = [${v},${d}], not [D, V].`
      : en`dtable has the shape of the table, [V, D] = [${v},${d}]: start from zeros and add row i of dy into row ids[i].`,
  );
  expectClose(label, expected, got, {
    against: en`tf.grads with respect to the table (${describeCase(c)})`,
    hints: [
      variantHint(en`An id that appears several times keeps only its last gradient row: add (+=) the rows of dy into the table, do not assign; repeated ids accumulate.`, () => wrongScatter(c, "overwrite")),
      variantHint(en`You add dy into column ids[i] of a [D, V] layout: the table is [V, D], so row i of dy goes into row ids[i], dtable.data[ids[i]·D … ids[i]·D + D − 1].`, () => transposedScatter(c)),
      variantHint(en`You average the gradient rows of a repeated id: they add up (each use of the row contributes its own gradient).`, () => wrongScatter(c, "mean")),
    ],
  });
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: EmbCase) {
  const v = c.table.shape[0];
  const label = `embeddingBackward(dy, ids, ${v})`;
  const grad = asTensorWithShapeHint(label, await learner.call("embeddingBackward", c.dy, c.ids, v), c.table.shape, () => en`dtable has the shape of the table, [${c.table.shape}].`);
  await expectGradMatchesForward({
    wrt: "table",
    gradLabel: label,
    at: c.table,
    grad,
    dy: c.dy,
    forwardLabel: "embeddingForward",
    forward: (table) => learner.call("embeddingForward", c.ids, table),
  });
}

export default defineChecks({
  checks: [
    visible("embeddingForward gathers rows, repeated ids included (V 6, D 4, ids [2,0,2,5,2])", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, [2, 0, 2, 5, 2], 6, 4))),
    visible("embeddingForward with a single id (V 5, D 3, ids [3])", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, [3], 5, 3))),
    visible("embeddingBackward: repeated ids accumulate (V 6, D 4, ids [2,0,2,5,2])", 2, (ctx) => checkBackward(ctx, makeCase(ctx.rng, [2, 0, 2, 5, 2], 6, 4))),
    visible("embeddingBackward with every id once (V 7, D 3, a permutation of 0..6)", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, shuffle(7, ctx.rng), 7, 3))),
    visible("embeddingBackward with a single id: only its row is non-zero (V 5, D 3, ids [3])", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, [3], 5, 3))),
    visible("embeddingBackward agrees with finite differences of your embeddingForward (V 5, D 3, ids [1,4,1,0])", 1, (ctx) =>
      checkAgainstOwnForward(ctx, makeCase(ctx.rng, [1, 4, 1, 0], 5, 3))),
    hidden("embeddingForward on random tables and ids", 1, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkForward(ctx, randomCase(ctx.rng));
    }),
    hidden("embeddingBackward on random tables and ids (with repeats)", 2, async (ctx) => {
      for (let i = 0; i < 3; i++) await checkBackward(ctx, randomCase(ctx.rng));
    }),
  ],
});
