import { Tensor, zerosLike } from "gradlab/nd";

// Every function works element-wise on a tensor of any shape and returns a tensor of the same shape.
// Inputs can be huge (|x| up to 1e4): results must stay finite.

/** max(x, 0). Checked by: "relu matches tf.relu ..." and the huge-input and hidden checks. */
export function relu(x: Tensor): Tensor {
  // TODO: implement
  return zerosLike(x);
}

/** dL/dx given dy = dL/d(relu(x)); relu'(0) = 0. Checked by: "reluBackward ..." checks. */
export function reluBackward(dy: Tensor, x: Tensor): Tensor {
  // TODO: implement
  return zerosLike(x);
}

/** 1 / (1 + exp(-x)), without overflow. Checked by: "sigmoid matches tf.sigmoid ..." and the huge-input checks. */
export function sigmoid(x: Tensor): Tensor {
  // TODO: implement
  return zerosLike(x);
}

/** dL/dx given dy = dL/d(sigmoid(x)). Checked by: "sigmoidBackward ..." checks. */
export function sigmoidBackward(dy: Tensor, x: Tensor): Tensor {
  // TODO: implement
  return zerosLike(x);
}

/** tanh(x). Checked by: "tanh matches tf.tanh ..." and the huge-input checks. */
export function tanh(x: Tensor): Tensor {
  // TODO: implement
  return zerosLike(x);
}

/** dL/dx given dy = dL/d(tanh(x)). Checked by: "tanhBackward ..." checks. */
export function tanhBackward(dy: Tensor, x: Tensor): Tensor {
  // TODO: implement
  return zerosLike(x);
}
