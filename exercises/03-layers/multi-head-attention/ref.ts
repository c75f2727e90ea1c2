/**
 * Multi-head self-attention in tfjs ops (the reference: tfjs 4 has no multi-head attention layer),
 * and the same computation with one of the mistakes learners make switched on (for hints: "your
 * numbers are what you get when ..."). x [N, T, D]; wq, wk, wv, wo [D, D]; bq, bk, bv, bo [D].
 * Heads as Keras's MultiHeadAttention and PyTorch's nn.MultiheadAttention split them: head h owns
 * columns h·dh .. (h+1)·dh − 1 of each projection, dh = D / numHeads, scores scaled by 1/sqrt(dh).
 *
 * The forward takes x three times (the inputs of the query, key and value projections), so that
 * tf.grads gives each path's share of dx: the learner's dx is their sum.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Tensor } from "gradlab/nd";
import type { Tf } from "gradlab/checks";

export interface MhaParams {
  wq: Tensor;
  bq: Tensor;
  wk: Tensor;
  bk: Tensor;
  wv: Tensor;
  bv: Tensor;
  wo: Tensor;
  bo: Tensor;
}

/** The parameters in the order the tfjs forward takes them (after xq, xk, xv). */
export const PARAM_KEYS = ["wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo"] as const;

export interface MhaMistakes {
  /** Scores divided by sqrt(D) (the model width) instead of sqrt(dh) (the head width). */
  scaleByModelDim?: boolean;
  /**
   * How the D columns become heads: contiguous blocks (right); head h = columns j with
   * j mod numHeads = h; [N, T, D] reshaped straight to [N, H, T, dh] with no transpose (and merged
   * back the same way); or numHeads ignored (one head of width D).
   */
  split?: "blocks" | "interleaved" | "reshape-without-transpose" | "one-head";
  /** causal is true but nothing is masked. */
  causalIgnored?: boolean;
}

/** Masked scores are set to this before softmax: exp(-1e9 - max) is exactly 0, in float32 too. */
export const MASKED = -1e9;

export type MhaTf = (xq: TF.Tensor, xk: TF.Tensor, xv: TF.Tensor, ...params: TF.Tensor[]) => TF.Tensor;

export function mhaTf(tf: Tf, numHeads: number, causal: boolean, m: MhaMistakes = {}): MhaTf {
  return (xq, xk, xv, wq, bq, wk, bk, wv, bv, wo, bo) => {
    const [n, t, d] = xq.shape as number[];
    const heads = m.split === "one-head" ? 1 : numHeads;
    const dh = d / heads;
    const project = (x: TF.Tensor, w: TF.Tensor, b: TF.Tensor) => tf.add(tf.matMul(tf.reshape(x, [n * t, d]), w), b);
    // [N·T, D] → [N, H, T, dh]
    const split = (p: TF.Tensor): TF.Tensor => {
      if (m.split === "interleaved") return tf.transpose(tf.reshape(p, [n, t, dh, heads]), [0, 3, 1, 2]);
      if (m.split === "reshape-without-transpose") return tf.reshape(p, [n, heads, t, dh]);
      return tf.transpose(tf.reshape(p, [n, t, heads, dh]), [0, 2, 1, 3]);
    };
    // [N, H, T, dh] → [N·T, D], the inverse of split
    const merge = (o: TF.Tensor): TF.Tensor => {
      if (m.split === "interleaved") return tf.reshape(tf.transpose(o, [0, 2, 3, 1]), [n * t, d]);
      if (m.split === "reshape-without-transpose") return tf.reshape(o, [n * t, d]);
      return tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [n * t, d]);
    };
    const q = split(project(xq, wq, bq));
    const k = split(project(xk, wk, bk));
    const v = split(project(xv, wv, bv));
    let s = tf.div(tf.matMul(q, k, false, true), Math.sqrt(m.scaleByModelDim ? d : dh)); // [N, H, T, T]
    if (causal && !m.causalIgnored) {
      const keep = tf.cast(tf.reshape(tf.linalg.bandPart(tf.ones([t, t]), -1, 0), [1, 1, t, t]), "bool");
      s = tf.where(tf.tile(keep, [n, heads, 1, 1]), s, tf.fill([n, heads, t, t], MASKED));
    }
    const out = tf.add(tf.matMul(merge(tf.matMul(tf.softmax(s), v)), wo), bo);
    return tf.reshape(out, [n, t, d]);
  };
}
