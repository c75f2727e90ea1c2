/**
 * Batch normalization in tfjs (the reference): tf.layers.batchNormalization itself for the
 * forward passes and the moving statistics, and the same computation in tfjs ops (tf.moments,
 * tf.batchNorm) for tf.grads. Features on the last axis; statistics over every other axis.
 */
import type { Tensor } from "gradlab/nd";
import type * as TF from "@tensorflow/tfjs";
import { type Tf, tfCompute, toTf, type TfForward } from "gradlab/checks";

export interface BnCase {
  x: Tensor; // [N, C] or [N, H, W, C]
  gamma: Tensor; // [C]
  beta: Tensor; // [C]
  movingMean: Tensor; // [C]
  movingVariance: Tensor; // [C]
  momentum: number;
  eps: number;
  dy: Tensor; // like x
}

/** A tf.layers.batchNormalization holding the case's gamma, beta and moving statistics. */
function layerWithWeights(tf: Tf, c: BnCase): TF.layers.Layer {
  const layer = tf.layers.batchNormalization({ axis: -1, momentum: c.momentum, epsilon: c.eps });
  tf.tidy(() => {
    layer.apply(tf.zeros([1, ...c.x.shape.slice(1)]), { training: false }); // builds the weights
    layer.setWeights([c.gamma, c.beta, c.movingMean, c.movingVariance].map((t) => toTf(tf, t)));
  });
  return layer;
}

/** One training step of the layer: its output and its moving statistics afterwards. */
export function layerTrain(tf: Tf, c: BnCase): { y: Tensor; movingMean: Tensor; movingVariance: Tensor } {
  const layer = layerWithWeights(tf, c);
  try {
    return tfCompute(tf, () => {
      const y = layer.apply(toTf(tf, c.x), { training: true }) as TF.Tensor;
      const [, , movingMean, movingVariance] = layer.getWeights();
      return { y, movingMean: movingMean.clone(), movingVariance: movingVariance.clone() };
    });
  } finally {
    layer.dispose();
  }
}

/** The layer at inference (training: false): normalised with the moving statistics. */
export function layerInference(tf: Tf, c: BnCase): Tensor {
  const layer = layerWithWeights(tf, c);
  try {
    return tfCompute(tf, () => layer.apply(toTf(tf, c.x), { training: false }) as TF.Tensor);
  } finally {
    layer.dispose();
  }
}

/** The training forward in tfjs ops, differentiable in x, gamma and beta (for tf.grads). */
export function batchNormTrainTf(tf: Tf, eps: number): TfForward {
  return (x, gamma, beta) => {
    const axes = x.shape.map((_, i) => i).slice(0, -1);
    const { mean, variance } = tf.moments(x, axes);
    return tf.batchNorm(x, mean, variance, beta, gamma, eps);
  };
}
