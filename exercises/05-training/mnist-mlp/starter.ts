import { Tensor } from "gradlab/nd";

/**
 * Your trained network: `layers[i].w` is [in, out] and `layers[i].b` is [out], chaining
 * 784 → … → 10 (at least one hidden layer, at most 250,000 parameters), ReLU between layers and
 * logits out. `losses` holds the mean training loss of each epoch, in order. You may add fields.
 */
export interface MlpModel {
  layers: { w: Tensor; b: Tensor }[];
  losses: number[];
}

/**
 * Train a ReLU MLP (e.g. 784-128-64-10) on `data` with minibatch gradient descent: your own
 * forward, softmax cross-entropy, backward and optimizer.
 * `data.x` is [N, 784] (pixels in [0, 1]), `data.y` the N labels 0..9.
 * Use `random()` (uniform in [0, 1)) for the initial weights and for shuffling.
 * The grader scores the weights you return (it recomputes their predictions with TensorFlow.js).
 * Checked by: every check (the accuracy checks train once and reuse the model).
 */
export function train(data: { x: Tensor; y: Int32Array }, random: () => number): MlpModel {
  // TODO: initialise the layers, then loop over epochs and shuffled minibatches,
  // pushing each epoch's mean loss onto losses. Log it as you go, e.g.
  // console.log(`epoch ${epoch + 1}/${epochs} loss ${loss.toFixed(4)}`), and Run draws it live.
  return { layers: [], losses: [] };
}

/**
 * The predicted digit of each row of x [N, 784]: argmax of the logits of the ReLU-MLP forward
 * pass of model.layers.
 * Checked by: "predict agrees with the forward pass of model.layers", and its hidden twin.
 */
export function predict(model: MlpModel, x: Tensor): Int32Array {
  // TODO: forward pass, then argmax of each row.
  return new Int32Array(x.shape[0]);
}
