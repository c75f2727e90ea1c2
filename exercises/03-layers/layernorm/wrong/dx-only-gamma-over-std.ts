// Mistake: dx = dy · gamma / sqrt(var + eps), forgetting that the mean and the variance depend on x.
import { Tensor, add, div, mean, mul, sqrt, square, sub, sum } from "gradlab/nd";

/** Per row: the centred input, 1 / sqrt(var + eps) and x̂ = (x − mean) / sqrt(var + eps). */
function normalize(x: Tensor, eps: number) {
  const xc = sub(x, mean(x, 1, true));
  const variance = mean(square(xc), 1, true); // biased: divides by D
  const inv = div(1, sqrt(add(variance, eps)));
  return { inv, xhat: mul(xc, inv) };
}

export function layerNormForward(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  return add(mul(normalize(x, eps).xhat, gamma), beta);
}

export function layerNormBackward(dy: Tensor, x: Tensor, gamma: Tensor, eps: number): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const { inv, xhat } = normalize(x, eps);
  const g = mul(dy, gamma); // dL/dx̂
  const dx = mul(inv, g);
  return { dx, dgamma: sum(mul(dy, xhat), 0), dbeta: sum(dy, 0) };
}
