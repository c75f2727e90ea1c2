/**
 * Scaled dot-product attention in tfjs ops: the reference, and the same computation with one
 * of the mistakes learners make switched on (for hints: "your numbers are what you get when ...").
 * q [N, Tq, d], k [N, Tk, d], v [N, Tk, dv] → [N, Tq, dv].
 */
import type * as TF from "@tensorflow/tfjs";
import type { Tf, TfForward } from "gradlab/checks";

export interface AttentionMistakes {
  /** What the scores are divided by: sqrt(d) (right), nothing, or d. */
  scale?: "sqrt-d" | "none" | "d";
  /** The axis softmax normalises: the key axis (right) or the query axis. */
  softmaxAxis?: "keys" | "queries";
  /** Causal masking: before softmax (right), after softmax without renormalising, the wrong triangle, j >= i (own position hidden), or none at all. */
  mask?: "before-softmax" | "after-softmax" | "wrong-triangle" | "diagonal-hidden" | "none";
}

/** Masked scores are set to this before softmax: exp(-1e9 - max) is exactly 0, in float32 too. */
export const MASKED = -1e9;

export function attentionTf(tf: Tf, causal: boolean, m: AttentionMistakes = {}): TfForward {
  return (q: TF.Tensor, k: TF.Tensor, v: TF.Tensor): TF.Tensor => {
    const [n, tq, d] = q.shape as number[];
    const tk = (k.shape as number[])[1];
    const divisor = m.scale === "none" ? 1 : m.scale === "d" ? d : Math.sqrt(d);
    let s = tf.div(tf.matMul(q, k, false, true), divisor); // [N, Tq, Tk]
    const mask = causal ? (m.mask ?? "before-softmax") : "none";
    // keep[i][j]: key j is visible from query i (j <= i; the wrong triangle keeps j >= i).
    const keep =
      mask === "none"
        ? undefined
        : tf.tile(tf.reshape(mask === "wrong-triangle" ? tf.linalg.bandPart(tf.ones([tq, tk]), 0, -1) : mask === "diagonal-hidden" ? tf.sub(tf.linalg.bandPart(tf.ones([tq, tk]), -1, 0), tf.eye(tq, tk)) : tf.linalg.bandPart(tf.ones([tq, tk]), -1, 0), [1, tq, tk]), [n, 1, 1]);
    if (keep && mask !== "after-softmax") s = tf.where(tf.cast(keep, "bool"), s, tf.fill([n, tq, tk], MASKED));
    let p = m.softmaxAxis === "queries" ? tf.transpose(tf.softmax(tf.transpose(s, [0, 2, 1])), [0, 2, 1]) : tf.softmax(s);
    if (keep && mask === "after-softmax") p = tf.mul(p, keep);
    return tf.matMul(p, v);
  };
}
