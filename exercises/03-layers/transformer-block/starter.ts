import { Tensor, zeros } from "gradlab/nd";

/**
 * The block's parameters. LayerNorms: gamma1, beta1, gamma2, beta2 [D]. Attention: wq, wk, wv, wo [D, D],
 * bq, bk, bv, bo [D]. Feed-forward: w1 [D, F], b1 [F], w2 [F, D], b2 [D].
 */
interface BlockParams {
  gamma1: Tensor; beta1: Tensor;
  wq: Tensor; bq: Tensor; wk: Tensor; bk: Tensor; wv: Tensor; bv: Tensor; wo: Tensor; bo: Tensor;
  gamma2: Tensor; beta2: Tensor;
  w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor;
}
/** dx, and d<name> for every parameter (dgamma1, dwq, dw1, ...), each with its input's shape. */
type BlockGrads = { dx: Tensor } & { [K in keyof BlockParams as `d${K}`]: Tensor };

/**
 * GELU, the tanh approximation (tfjs's "gelu_new"), element-wise on any shape:
 * 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))).
 * Checked by: "gelu ..." checks.
 */
export function gelu(x: Tensor): Tensor {
  // TODO: implement
  return zeros(x.shape);
}

/**
 * dL/dx of gelu, given dy = dL/d(gelu(x)) (same shape as x).
 * Checked by: "geluBackward ..." checks.
 */
export function geluBackward(dy: Tensor, x: Tensor): Tensor {
  // TODO: implement
  return zeros(x.shape);
}

// Bring your LayerNorm (layernorm exercise) and multi-head attention (multi-head-attention exercise),
// forward and backward, into this file: the block is made of them.

/**
 * A pre-norm transformer block on x [N, T, D] → [N, T, D]:
 * h = x + MHA(LN1(x)), y = h + FFN(LN2(h)), FFN(z) = gelu(z·w1 + b1)·w2 + b2;
 * LayerNorm per position over the D features (eps inside the square root), MHA with numHeads heads (causal or not).
 * Checked by: "transformerBlockForward ..." checks.
 */
export function transformerBlockForward(x: Tensor, p: BlockParams, numHeads: number, causal: boolean, eps: number): Tensor {
  // TODO: implement
  return zeros(x.shape);
}

/**
 * Gradients of the loss with respect to x and every parameter, given dy = dL/dy [N, T, D].
 * Checked by: "transformerBlockBackward ..." checks.
 */
export function transformerBlockBackward(dy: Tensor, x: Tensor, p: BlockParams, numHeads: number, causal: boolean, eps: number): BlockGrads {
  // TODO: implement
  const grads = Object.fromEntries(Object.entries(p).map(([k, v]) => [`d${k}`, zeros(v.shape)]));
  return { dx: zeros(x.shape), ...grads } as BlockGrads;
}
