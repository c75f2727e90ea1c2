/**
 * Reference computations with tfjs, shared by the layer exercises: forward values and the
 * gradients of L = sum(forward(inputs) * dy) with respect to each input, from tf.grads. Results
 * are kept across grades by `forward` and the inputs' content (reference-cache.ts): a module-level
 * `forward` has the same identity every grade, so visible cases are computed once per exercise
 * version; a closure made per call is simply computed every time.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Tensor } from "../nd/index.ts";
import type { Tf } from "./tf.ts";
import { fromTf, toTf, withKernelFallback } from "./tf.ts";
import { cachedReference } from "./reference-cache.ts";

export type TfForward = (...inputs: TF.Tensor[]) => TF.Tensor;

/** forward(inputs) computed by tfjs, as an nd Tensor. */
export function referenceForward(tf: Tf, forward: TfForward, inputs: Tensor[]): Tensor {
  return cachedReference(forward, ["forward", tf.getBackend(), inputs], () => computeForward(tf, forward, inputs));
}

/** d(sum(forward(inputs) * dy))/d(inputs[i]) for every input, by tf.grads. */
export function referenceGrads(tf: Tf, forward: TfForward, inputs: Tensor[], dy: Tensor): Tensor[] {
  return cachedReference(forward, ["grads", tf.getBackend(), inputs, dy], () => computeGrads(tf, forward, inputs, dy));
}

function computeForward(tf: Tf, forward: TfForward, inputs: Tensor[]): Tensor {
  return withKernelFallback(tf, () => {
    const out = tf.tidy(() => forward(...inputs.map((t) => toTf(tf, t))));
    const r = fromTf(out);
    out.dispose();
    return r;
  });
}

function computeGrads(tf: Tf, forward: TfForward, inputs: Tensor[], dy: Tensor): Tensor[] {
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

/**
 * A maker of forward functions with the same function for the same parameters, so that the
 * references it serves are kept across grades (referenceForward and referenceGrads find their
 * results by the forward function: a closure made anew every call is never found again).
 * Parameters are numbers, strings, booleans or undefined (checked: with anything else, a new function is made).
 */
export function sameForwardFor<A extends (number | string | boolean | undefined)[]>(make: (tf: Tf, ...params: A) => TfForward): (tf: Tf, ...params: A) => TfForward {
  const made = new WeakMap<Tf, Map<string, TfForward>>();
  return (tf, ...params) => {
    if (!params.every((p) => p === undefined || ["number", "string", "boolean"].includes(typeof p))) return make(tf, ...params);
    let byParams = made.get(tf);
    if (!byParams) made.set(tf, (byParams = new Map()));
    const key = JSON.stringify(params.map((p) => (p === undefined ? null : [typeof p, p])));
    let f = byParams.get(key);
    if (!f) byParams.set(key, (f = make(tf, ...params)));
    return f;
  };
}
