/**
 * References for the optimizers exercise.
 *
 * - `tfTrajectory`: the graded reference, tfjs's own `tf.train.*` optimizers applied to
 *   `tf.variable`s with host-drawn gradients (float32). AdamW, which tfjs lacks, is
 *   `tf.train.adam` followed by the decoupled decay `p -= lr * wd * p_before_step` in tfjs ops.
 * - the float64 simulation of the known mistakes ("variants") that names a learner's mistake is
 *   server-only: mistakes.host.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import { Tensor } from "gradlab/nd";
import { type Tf, cachedReference, fromTf, toTf } from "gradlab/checks";

export type OptKind = "sgd" | "momentum" | "rmsprop" | "adam" | "adamw";

/** The hyperparameters the learner's step receives (only the fields of its kind are set). */
export interface Hyper {
  lr: number;
  momentum?: number;
  decay?: number;
  epsilon?: number;
  beta1?: number;
  beta2?: number;
  weightDecay?: number;
}

/** One optimisation run: initial parameters, then `grads[t]` and `hs[t]` for step t + 1. */
export interface Run {
  kind: OptKind;
  p0: Tensor[];
  grads: Tensor[][];
  hs: Hyper[];
}

/** Parameters after each step: `traj[0]` is `p0`, `traj[t]` the parameters after step t. */
export type Trajectory = Tensor[][];

export const STEP_FN: Record<OptKind, string> = {
  sgd: "sgdStep",
  momentum: "momentumStep",
  rmsprop: "rmspropStep",
  adam: "adamStep",
  adamw: "adamwStep",
};

const clone = (t: Tensor) => new Tensor(t.data.slice(), t.shape.slice());

function need(h: Hyper, key: keyof Hyper): number {
  const v = h[key];
  if (typeof v !== "number") throw new Error(`optimizers ref: hyperparameter ${key} missing`);
  return v;
}

function makeOptimizer(tf: Tf, kind: OptKind, h: Hyper): TF.Optimizer {
  switch (kind) {
    case "sgd":
      return tf.train.sgd(h.lr);
    case "momentum":
      return tf.train.momentum(h.lr, need(h, "momentum"), false);
    case "rmsprop":
      return tf.train.rmsprop(h.lr, need(h, "decay"), 0, need(h, "epsilon"), false);
    case "adam":
    case "adamw":
      return tf.train.adam(h.lr, need(h, "beta1"), need(h, "beta2"), need(h, "epsilon"));
  }
}

/**
 * The tfjs trajectory of `run` (float32). Only sgd and momentum may change lr between steps.
 * `epsilonHat`: Adam in its "efficient" form (Kingma & Ba, section 2; Keras), which folds the bias
 * corrections into the step size and adds epsilon to sqrt(v): the same as tf.train.adam with
 * epsilon / sqrt(1 - beta2^t) at step t, so tfjs's own Adam computes it with that epsilon.
 * Kept across grades by the run's content (the visible runs are the same every grade).
 */
export function tfTrajectory(tf: Tf, run: Run, opts: { epsilonHat?: boolean } = {}): Trajectory {
  return cachedReference(tfTrajectory, [tf.getBackend(), run, !!opts.epsilonHat], () => computeTrajectory(tf, run, opts));
}

function computeTrajectory(tf: Tf, run: Run, opts: { epsilonHat?: boolean }): Trajectory {
  const vars = run.p0.map((p) => tf.variable(toTf(tf, p)));
  const opt = makeOptimizer(tf, run.kind, run.hs[0]);
  const out: Trajectory = [run.p0.map(clone)];
  try {
    run.grads.forEach((grads, t) => {
      const h = run.hs[t];
      if (run.kind === "sgd" || run.kind === "momentum") (opt as TF.SGDOptimizer).setLearningRate(h.lr);
      else if (JSON.stringify(h) !== JSON.stringify(run.hs[0])) throw new Error(`optimizers ref: ${run.kind} hyperparameters must stay fixed`);
      if (opts.epsilonHat && (run.kind === "adam" || run.kind === "adamw")) {
        (opt as unknown as { epsilon: number }).epsilon = need(h, "epsilon") / Math.sqrt(1 - need(h, "beta2") ** (t + 1));
      }
      tf.tidy(() => {
        const before = run.kind === "adamw" ? vars.map((v) => v.clone()) : [];
        opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: toTf(tf, grads[i]) })));
        if (run.kind === "adamw") vars.forEach((v, i) => v.assign(v.sub(before[i].mul(h.lr * need(h, "weightDecay")))));
      });
      out.push(vars.map((v) => fromTf(v)));
    });
  } finally {
    opt.dispose();
    vars.forEach((v) => v.dispose());
  }
  return out;
}
