// Mistake: wrong axis: each column is normalised over the batch (axis 0, batch norm's statistics) instead of each row over its D features.
import { Tensor, add, div, mean, mul, sqrt, square, sub, sum } from "gradlab/nd";

/** Per row: the centred input, 1 / sqrt(var + eps) and x̂ = (x − mean) / sqrt(var + eps). */
function normalize(x: Tensor, eps: number) {
  const xc = sub(x, mean(x, 0, true));
  const variance = mean(square(xc), 0, true); // biased: divides by D
  const inv = div(1, sqrt(add(variance, eps)));
  return { inv, xhat: mul(xc, inv) };
}

export function layerNormForward(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  return add(mul(normalize(x, eps).xhat, gamma), beta);
}

export function layerNormBackward(dy: Tensor, x: Tensor, gamma: Tensor, eps: number): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const { inv, xhat } = normalize(x, eps);
  const g = mul(dy, gamma); // dL/dx̂
  // dx = (g − mean(g) − x̂ · mean(g · x̂)) / sqrt(var + eps), row by row
  const dx = mul(inv, sub(sub(g, mean(g, 0, true)), mul(xhat, mean(mul(g, xhat), 0, true))));
  return { dx, dgamma: sum(mul(dy, xhat), 0), dbeta: sum(dy, 0) };
}
