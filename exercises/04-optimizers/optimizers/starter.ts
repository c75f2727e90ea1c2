import type { Tensor } from "gradlab/nd";

/**
 * Optimizer state: starts as `{}` on the first call and is handed back to you, unchanged by the
 * caller, on every later call of the same run. Keep everything you need in it (accumulators, the
 * step counter); e.g. `state.m = params.map((p) => new Float64Array(p.data.length))`.
 */
type State = Record<string, unknown>;

// Every step updates params[i].data IN PLACE (params[i].data[j] -= ...) and returns nothing.

/**
 * p -= lr * g.
 * Checked by: "sgdStep follows tf.train.sgd ..." and a hidden check.
 */
export function sgdStep(params: Tensor[], grads: Tensor[], state: State, h: { lr: number }): void {
  // TODO: implement
}

/**
 * tfjs momentum: accum = momentum * accum + g; p -= lr * accum.
 * Checked by: "momentumStep ..." checks and a hidden check.
 */
export function momentumStep(params: Tensor[], grads: Tensor[], state: State, h: { lr: number; momentum: number }): void {
  // TODO: implement
}

/**
 * tfjs RMSProp: ms = decay * ms + (1 - decay) * g²; p -= lr * g / sqrt(ms + epsilon).
 * Checked by: "rmspropStep follows tf.train.rmsprop ..." and a hidden check.
 */
export function rmspropStep(params: Tensor[], grads: Tensor[], state: State, h: { lr: number; decay: number; epsilon: number }): void {
  // TODO: implement
}

/**
 * Adam with bias correction (t = 1 on the first call).
 * Checked by: "adamStep ..." checks and a hidden check.
 */
export function adamStep(params: Tensor[], grads: Tensor[], state: State, h: { lr: number; beta1: number; beta2: number; epsilon: number }): void {
  // TODO: implement
}

/**
 * AdamW: the Adam step plus the decoupled decay p -= lr * weightDecay * p.
 * Checked by: "adamwStep follows ..." and a hidden check.
 */
export function adamwStep(
  params: Tensor[],
  grads: Tensor[],
  state: State,
  h: { lr: number; beta1: number; beta2: number; epsilon: number; weightDecay: number },
): void {
  // TODO: implement
}
