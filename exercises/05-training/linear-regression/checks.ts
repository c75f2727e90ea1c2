import { Rng, Tensor } from "gradlab/nd";
import { defineChecks, hidden, visible, type CheckContext, type Tf, expectClose, expectNumberClose, CheckFailure, asObjectResult, describe, VS_TFJS, curveData, toTf, isClose, type Tolerance, en } from "gradlab/checks";
import { mistake, type Case, type MistakeKind, type Trajectory } from "./mistakes.host.ts";


const trajectories = new WeakMap<Case, Trajectory>();

/** The reference: tf.train.sgd on variables w, b (from 0) minimising tf.losses.meanSquaredError. */
function tfjsTrajectory(tf: Tf, c: Case): Trajectory {
  const known = trajectories.get(c);
  if (known) return known;
  const losses: number[] = [];
  const w = tf.variable(tf.zeros([1, 1]));
  const b = tf.variable(tf.zeros([1]));
  const opt = tf.train.sgd(c.lr);
  const x = toTf(tf, c.x);
  const y = toTf(tf, c.y);
  for (let e = 0; e < c.epochs; e++) {
    const cost = opt.minimize(() => tf.losses.meanSquaredError(y, x.matMul(w).add(b)) as ReturnType<typeof tf.scalar>, true, [w, b]);
    losses.push(cost!.dataSync()[0]);
    cost!.dispose();
  }
  const out = { w: w.dataSync()[0], b: b.dataSync()[0], losses };
  [w, b, x, y].forEach((t) => t.dispose());
  opt.dispose();
  trajectories.set(c, out);
  return out;
}

const HINTS: Record<MistakeKind, string> = {
  "half-gradient": en`Your trajectory is gradient descent with half the gradient: d/dw of (w·x + b − y)² is 2(w·x + b − y)·x; the factor 2 is missing.`,
  sign: en`Your loss grows: the update must go against the gradient, w ← w − lr·dL/dw.`,
  "loss-after": en`Your losses are shifted by one epoch: record the loss at the start of each epoch, before the update (losses[0] is the loss of w = b = 0).`,
  sequential: en`b's gradient uses the already-updated w: compute both gradients at the old (w, b), then update both.`,
  "summed-gradient": en`Your trajectory is gradient descent on the summed squared error: the loss is the mean over the N points, so its gradient is divided by N too.`,
};

/** A known mistake's trajectory (float64, in the host) against the learner's: float64 agreement over a few epochs. */
const SAME_TRAJECTORY: Tolerance = { rtol: 1e-6, atol: 1e-6 };
const near = (got: number, mistaken: number) => isClose(mistaken, got, SAME_TRAJECTORY);

function hintFor(c: Case, got: { w: unknown; b: unknown; losses: unknown }): string | undefined {
  const losses = Array.isArray(got.losses) || got.losses instanceof Float64Array ? Array.from(got.losses as ArrayLike<unknown>) : [];
  for (const kind of ["half-gradient", "sign", "loss-after", "sequential", "summed-gradient"] as const) {
    // mistakes.host.ts: server-only; in Run recorded for the visible cases (undefined for any other).
    const m: Trajectory | undefined = mistake(c, kind);
    if (!m) continue;
    const sameLosses = losses.length === m.losses.length && losses.every((v, i) => typeof v === "number" && near(v, m.losses[i]));
    if (typeof got.w === "number" && typeof got.b === "number" && near(got.w, m.w) && near(got.b, m.b) && sameLosses) return HINTS[kind];
    if (kind === "loss-after" && sameLosses && c.epochs > 1) return HINTS[kind];
  }
  if (losses.length > 1 && losses.every((v) => typeof v === "number") && (losses.at(-1) as number) > (losses[0] as number)) return HINTS.sign;
  if (losses.length && losses.every((v) => v === 0)) return en`Your losses are all 0: losses[0] is the loss at w = b = 0, the mean of y², which is not 0 here.`;
  const right = trajectories.get(c); // computed by checkFit before any hint is asked for
  if (right && losses.length === right.losses.length && c.x.shape[0] > 1 && losses.every((v, i) => typeof v === "number" && isClose(c.x.shape[0] * right.losses[i], v, VS_TFJS))) return en`Your losses are ${c.x.shape[0]} (N) times the MSE: the loss is the mean of the squared errors, not their sum.`;
  return undefined;
}

async function checkFit(ctx: CheckContext, c: Case, parts: ("w" | "b" | "losses")[]) {
  const expected = tfjsTrajectory(ctx.tf, c);
  const label = en`fit(x, y, { lr: ${c.lr}, epochs: ${c.epochs} })`;
  const got = asObjectResult(label, await ctx.learner.call("fit", c.x, c.y, { lr: c.lr, epochs: c.epochs }), ["w", "b", "losses"]);
  const hint = hintFor(c, got as { w: unknown; b: unknown; losses: unknown });
  try {
    for (const p of parts) {
      if (p === "losses") {
        if (!Array.isArray(got.losses) && !(got.losses instanceof Float64Array)) {
          throw new CheckFailure(en`${label}.losses is not an array of numbers.`, { hint: en`Return losses as a plain array: one number per epoch.` });
        }
        const losses = Array.from(got.losses as ArrayLike<unknown>);
        if (losses.length !== c.epochs) {
          throw new CheckFailure(en`${label}.losses has ${losses.length} entries; expected ${c.epochs} (one per epoch).`, {
            hint: losses.length === c.epochs + 1 ? en`One loss per epoch, recorded before the update: do not add the final loss after the last epoch.` : undefined,
          });
        }
        const asTensor = new Tensor(
          Float64Array.from(losses, (v) => (typeof v === "number" ? v : NaN)),
          [c.epochs],
        );
        expectClose(`${label}.losses`, new Tensor(Float64Array.from(expected.losses), [c.epochs]), asTensor, {
          against: "tf.train.sgd's losses",
          hints: hint ? [() => hint] : [],
        });
      } else {
        expectNumberClose(`${label}.${p}`, expected[p], got[p], { against: "tf.train.sgd", tol: VS_TFJS, hint: () => hint });
      }
    }
  } catch (e) {
    if (e instanceof CheckFailure && !e.hint && hint) throw new CheckFailure(e.message, { hint, data: e.data });
    throw e;
  }
  const curve = curveData({ loss: Array.from(got.losses as ArrayLike<number>) });
  const show = (v: unknown) => (typeof v === "number" ? v.toPrecision(6) : describe(v));
  return { output: `w = ${show(got.w)}, b = ${show(got.b)}`, ...(curve ? { data: curve } : {}) };
}

/** y = slope·x + intercept + noise, x uniform in [-2, 2]. */
function makeCase(rng: Rng, n: number, lr: number, epochs: number, slope = 4 * rng.next() - 2, intercept = 4 * rng.next() - 2, noise = 0.3 * rng.next()): Case {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 4 * rng.next() - 2;
    y[i] = slope * x[i] + intercept + noise * rng.normal();
  }
  return { x: new Tensor(x, [n, 1]), y: new Tensor(y, [n, 1]), lr, epochs };
}

/** The visible data set: the same 8 points in every visible check (its trajectory computed once). */
const FIXED = makeCase(new Rng(2024), 8, 0.1, 30, 1.5, -0.5, 0.2);
const fixed = () => FIXED;

export default defineChecks({
  checks: [
    visible("losses[0] is the loss of w = b = 0: the mean of y²", 1, async (ctx) => {
      const c = fixed();
      const got = asObjectResult("fit(x, y, h)", await ctx.learner.call("fit", c.x, c.y, { lr: c.lr, epochs: c.epochs }), ["w", "b", "losses"]);
      const l0 = Array.isArray(got.losses) || got.losses instanceof Float64Array ? got.losses[0] : undefined;
      const meanY2 = c.y.data.reduce((s, v) => s + v * v, 0) / c.y.data.length;
      expectNumberClose("fit(x, y, h).losses[0]", meanY2, l0, {
        tol: VS_TFJS,
        against: "mean(y²)",
        hint: (_e, g) => { const m: Trajectory | undefined = mistake(c, "loss-after"); return m && near(g, m.losses[0]) ? HINTS["loss-after"] : undefined; },
      });
    }),
    visible("w after 30 epochs matches tf.train.sgd (8 points, lr 0.1)", 1, (ctx) => checkFit(ctx, fixed(), ["w"])),
    visible("b after 30 epochs matches tf.train.sgd (8 points, lr 0.1)", 1, (ctx) => checkFit(ctx, fixed(), ["b"])),
    visible("losses match the loss before each of tf.train.sgd's updates (8 points, 30 epochs)", 1, (ctx) => checkFit(ctx, fixed(), ["losses"])),
    visible("a single epoch: one update, one loss", 1, (ctx) => checkFit(ctx, makeCase(ctx.rng, 5, 0.2, 1), ["w", "b", "losses"])),
    visible("a data set of one point (N = 1)", 1, (ctx) => checkFit(ctx, makeCase(ctx.rng, 1, 0.1, 10), ["w", "b", "losses"])),
    hidden("random data sets: w, b and losses match tf.train.sgd", 3, async (ctx) => {
      let last;
      for (let i = 0; i < 3; i++) {
        const c = makeCase(ctx.rng, 2 + ctx.rng.int(39), Math.round(20 + 180 * ctx.rng.next()) / 1000, 1 + ctx.rng.int(50));
        last = await checkFit(ctx, c, ["w", "b", "losses"]);
      }
      return last;
    }),
    hidden("a long run (120 epochs) matches tf.train.sgd", 1, (ctx) =>
      checkFit(ctx, makeCase(ctx.rng, 10 + ctx.rng.int(30), 0.1, 120), ["w", "b", "losses"]),
    ),
  ],
});
