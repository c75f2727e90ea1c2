/**
 * Reference computations with tfjs, shared by the layer exercises: forward values and the
 * gradients of L = sum(forward(inputs) * dy) with respect to each input, from tf.grads.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Tensor } from "../nd/index.ts";
import type { Tf } from "./tf.ts";
import { fromTf, toTf, withKernelFallback } from "./tf.ts";

export type TfForward = (...inputs: TF.Tensor[]) => TF.Tensor;

/** forward(inputs) computed by tfjs, as an nd Tensor. */
export function referenceForward(tf: Tf, forward: TfForward, inputs: Tensor[]): Tensor {
  return withKernelFallback(tf, () => {
    const out = tf.tidy(() => forward(...inputs.map((t) => toTf(tf, t))));
    const r = fromTf(out);
    out.dispose();
    return r;
  });
}

/** d(sum(forward(inputs) * dy))/d(inputs[i]) for every input, by tf.grads. */
export function referenceGrads(tf: Tf, forward: TfForward, inputs: Tensor[], dy: Tensor): Tensor[] {
  return withKernelFallback(tf, () => {
    const grads = tf.tidy(() => {
      const dyT = toTf(tf, dy);
      const f = (...xs: TF.Tensor[]) => forward(...xs).mul(dyT).sum() as TF.Scalar;
      return tf.grads(f)(inputs.map((t) => toTf(tf, t)));
    });
    const out = grads.map(fromTf);
    grads.forEach((g) => g.dispose());
    return out;
  });
}
