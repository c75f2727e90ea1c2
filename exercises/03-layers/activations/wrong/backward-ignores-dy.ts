// Mistake: sigmoidBackward returns sigmoid'(x) alone, without multiplying by the upstream gradient dy (chain rule).
import { Tensor, greater, map, mul, where } from "gradlab/nd";

/** Stable logistic function: never evaluates exp of a large positive number. */
function logistic(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

export function relu(x: Tensor): Tensor {
  return map(x, (v) => (v > 0 ? v : 0));
}

export function reluBackward(dy: Tensor, x: Tensor): Tensor {
  // relu'(0) = 0, as tfjs.
  return where(greater(x, 0), dy, 0);
}

export function sigmoid(x: Tensor): Tensor {
  return map(x, logistic);
}

export function sigmoidBackward(dy: Tensor, x: Tensor): Tensor {
  return map(x, (v) => {
    const s = logistic(v);
    return s * (1 - s);
  });
}

export function tanh(x: Tensor): Tensor {
  return map(x, Math.tanh);
}

export function tanhBackward(dy: Tensor, x: Tensor): Tensor {
  return mul(dy, map(x, (v) => 1 - Math.tanh(v) ** 2));
}
