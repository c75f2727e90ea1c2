/**
 * A pre-norm transformer block in tfjs ops (the reference: tfjs 4 has no multi-head attention or
 * transformer layer), and the same block with one of the mistakes learners make switched on (for
 * hints: "your numbers are what you get when ..."). x [N, T, D]:
 *   h = x + MHA(LN1(x)),  y = h + FFN(LN2(h)),  FFN(z) = gelu(z·w1 + b1)·w2 + b2,
 * LayerNorm over the last axis (biased variance, eps inside the square root), multi-head
 * self-attention as the multi-head-attention exercise (contiguous heads, 1/sqrt(dh)), and GELU the
 * tanh approximation, exactly tfjs's "gelu_new" activation.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Tensor } from "gradlab/nd";
import { type Tf, tfCompute, toTf } from "gradlab/checks";

/** The block's parameters, in the order the tfjs forward takes them (after x). */
export const PARAM_KEYS = ["gamma1", "beta1", "wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo", "gamma2", "beta2", "w1", "b1", "w2", "b2"] as const;
export type Param = (typeof PARAM_KEYS)[number];
/** gamma, beta, biases: [D] (b1: [F]); wq, wk, wv, wo: [D, D]; w1: [D, F]; w2: [F, D]. */
export type BlockParams = Record<Param, Tensor>;

export interface BlockMistakes {
  /** GELU as x·Φ(x) with the exact normal CDF (erf; tfjs's "gelu") instead of the tanh approximation. */
  geluErf?: boolean;
  /** GELU's derivative without the cubic term's 3·0.044715·x² inside the tanh's argument. */
  geluGradNoCubic?: boolean;
  /** Post-norm (the original Transformer): h = LN1(x + MHA(x)), y = LN2(h + FFN(h)). */
  postNorm?: boolean;
  /** The residuals start from the normalised input: h = LN1(x) + MHA(LN1(x)), y = LN2(h) + FFN(LN2(h)). */
  residualFromNormalized?: boolean;
  /** Each LayerNorm's statistics over a whole sequence (T·D values) instead of each position's D features. */
  lnOverSequence?: boolean;
  /** Backward only: the residual connections pass no gradient (dx and dh miss the identity path). */
  residualGradDropped?: boolean;
}

/** Masked scores are set to this before softmax: exp(-1e9 - max) is exactly 0, in float32 too. */
const MASKED = -1e9;
const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU, the tanh approximation (gelu_new) or the exact erf form, optionally with the no-cubic derivative. */
export function geluTf(tf: Tf, m: BlockMistakes = {}): (u: TF.Tensor) => TF.Tensor {
  const tanhForm = (u: TF.Tensor) => tf.mul(0.5, tf.mul(u, tf.add(1, tf.tanh(tf.mul(GELU_C, tf.add(u, tf.mul(0.044715, tf.pow(u, 3))))))));
  if (m.geluErf) return (u) => tf.mul(u, tf.mul(0.5, tf.add(1, tf.erf(tf.div(u, Math.SQRT2)))));
  if (!m.geluGradNoCubic) return tanhForm;
  const noCubic = tf.customGrad(((u: TF.Tensor, save: (ts: TF.Tensor[]) => void) => {
    save([u]);
    return {
      value: tanhForm(u),
      gradFunc: (dy: TF.Tensor, [s]: TF.Tensor[]) => {
        const t = tf.tanh(tf.mul(GELU_C, tf.add(s, tf.mul(0.044715, tf.pow(s, 3)))));
        return tf.mul(dy, tf.add(tf.mul(0.5, tf.add(1, t)), tf.mul(tf.mul(0.5 * GELU_C, s), tf.sub(1, tf.square(t)))));
      },
    };
  }) as never) as (u: TF.Tensor) => TF.Tensor;
  return noCubic;
}

/** tfjs's own "gelu_new" activation layer on x: the reference for the learner's gelu. */
export function layerGeluNew(tf: Tf, x: Tensor): Tensor {
  const layer = tf.layers.activation({ activation: "gelu_new" });
  return tfCompute(tf, () => layer.apply(toTf(tf, x)) as TF.Tensor);
}

/** The identity whose gradient is zero (the residualGradDropped mistake). */
function noGradIdentity(tf: Tf): (a: TF.Tensor) => TF.Tensor {
  return tf.customGrad(((a: TF.Tensor) => ({ value: tf.clone(a), gradFunc: (dy: TF.Tensor) => tf.zerosLike(dy) })) as never) as (a: TF.Tensor) => TF.Tensor;
}

export type BlockTf = (x: TF.Tensor, ...params: TF.Tensor[]) => TF.Tensor;

export function blockTf(tf: Tf, numHeads: number, causal: boolean, eps: number, m: BlockMistakes = {}): BlockTf {
  const gelu = geluTf(tf, m);
  const skip = m.residualGradDropped ? noGradIdentity(tf) : (a: TF.Tensor) => a;
  return (x, gamma1, beta1, wq, bq, wk, bk, wv, bv, wo, bo, gamma2, beta2, w1, b1, w2, b2) => {
    const [n, t, d] = x.shape as number[];
    const heads = numHeads;
    const dh = d / heads;
    // [N, T, D], normalised over the last axis (or, mistaken, over each whole sequence)
    const layerNorm = (a: TF.Tensor, gamma: TF.Tensor, beta: TF.Tensor) => {
      const { mean, variance } = tf.moments(a, m.lnOverSequence ? [1, 2] : -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
    };
    const rows = (a: TF.Tensor) => tf.reshape(a, [n * t, -1]);
    const split = (p: TF.Tensor) => tf.transpose(tf.reshape(p, [n, t, heads, dh]), [0, 2, 1, 3]); // [N, H, T, dh]
    const attention = (z: TF.Tensor) => {
      const q = split(tf.add(tf.matMul(rows(z), wq), bq));
      const k = split(tf.add(tf.matMul(rows(z), wk), bk));
      const v = split(tf.add(tf.matMul(rows(z), wv), bv));
      let s = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh));
      if (causal) {
        const keep = tf.cast(tf.reshape(tf.linalg.bandPart(tf.ones([t, t]), -1, 0), [1, 1, t, t]), "bool");
        s = tf.where(tf.tile(keep, [n, heads, 1, 1]), s, tf.fill([n, heads, t, t], MASKED));
      }
      const merged = tf.reshape(tf.transpose(tf.matMul(tf.softmax(s), v), [0, 2, 1, 3]), [n * t, d]);
      return tf.reshape(tf.add(tf.matMul(merged, wo), bo), [n, t, d]);
    };
    const ffn = (z: TF.Tensor) => tf.reshape(tf.add(tf.matMul(gelu(tf.add(tf.matMul(rows(z), w1), b1)), w2), b2), [n, t, d]);
    if (m.postNorm) {
      const h = layerNorm(tf.add(x, attention(x)), gamma1, beta1);
      return layerNorm(tf.add(h, ffn(h)), gamma2, beta2);
    }
    if (m.residualFromNormalized) {
      const u = layerNorm(x, gamma1, beta1);
      const h = tf.add(u, attention(u));
      const v = layerNorm(h, gamma2, beta2);
      return tf.add(v, ffn(v));
    }
    const h = tf.add(skip(x), attention(layerNorm(x, gamma1, beta1)));
    return tf.add(skip(h), ffn(layerNorm(h, gamma2, beta2)));
  };
}
