import { Tensor } from "gradlab/nd";

interface DenseLayer { name: string; w: Tensor; b: Tensor; trainable: boolean }
interface Mlp { layers: DenseLayer[] }

/**
 * Number of trainable parameters: w and b of every layer with trainable: true.
 * Checked by: "countTrainable ..." checks.
 */
export function countTrainable(model: Mlp): number {
  // TODO: implement
  return 0;
}

/**
 * Minibatch SGD on the mean softmax cross-entropy of data, updating in place only the layers
 * with trainable: true. Layers with trainable: false must not change at all.
 * Checked by: "fineTune ..." checks and the accuracy checks.
 */
export function fineTune(model: Mlp, data: { x: Tensor; y: Int32Array }, h: { lr: number; epochs: number; batchSize: number }, random: () => number): void {
  // TODO: for each epoch, shuffle with random(); for each minibatch: forward, backward, update trainable layers.
}

/**
 * Argmax of the logits of each row: x·w + b through every layer, ReLU between layers.
 * Checked by: "predict ..." and the accuracy checks.
 */
export function predict(model: Mlp, x: Tensor): Int32Array {
  // TODO: implement
  return new Int32Array(x.shape[0]);
}
