import type * as TF from "@tensorflow/tfjs";
import { Rng, Tensor, randn } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, fmt, isClose, expectGradMatchesForward, referenceForward, referenceGrads, asTensorWithShapeHint, distinctValues, variantHint, CheckFailure, indexLabel, VS_FLOAT64, hostAnswer, en } from "gradlab/checks";
import { poolWindows, wrongDx, type WrongRoute } from "./windows.host.ts";

interface PoolCase {
  x: Tensor; // [N, H, W, C], distinct values: every window has one clear max
  dy: Tensor; // [N, Ho, Wo, C]
  pool: number;
  stride: number;
}

const outSize = (h: number, pool: number, stride: number) => Math.floor((h - pool) / stride) + 1;

function outShape(x: Tensor, pool: number, stride: number): number[] {
  const [n, h, w, c] = x.shape;
  return [n, outSize(h, pool, stride), outSize(w, pool, stride), c];
}

function makeCase(rng: Rng, shape: [number, number, number, number], pool: number, stride: number): PoolCase {
  const x = distinctValues(shape, rng);
  return { x, dy: randn(outShape(x, pool, stride), rng), pool, stride };
}

/** A case where the largest value of each channel sits at row 1, column 1: with pool 2, stride 1 it is the max of four windows. */
function sharedMaxCase(rng: Rng): PoolCase {
  const c = makeCase(rng, [1, 4, 4, 2], 2, 1);
  const [, h, w, ch] = c.x.shape;
  for (let k = 0; k < ch; k++) {
    let best = k;
    for (let i = k; i < h * w * ch; i += ch) if (c.x.data[i] > c.x.data[best]) best = i;
    const target = (1 * w + 1) * ch + k;
    [c.x.data[best], c.x.data[target]] = [c.x.data[target], c.x.data[best]];
  }
  return c;
}

function describeCase(c: PoolCase): string {
  return `x [${c.x.shape}], pool ${c.pool}, stride ${c.stride}`;
}

// ---- references -----------------------------------------------------------------------------

const maxPool = (tf: Tf, c: PoolCase) => (x: TF.Tensor) => tf.maxPool(x as TF.Tensor4D, c.pool, c.stride, "valid");

/**
 * tf.grads of maxPool. The wasm backend's MaxPoolGrad routes gradients wrongly when a window's
 * values are negative, so the reference pools x + shift (all values ≥ 1): the same argmax, the
 * same gradient with respect to x.
 */
function referenceDx(tf: Tf, c: PoolCase): Tensor {
  let min = Infinity;
  for (const v of c.x.data) min = Math.min(min, v);
  const shift = Math.max(0, 1 - min);
  return referenceGrads(tf, (x) => maxPool(tf, c)(x.add(shift)), [c.x], c.dy)[0];
}

/** A wrong backward (windows.host.ts, server-only: undefined in Run, where the hint then says nothing). */
const wrong = (c: PoolCase, route: WrongRoute) => () => wrongDx(c.x, c.dy, c.pool, c.stride, route);

/** The flat indices of x in each window, by output index (windows.host.ts: in Run, recorded for the visible cases). */
const windowsOf = (c: PoolCase): number[][] => hostAnswer(poolWindows(c.x.shape, c.pool, c.stride));

function dxHints(c: PoolCase) {
  return [
    variantHint(
      en`An element that is the max of several overlapping windows must receive the sum of their gradients: accumulate with dx[argmax] += dy, do not assign.`,
      wrong(c, "assign-to-max"),
    ),
    variantHint(
      en`You send dy to every element of the window: only the window's max influences the output, so only the max gets the gradient (the others get 0).`,
      wrong(c, "every-element"),
    ),
    variantHint(
      en`You spread dy evenly over the window (that is average pooling's gradient): for max pooling only the window's max gets dy.`,
      wrong(c, "spread-add"),
    ),
    variantHint(
      en`You spread dy evenly over the window (that is average pooling's gradient): for max pooling only the window's max gets dy.`,
      wrong(c, "spread-assign"),
    ),
  ];
}

function shapeHint(c: PoolCase) {
  return (got: number[]) => {
    const formula = en`With valid padding Ho = floor((H − pool) / stride) + 1 (likewise Wo); the output is [N, Ho, Wo, C].`;
    const [, h, w] = c.x.shape;
    if (got.length === 4 && got[1] === outSize(h, c.pool, c.pool) && got[2] === outSize(w, c.pool, c.pool) && c.pool !== c.stride) return en`Your output size uses the pool size as the stride. ${formula}`;
    if (got.length === 4 && got[1] === Math.ceil(h / c.stride) && got[2] === Math.ceil(w / c.stride)) return en`Your output has the size of 'same' padding. ${formula}`;
    return formula;
  };
}

// ---- checks ---------------------------------------------------------------------------------

async function checkForward({ learner, tf }: CheckContext, c: PoolCase) {
  const label = `maxPoolForward(x, ${c.pool}, ${c.stride})`;
  const expected = referenceForward(tf, maxPool(tf, c), [c.x]);
  const got = asTensorWithShapeHint(label, await learner.call("maxPoolForward", c.x, c.pool, c.stride), expected.shape, shapeHint(c));
  expectClose(label, expected, got, {
    against: `tfjs tf.maxPool (${describeCase(c)})`,
    hints: [variantHint(en`Your output is the window's average (average pooling): take the window's maximum.`, () => referenceForward(tf, (x) => tf.avgPool(x as TF.Tensor4D, c.pool, c.stride, "valid"), [c.x]))],
  });
}

async function checkBackward({ learner, tf }: CheckContext, c: PoolCase) {
  const label = `maxPoolBackward(dy, x, ${c.pool}, ${c.stride})`;
  const expected = referenceDx(tf, c);
  expectClose(label, expected, await learner.call("maxPoolBackward", c.dy, c.x, c.pool, c.stride), {
    against: `tf.grads (${describeCase(c)})`,
    hints: dxHints(c),
  });
}

async function checkAgainstOwnForward({ learner }: CheckContext, c: PoolCase) {
  const label = `maxPoolBackward(dy, x, ${c.pool}, ${c.stride})`;
  const dx = asTensorWithShapeHint(label, await learner.call("maxPoolBackward", c.dy, c.x, c.pool, c.stride), c.x.shape, () => en`dx has the shape of x.`);
  await expectGradMatchesForward({
    wrt: "x",
    gradLabel: label,
    at: c.x,
    grad: dx,
    dy: c.dy,
    forwardLabel: "maxPoolForward",
    forward: (x) => learner.call("maxPoolForward", x, c.pool, c.stride),
  });
}

/**
 * Windows that do not overlap (pool = stride = 2), each with its maximum repeated by 2, 3 or 4 of
 * its elements. Which tied element gets the gradient is a convention (tfjs: the first), so any split
 * among the tied maxima is accepted; what is checked is that the window passes dy once.
 */
function tiedCase(rng: Rng): PoolCase {
  const c = makeCase(rng, [1, 4, 4, 2], 2, 2);
  windowsOf(c).forEach((win, w) => {
    const ties = 2 + (w % 3);
    const top = Math.max(...win.map((i) => c.x.data[i]));
    for (let j = 0; j < ties; j++) c.x.data[win[(j + w) % win.length]] = top;
  });
  return c;
}

async function checkTies({ learner }: CheckContext, c: PoolCase) {
  const label = `maxPoolBackward(dy, x, ${c.pool}, ${c.stride})`;
  const dx = asTensorWithShapeHint(label, await learner.call("maxPoolBackward", c.dy, c.x, c.pool, c.stride), c.x.shape, () => en`dx has the shape of x.`);
  windowsOf(c).forEach((win, o) => {
    const top = Math.max(...win.map((i) => c.x.data[i]));
    const tied = win.filter((i) => c.x.data[i] === top);
    for (const i of win) {
      if (c.x.data[i] !== top && !isClose(0, dx.data[i], VS_FLOAT64)) {
        throw new CheckFailure(en`${label}${indexLabel(c.x.shape, i)} is ${fmt(dx.data[i])}: that element is below its window's max, so its gradient is 0 (windows with a tied max, ${describeCase(c)}).`);
      }
    }
    const total = tied.reduce((s, i) => s + dx.data[i], 0);
    if (isClose(c.dy.data[o], total, VS_FLOAT64)) return;
    const each = isClose(tied.length * c.dy.data[o], total, VS_FLOAT64);
    throw new CheckFailure(
      en`The ${tied.length} elements that tie for the max of window ${indexLabel(c.dy.shape, o)} receive ${fmt(total)} in all; expected dy${indexLabel(c.dy.shape, o)} = ${fmt(c.dy.data[o])} once (${describeCase(c)}).`,
      {
        hint: each
          ? en`You pass dy to every element equal to the window's max: the window's output moves by dy only once, so give dy to one of the tied maxima (tfjs takes the first in the window) — compare with > rather than >=, or stop at the first.`
          : en`When several elements tie for a window's max, the gradient they receive must add up to dy: give it to one of them (tfjs takes the first).`,
      },
    );
  });
}

function randomCase(rng: Rng, n: number): PoolCase {
  const pool = 1 + rng.int(3);
  const stride = 1 + rng.int(4);
  return makeCase(rng, [n, pool + rng.int(6), pool + rng.int(6), 1 + rng.int(3)], pool, stride);
}

export default defineChecks({
  checks: [
    visible("maxPoolForward, pool 2, stride 2 (x [2,4,4,3])", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, [2, 4, 4, 3], 2, 2))),
    visible("maxPoolForward, overlapping windows, pool 3, stride 2, batch of 1 (x [1,7,6,2])", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, [1, 7, 6, 2], 3, 2))),
    visible("maxPoolForward, stride larger than the pool (pool 2, stride 3, x [2,7,8,1])", 1, (ctx) => checkForward(ctx, makeCase(ctx.rng, [2, 7, 8, 1], 2, 3))),
    visible("maxPoolBackward matches tf.grads, pool 2, stride 2 (x [2,4,4,3])", 1, (ctx) => checkBackward(ctx, makeCase(ctx.rng, [2, 4, 4, 3], 2, 2))),
    visible("maxPoolBackward, overlapping windows: the max of several windows gets all their gradients (pool 2 and 3, stride 1)", 2, async (ctx) => {
      await checkBackward(ctx, sharedMaxCase(ctx.rng));
      await checkBackward(ctx, makeCase(ctx.rng, [2, 5, 5, 2], 3, 1));
    }),
    visible("maxPoolBackward, stride larger than the pool: elements outside every window get 0 (pool 2, stride 3, x [2,7,8,1])", 1, (ctx) =>
      checkBackward(ctx, makeCase(ctx.rng, [2, 7, 8, 1], 2, 3))),
    visible("maxPoolBackward agrees with finite differences of your maxPoolForward (x [2,5,5,2], pool 3, stride 2)", 1, (ctx) =>
      checkAgainstOwnForward(ctx, makeCase(ctx.rng, [2, 5, 5, 2], 3, 2))),
    visible("maxPoolBackward with a tied max: the window passes dy once, not to every tied element (pool 2, stride 2, x [1,4,4,2])", 1, async (ctx) => {
      const c = tiedCase(ctx.rng);
      await checkForward(ctx, c);
      await checkTies(ctx, c);
    }),
    hidden("maxPoolForward on random shapes, pools and strides", 1, async (ctx) => {
      for (let i = 0; i < 4; i++) await checkForward(ctx, randomCase(ctx.rng, i === 0 ? 1 : 1 + ctx.rng.int(3)));
    }),
    hidden("maxPoolBackward on random shapes, pools and strides", 1, async (ctx) => {
      for (let i = 0; i < 4; i++) await checkBackward(ctx, randomCase(ctx.rng, i === 0 ? 1 : 1 + ctx.rng.int(3)));
    }),
  ],
});
