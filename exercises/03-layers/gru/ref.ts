/**
 * The GRU in tfjs (the reference): tf.layers.gru itself for the forward (its kernel, recurrent
 * kernel and bias set to the case's wx, wh, b; sigmoid gates), and the same recurrence unrolled in
 * tfjs ops for tf.grads. Shapes: x [N,T,D], h0 [N,H], wx [D,3H], wh [H,3H], b [3H]; the 3H columns
 * hold z (update), r (reset), h (candidate). As tfjs's GRUCell (reset_after false): the reset gate
 * multiplies h_{t-1} before the candidate's recurrent matmul, and the one bias is on the input side.
 */
import type { Tensor } from "gradlab/nd";
import type * as TF from "@tensorflow/tfjs";
import { type Tf, tfCompute, toTf } from "gradlab/checks";

export interface GruCase {
  x: Tensor;
  h0: Tensor;
  wx: Tensor;
  wh: Tensor;
  b: Tensor;
}

/** tf.layers.gru with returnSequences, logistic-sigmoid gates, on the case's weights: every h_t [N, T, H]. */
export function layerGru(tf: Tf, c: GruCase): Tensor {
  const units = c.h0.shape[1];
  const layer = tf.layers.gru({ units, recurrentActivation: "sigmoid", returnSequences: true });
  try {
    return tfCompute(tf, () => {
      const x = toTf(tf, c.x);
      layer.apply(x, { initialState: [toTf(tf, c.h0)] }); // builds the weights
      layer.setWeights([toTf(tf, c.wx), toTf(tf, c.wh), toTf(tf, c.b)]);
      return layer.apply(x, { initialState: [toTf(tf, c.h0)] }) as TF.Tensor;
    });
  } finally {
    layer.dispose();
  }
}

/** The same recurrence in tfjs ops, differentiable in every input (for tf.grads). */
export function gruTf(tf: Tf) {
  return (x: TF.Tensor, h0: TF.Tensor, wx: TF.Tensor, wh: TF.Tensor, b: TF.Tensor): TF.Tensor => {
    const [n, steps, d] = x.shape;
    const units = h0.shape[1]!;
    const [whZR, whH] = tf.split(wh, [2 * units, units], 1);
    let h = h0;
    const hs: TF.Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const xt = x.slice([0, t, 0], [n, 1, d]).reshape([n!, d!]);
      const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, wx), b), 3, 1);
      const [hz, hr] = tf.split(tf.matMul(h, whZR), 2, 1);
      const z = tf.sigmoid(tf.add(xz, hz));
      const r = tf.sigmoid(tf.add(xr, hr));
      const hh = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), whH)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
      hs.push(h);
    }
    return tf.stack(hs, 1);
  };
}
