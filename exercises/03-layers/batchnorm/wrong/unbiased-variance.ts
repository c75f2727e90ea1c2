// Mistake: the batch variance divides by M − 1 (unbiased) everywhere.
import { Tensor, add, div, mul, reshape, sqrt, square, sub, sum } from "gradlab/nd";

/** x as [M, C]: every axis but the last (channels) flattened into rows. */
function rows(x: Tensor): Tensor {
  const c = x.shape[x.shape.length - 1];
  return reshape(x, [x.data.length / c, c]);
}

/** Per-channel mean and biased variance, and x̂ = (x − mean) / sqrt(var + eps), all over the rows of x2 [M, C]. */
function normalize(x2: Tensor, eps: number) {
  const m = x2.shape[0];
  const mean = div(sum(x2, 0), m);
  const centred = sub(x2, mean);
  const variance = div(sum(square(centred), 0), m - 1);
  const inv = div(1, sqrt(add(variance, eps)));
  return { mean, variance, inv, xhat: mul(centred, inv) };
}

export function batchNormTrain(
  x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, momentum: number, eps: number,
): { y: Tensor; movingMean: Tensor; movingVariance: Tensor } {
  const { mean, variance, xhat } = normalize(rows(x), eps);
  return {
    y: reshape(add(mul(xhat, gamma), beta), x.shape),
    movingMean: add(mul(movingMean, momentum), mul(mean, 1 - momentum)),
    movingVariance: add(mul(movingVariance, momentum), mul(variance, 1 - momentum)),
  };
}

export function batchNormInference(x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, eps: number): Tensor {
  const xhat = div(sub(rows(x), movingMean), sqrt(add(movingVariance, eps)));
  return reshape(add(mul(xhat, gamma), beta), x.shape);
}

export function batchNormBackward(dy: Tensor, x: Tensor, gamma: Tensor, eps: number): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const x2 = rows(x);
  const dy2 = rows(dy);
  const m = x2.shape[0];
  const { inv, xhat } = normalize(x2, eps);
  const g = mul(dy2, gamma);
  const meanG = div(sum(g, 0), m);
  const meanGx = div(sum(mul(g, xhat), 0), m);
  const dx = mul(inv, sub(sub(g, meanG), mul(xhat, meanGx)));
  return { dx: reshape(dx, x.shape), dgamma: sum(mul(dy2, xhat), 0), dbeta: sum(dy2, 0) };
}
