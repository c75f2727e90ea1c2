/**
 * Gradient clipping in tfjs ops (the reference). tfjs has no clip-by-global-norm op: this is
 * TensorFlow's tf.clip_by_global_norm, g_i · clipNorm / max(globalNorm, clipNorm), written with
 * tf.square / tf.sum / tf.addN / tf.maximum; value clipping is tf.clipByValue; the step is
 * tf.train.sgd applied to the clipped gradients.
 */
import type { Tensor } from "gradlab/nd";
import type * as TF from "@tensorflow/tfjs";
import { type Tf, fromTf, toTf } from "gradlab/checks";

export interface ClipSpec {
  clipNorm?: number;
  clipValue?: number;
}

function tfGlobalNorm(tf: Tf, gs: TF.Tensor[]): TF.Scalar {
  return tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g))))) as TF.Scalar;
}

function tfClip(tf: Tf, gs: TF.Tensor[], clip: ClipSpec): TF.Tensor[] {
  if (clip.clipNorm !== undefined) {
    const scale = tf.div(clip.clipNorm, tf.maximum(tfGlobalNorm(tf, gs), clip.clipNorm));
    return gs.map((g) => tf.mul(g, scale));
  }
  if (clip.clipValue !== undefined) return gs.map((g) => tf.clipByValue(g, -clip.clipValue!, clip.clipValue!));
  return gs;
}

/** f on the gradients as tfjs tensors, inside tf.tidy; the results come back as nd tensors. */
function withTensors(tf: Tf, grads: Tensor[], f: (gs: TF.Tensor[]) => TF.Tensor[]): Tensor[] {
  const out = tf.tidy(() => f(grads.map((g) => toTf(tf, g))));
  const r = out.map(fromTf);
  out.forEach((t) => t.dispose());
  return r;
}

export function refGlobalNorm(tf: Tf, grads: Tensor[]): number {
  return withTensors(tf, grads, (gs) => [tfGlobalNorm(tf, gs)])[0].data[0];
}

export function refClip(tf: Tf, grads: Tensor[], clip: ClipSpec): Tensor[] {
  return withTensors(tf, grads, (gs) => tfClip(tf, gs, clip));
}

/** One tf.train.sgd step on variables holding `params`, with the clipped gradients. */
export function refSgdStep(tf: Tf, params: Tensor[], grads: Tensor[], h: { lr: number } & ClipSpec): Tensor[] {
  const vars = params.map((p) => tf.variable(toTf(tf, p)));
  const opt = tf.train.sgd(h.lr);
  try {
    tf.tidy(() => {
      const clipped = tfClip(tf, grads.map((g) => toTf(tf, g)), h);
      opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: clipped[i] })));
    });
    return vars.map(fromTf);
  } finally {
    opt.dispose();
    vars.forEach((v) => v.dispose());
  }
}
