// Mistake: relativeError denominator |a_i| + |b_i| + 1e-8: the floor added instead of taken as a lower bound.
import { Tensor } from "gradlab/nd";

export function numericGradient(f: (x: Tensor) => number, x: Tensor, h: number): Tensor {
  const grad = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const old = x.data[i];
    x.data[i] = old + h;
    const fp = f(x);
    x.data[i] = old - h;
    const fm = f(x);
    x.data[i] = old; // restore before moving on
    grad[i] = (fp - fm) / (2 * h);
  }
  return new Tensor(grad, x.shape.slice());
}

export function relativeError(a: Tensor, b: Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) {
    const err = Math.abs(a.data[i] - b.data[i]) / (Math.abs(a.data[i]) + Math.abs(b.data[i]) + 1e-8);
    worst = Math.max(worst, err);
  }
  return worst;
}
