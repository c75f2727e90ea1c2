// Mistake: AdamW's decay applied after the Adam update, to the updated parameters (p -= lr * wd * p_new): it must use p before the step.
import type { Tensor } from "gradlab/nd";

type State = Record<string, unknown>;

/** The state's per-parameter buffers named `key`, created as zeros on the first call. */
function buffers(state: State, key: string, params: Tensor[]): Float64Array[] {
  if (!state[key]) state[key] = params.map((p) => new Float64Array(p.data.length));
  return state[key] as Float64Array[];
}

export function sgdStep(params: Tensor[], grads: Tensor[], state: State, h: { lr: number }): void {
  params.forEach((p, i) => {
    const g = grads[i].data;
    for (let j = 0; j < p.data.length; j++) p.data[j] -= h.lr * g[j];
  });
}

export function momentumStep(params: Tensor[], grads: Tensor[], state: State, h: { lr: number; momentum: number }): void {
  const accum = buffers(state, "accum", params);
  params.forEach((p, i) => {
    const g = grads[i].data;
    const a = accum[i];
    for (let j = 0; j < p.data.length; j++) {
      a[j] = h.momentum * a[j] + g[j];
      p.data[j] -= h.lr * a[j];
    }
  });
}

export function rmspropStep(params: Tensor[], grads: Tensor[], state: State, h: { lr: number; decay: number; epsilon: number }): void {
  const ms = buffers(state, "ms", params);
  params.forEach((p, i) => {
    const g = grads[i].data;
    const s = ms[i];
    for (let j = 0; j < p.data.length; j++) {
      s[j] = h.decay * s[j] + (1 - h.decay) * g[j] * g[j];
      p.data[j] -= (h.lr * g[j]) / Math.sqrt(s[j] + h.epsilon);
    }
  });
}

export function adamStep(params: Tensor[], grads: Tensor[], state: State, h: { lr: number; beta1: number; beta2: number; epsilon: number }): void {
  const m = buffers(state, "m", params);
  const v = buffers(state, "v", params);
  const t = ((state.t as number | undefined) ?? 0) + 1;
  state.t = t;
  const c1 = 1 - h.beta1 ** t;
  const c2 = 1 - h.beta2 ** t;
  params.forEach((p, i) => {
    const g = grads[i].data;
    for (let j = 0; j < p.data.length; j++) {
      m[i][j] = h.beta1 * m[i][j] + (1 - h.beta1) * g[j];
      v[i][j] = h.beta2 * v[i][j] + (1 - h.beta2) * g[j] * g[j];
      p.data[j] -= (h.lr * (m[i][j] / c1)) / (Math.sqrt(v[i][j] / c2) + h.epsilon);
    }
  });
}

export function adamwStep(
  params: Tensor[],
  grads: Tensor[],
  state: State,
  h: { lr: number; beta1: number; beta2: number; epsilon: number; weightDecay: number },
): void {
  adamStep(params, grads, state, h);
  params.forEach((p) => {
    for (let j = 0; j < p.data.length; j++) p.data[j] -= h.lr * h.weightDecay * p.data[j];
  });
}
