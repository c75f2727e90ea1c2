// What known mistakes of sigmoid and tanh produce (float64, for hints only): a stable sigmoid and
// the activations' derivatives are the exercise's answers. Server-only: in the browser's Run these
// answer only the calls recorded from the solution's visible run (docs/authoring.md, "What Run ships").
import { Tensor } from "gradlab/nd";

export type Act = "relu" | "sigmoid" | "tanh";

const stableSigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
const elementwise = (t: Tensor, f: (v: number, i: number) => number) => new Tensor(t.data.map(f), t.shape.slice());

/** sigmoid(sign · x). */
export function sigmoidOf(x: Tensor, sign: 1 | -1): Tensor {
  return elementwise(x, (v) => stableSigmoid(sign * v));
}

/** act'(x), without the upstream gradient. */
export function derivativeAlone(act: Act, x: Tensor): Tensor {
  const d: Record<Act, (v: number) => number> = {
    relu: (v) => (v > 0 ? 1 : 0),
    sigmoid: (v) => stableSigmoid(v) * (1 - stableSigmoid(v)),
    tanh: (v) => 1 - Math.tanh(v) ** 2,
  };
  return elementwise(x, d[act]);
}

/** dy · sigmoid(x): the factor (1 - s) missing. */
export function sigmoidTimesDy(x: Tensor, dy: Tensor): Tensor {
  return elementwise(x, (v, i) => dy.data[i] * stableSigmoid(v));
}

/** dy · (1 - tanh(x)): the square missing. */
export function unsquaredTanhBackward(x: Tensor, dy: Tensor): Tensor {
  return elementwise(x, (v, i) => dy.data[i] * (1 - Math.tanh(v)));
}
