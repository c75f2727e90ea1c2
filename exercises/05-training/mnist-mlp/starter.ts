import { Tensor } from "gradlab/nd";

/**
 * Train a 784-128-64-10 MLP (ReLU between layers, logits out) on `data` with minibatch
 * gradient descent: your own forward, softmax cross-entropy, backward and optimizer.
 * `data.x` is [N, 784] (pixels in [0, 1]), `data.y` the N labels 0..9.
 * Use `random()` (uniform in [0, 1)) for the initial weights and for shuffling.
 * Return your model: any object. If it has `losses: number[]` (e.g. the mean loss of each
 * epoch), the results panel plots it.
 * Checked by: every check (the accuracy checks train once and reuse the model).
 */
export function train(data: { x: Tensor; y: Int32Array }, random: () => number): unknown {
  // TODO: initialise the three layers, then loop over epochs and shuffled minibatches.
  return { losses: [] };
}

/**
 * The predicted digit of each row of x [N, 784]: argmax of the logits.
 * Checked by: every check.
 */
export function predict(model: unknown, x: Tensor): Int32Array {
  // TODO: forward pass, then argmax of each row.
  return new Int32Array(x.shape[0]);
}
