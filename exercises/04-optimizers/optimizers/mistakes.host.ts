/**
 * The optimizers' formulas in float64 with the known mistakes ("variants"), used only to
 * recognise which mistake a learner's trajectory matches (hints), never to grade. Server-only
 * (*.host.ts): with no variant this is a complete set of optimizers, so the browser's Run gets a
 * stub instead (see docs/authoring.md).
 */
import { Tensor } from "gradlab/nd";
import { CLEARLY_BETTER, en } from "gradlab/checks";
import type { Hyper, OptKind, Run, Trajectory } from "./ref.ts";

const clone = (t: Tensor) => new Tensor(t.data.slice(), t.shape.slice());

function need(h: Hyper, key: keyof Hyper): number {
  const v = h[key];
  if (typeof v !== "number") throw new Error(`optimizers mistakes: hyperparameter ${key} missing`);
  return v;
}

/** Known mistakes, by the optimizer they apply to. Keys are variant names for `simulate`. */
const VARIANT_HINTS: Record<OptKind, Record<string, string>> = {
  sgd: {
    "no-lr": en`Your step is p -= g: the learning rate is missing (p -= lr * g).`,
    "plus": en`Your step goes uphill (p += lr * g): a gradient step subtracts, p -= lr * g.`,
  },
  momentum: {
    "lr-in-accum": en`You accumulate lr * g (v = momentum * v + lr * g; p -= v). tfjs accumulates the raw gradient, accum = momentum * accum + g, and multiplies by the current lr at the update: p -= lr * accum. The two differ as soon as lr changes between steps.`,
    "ema": en`You accumulate an average, v = momentum * v + (1 - momentum) * g. tfjs accumulates the raw gradient: accum = momentum * accum + g, then p -= lr * accum.`,
    "nesterov": en`This is Nesterov momentum (p -= lr * (g + momentum * accum)); tfjs's momentum here is the plain one: p -= lr * accum.`,
    "no-state": en`Your steps are plain SGD steps: the accumulator is not kept between calls. Store it in \`state\` (e.g. state.accum) and reuse it on the next call.`,
    "accum-after": en`You update p with the previous accumulator and only then add g: tfjs first computes accum = momentum * accum + g, then p -= lr * accum with the new accum.`,
  },
  rmsprop: {
    "eps-outside": en`The epsilon is outside the square root: tfjs divides by sqrt(ms + epsilon), not sqrt(ms) + epsilon.`,
    "no-state": en`The mean square is not kept between calls (each step starts from ms = 0). Store it in \`state\` and reuse it.`,
    "no-one-minus": en`The new squared gradient is added without its weight (1 - decay): ms = decay * ms + (1 - decay) * g².`,
    "ms-after": en`You divide by the previous mean square and only then update it: tfjs updates ms = decay * ms + (1 - decay) * g² first, then divides by sqrt(ms + epsilon).`,
  },
  adam: {
    "no-bias-correction": en`Adam without bias correction: divide m by (1 - beta1^t) and v by (1 - beta2^t), with t the step number (1 on the first step).`,
    "t-not-incremented": en`The step counter does not advance: t must be 1 on the first call, 2 on the second, ... — keep it in \`state\` and increment it on every call.`,
    "no-state": en`Every step behaves like a first step: m, v and t are not kept between calls. Store them in \`state\` and reuse them on the next call.`,
    "moments-not-kept": en`m and v start from zero on every call: they are not kept between calls. Store them in \`state\` (created once, on the first call) and update them there.`,
    "eps-inside": en`The epsilon is inside the square root: tfjs's Adam divides by sqrt(v̂) + epsilon.`,
    "t-off-by-one": en`The bias correction uses the wrong power: on the first step it is 1 - beta^1 (t starts at 1, not 0 or 2).`,
  },
  adamw: {
    "coupled-l2": en`The weight decay is added to the gradient (L2 regularisation, g + wd * p, which Adam then rescales). AdamW decouples it: the Adam step on g alone, plus p -= lr * wd * p.`,
    "no-decay": en`Your steps are plain Adam steps: the decoupled weight decay p -= lr * weightDecay * p is missing.`,
    "decay-without-lr": en`The decay is p -= weightDecay * p; AdamW scales it by the learning rate: p -= lr * weightDecay * p.`,
    "decay-after-update": en`The decay is taken from the parameters after the Adam update (p -= lr * wd * p_new). AdamW decays the parameters as they were before this step: p_new = p - lr * m̂ / (sqrt(v̂) + epsilon) - lr * wd * p. Compute the decay from p first (or apply it before the Adam update).`,
  },
};

type Moments = { m: Float64Array[]; v: Float64Array[]; t: number };

/** Float64 simulation of `run` with the correct formulas (variant undefined) or a known mistake. */
function simulate(run: Run, variant?: string): Trajectory {
  const p = run.p0.map((t) => t.data.slice());
  const zeros = () => p.map((a) => new Float64Array(a.length));
  const s: Moments = { m: zeros(), v: zeros(), t: 0 };
  const out: Trajectory = [run.p0.map(clone)];
  run.grads.forEach((grads, step) => {
    const h = run.hs[step];
    const lr = h.lr;
    if (variant === "no-state" || variant === "moments-not-kept") {
      s.m = zeros();
      s.v = zeros();
      if (variant === "no-state") s.t = 0;
    }
    if (variant !== "t-not-incremented" || s.t === 0) s.t += 1;
    for (let i = 0; i < p.length; i++) {
      const pi = p[i];
      const g = grads[i].data;
      const m = s.m[i];
      const v = s.v[i];
      for (let j = 0; j < pi.length; j++) {
        switch (run.kind) {
          case "sgd":
            pi[j] -= variant === "no-lr" ? g[j] : variant === "plus" ? -lr * g[j] : lr * g[j];
            break;
          case "momentum": {
            const mu = need(h, "momentum");
            if (variant === "lr-in-accum") {
              m[j] = mu * m[j] + lr * g[j];
              pi[j] -= m[j];
            } else if (variant === "ema") {
              m[j] = mu * m[j] + (1 - mu) * g[j];
              pi[j] -= lr * m[j];
            } else if (variant === "accum-after") {
              pi[j] -= lr * m[j];
              m[j] = mu * m[j] + g[j];
            } else {
              m[j] = mu * m[j] + g[j];
              pi[j] -= variant === "nesterov" ? lr * (g[j] + mu * m[j]) : lr * m[j];
            }
            break;
          }
          case "rmsprop": {
            const rho = need(h, "decay");
            const eps = need(h, "epsilon");
            const old = m[j];
            m[j] = variant === "no-one-minus" ? rho * m[j] + g[j] * g[j] : rho * m[j] + (1 - rho) * g[j] * g[j];
            const ms = variant === "ms-after" ? old : m[j];
            pi[j] -= variant === "eps-outside" ? (lr * g[j]) / (Math.sqrt(ms) + eps) : (lr * g[j]) / Math.sqrt(ms + eps);
            break;
          }
          case "adam":
          case "adamw": {
            const b1 = need(h, "beta1");
            const b2 = need(h, "beta2");
            const eps = need(h, "epsilon");
            const wd = run.kind === "adamw" ? need(h, "weightDecay") : 0;
            const before = pi[j];
            const gj = variant === "coupled-l2" ? g[j] + wd * before : g[j];
            m[j] = b1 * m[j] + (1 - b1) * gj;
            v[j] = b2 * v[j] + (1 - b2) * gj * gj;
            const t = variant === "t-off-by-one" ? s.t + 1 : s.t;
            const c1 = variant === "no-bias-correction" ? 1 : 1 - b1 ** t;
            const c2 = variant === "no-bias-correction" ? 1 : 1 - b2 ** t;
            const mh = m[j] / c1;
            const vh = v[j] / c2;
            pi[j] -= variant === "eps-inside" ? (lr * mh) / Math.sqrt(vh + eps) : (lr * mh) / (Math.sqrt(vh) + eps);
            if (run.kind === "adamw" && variant !== "coupled-l2" && variant !== "no-decay") {
              pi[j] -= variant === "decay-without-lr" ? wd * before : variant === "decay-after-update" ? lr * wd * pi[j] : lr * wd * before;
            }
            break;
          }
        }
      }
    }
    out.push(p.map((a, i) => new Tensor(a.slice(), run.p0[i].shape.slice())));
  });
  return out;
}

/** The variants worth trying for a kind (AdamW also tries Adam's mistakes). */
function variantsOf(kind: OptKind): string[] {
  const own = Object.keys(VARIANT_HINTS[kind]);
  return kind === "adamw" ? [...own, ...Object.keys(VARIANT_HINTS.adam)] : own;
}

function variantHint(kind: OptKind, variant: string): string {
  return VARIANT_HINTS[kind][variant] ?? VARIANT_HINTS.adam[variant] ?? "";
}

/**
 * The hint of the known mistake whose trajectory is closest to the learner's, when it explains
 * the learner's trajectory: within the tolerance (`ratioOf` ≤ 1: the worst error of a simulated
 * trajectory in units of it) and clearly better than the reference does (`referenceRatio`, the
 * same measure against tfjs). A mistake that is nearly the reference (an epsilon moved) names nothing.
 */
export function knownMistake(run: Run, ratioOf: (simulated: Trajectory) => number, referenceRatio: number): string | undefined {
  let best: { variant: string; ratio: number } | undefined;
  for (const v of variantsOf(run.kind)) {
    const ratio = ratioOf(simulate(run, v));
    if (ratio <= 1 && referenceRatio >= CLEARLY_BETTER * Math.max(ratio, 0.5) && (!best || ratio < best.ratio)) best = { variant: v, ratio };
  }
  return best ? variantHint(run.kind, best.variant) : undefined;
}
