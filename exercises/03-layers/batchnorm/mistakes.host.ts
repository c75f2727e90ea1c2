/**
 * Batch normalization in float64 with switchable mistakes, for hints only ("your numbers are what
 * you get when ..."). Server-only (*.host.ts): with no mistake switched on this is a complete
 * batch normalization, so the browser's Run gets a stub instead (see docs/authoring.md).
 */
import { Tensor } from "gradlab/nd";
import type { BnCase } from "./ref.ts";

export interface BnMistakes {
  /** PyTorch's convention: moving = (1 − momentum)·moving + momentum·batch. */
  momentumSwapped?: boolean;
  /** The moving variance is updated with the unbiased batch variance (÷ (M − 1), as PyTorch does). */
  unbiasedMovingVariance?: boolean;
  /** The batch variance is unbiased everywhere (normalisation too). */
  unbiasedVariance?: boolean;
  /** (x − mean) / (sqrt(var) + eps). */
  epsOutside?: boolean;
  /** Statistics over the batch axis only (per position and channel), not over N, H and W. */
  overBatchAxisOnly?: boolean;
  /** Inference normalises with the batch's own statistics instead of the moving ones. */
  inferenceBatchStats?: boolean;
  /** dx without the terms through the batch mean and/or variance. */
  dxWithoutMean?: boolean;
  dxWithoutVariance?: boolean;
}

export type BnOutputs = Record<"y" | "movingMean" | "movingVariance" | "yInference" | "dx" | "dgamma" | "dbeta", Tensor>;

/** Everything batch normalization computes for one case, in float64, with the given mistakes. */
export function batchNorm64(c: BnCase, m: BnMistakes = {}): BnOutputs | undefined {
  const { x, gamma, beta, dy, eps, momentum } = c;
  const features = x.shape[x.shape.length - 1];
  const total = x.data.length;
  // Elements are grouped by channel (right) or by position and channel (over the batch axis only).
  const groupSize = m.overBatchAxisOnly ? total / x.shape[0] : features;
  if (m.overBatchAxisOnly && groupSize === features) return undefined; // the same as right for [N, C]
  const count = total / groupSize;
  if (m.overBatchAxisOnly && count < 2) return undefined; // a batch of one: nothing to normalise over
  if ((m.unbiasedVariance || m.unbiasedMovingVariance) && count < 2) return undefined;
  const mean = new Float64Array(groupSize);
  const sq = new Float64Array(groupSize);
  for (let i = 0; i < total; i++) mean[i % groupSize] += x.data[i] / count;
  for (let i = 0; i < total; i++) sq[i % groupSize] += (x.data[i] - mean[i % groupSize]) ** 2;
  const biased = sq.map((s) => s / count);
  const unbiased = sq.map((s) => s / (count - 1));
  const variance = m.unbiasedVariance ? unbiased : biased;
  const inv = variance.map((v) => (m.epsOutside ? 1 / (Math.sqrt(v) + eps) : 1 / Math.sqrt(v + eps)));
  const xhat = x.data.map((v, i) => (v - mean[i % groupSize]) * inv[i % groupSize]);
  const y = xhat.map((h, i) => gamma.data[i % features] * h + beta.data[i % features]);

  // Moving statistics are per channel: a per-position statistic is averaged over positions.
  const perChannel = (s: Float64Array) => {
    const out = new Float64Array(features);
    for (let g = 0; g < groupSize; g++) out[g % features] += (s[g] * features) / groupSize;
    return out;
  };
  const keep = m.momentumSwapped ? 1 - momentum : momentum;
  const update = (moving: Tensor, batch: Float64Array) => new Tensor(moving.data.map((v, j) => v * keep + batch[j] * (1 - keep)), [features]);
  const movingMean = update(c.movingMean, perChannel(mean));
  const movingVariance = update(c.movingVariance, perChannel(m.unbiasedMovingVariance || m.unbiasedVariance ? unbiased : biased));

  const yInference = x.data.map((v, i) => {
    const j = i % features;
    const [mu, va] = m.inferenceBatchStats ? [mean[i % groupSize], variance[i % groupSize]] : [c.movingMean.data[j], c.movingVariance.data[j]];
    const r = m.epsOutside ? 1 / (Math.sqrt(va) + eps) : 1 / Math.sqrt(va + eps);
    return (v - mu) * r * gamma.data[j] + beta.data[j];
  });

  // dx = inv · (g − mean(g) − x̂ · mean(g · x̂)) per group, with g = dy · gamma.
  const g = dy.data.map((d, i) => d * gamma.data[i % features]);
  const mg = new Float64Array(groupSize);
  const mgx = new Float64Array(groupSize);
  for (let i = 0; i < total; i++) {
    mg[i % groupSize] += g[i] / count;
    mgx[i % groupSize] += (g[i] * xhat[i]) / count;
  }
  const dx = g.map((gi, i) => inv[i % groupSize] * (gi - (m.dxWithoutMean ? 0 : mg[i % groupSize]) - (m.dxWithoutVariance ? 0 : xhat[i] * mgx[i % groupSize])));
  const dgamma = new Float64Array(features);
  const dbeta = new Float64Array(features);
  for (let i = 0; i < total; i++) {
    dgamma[i % features] += dy.data[i] * xhat[i];
    dbeta[i % features] += dy.data[i];
  }
  const shape = x.shape.slice();
  return {
    y: new Tensor(y, shape),
    movingMean,
    movingVariance,
    yInference: new Tensor(yInference, shape),
    dx: new Tensor(dx, shape),
    dgamma: new Tensor(dgamma, [features]),
    dbeta: new Tensor(dbeta, [features]),
  };
}
