/**
 * The RNN in tfjs ops (the reference; the float64 simulation of mistakes is server-only, in
 * mistakes.host.ts). Shapes: x [N,T,D], h0 [N,H], wx [D,H], wh [H,H], b [H].
 */
import type { Tensor } from "gradlab/nd";
import type * as TF from "@tensorflow/tfjs";
import type { Tf } from "gradlab/checks";

/** h_t = tanh(x_t wx + h_{t-1} wh + b), unrolled with tfjs ops; returns every h_t stacked: [N, T, H]. */
export function rnnTf(tf: Tf) {
  return (x: TF.Tensor, h0: TF.Tensor, wx: TF.Tensor, wh: TF.Tensor, b: TF.Tensor): TF.Tensor => {
    const [n, steps, d] = x.shape;
    let h = h0;
    const hs: TF.Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const xt = x.slice([0, t, 0], [n, 1, d]).reshape([n, d]);
      h = tf.tanh(tf.add(tf.add(tf.matMul(xt, wx), tf.matMul(h, wh)), b));
      hs.push(h);
    }
    return tf.stack(hs, 1);
  };
}

export interface RnnCase {
  x: Tensor;
  h0: Tensor;
  wx: Tensor;
  wh: Tensor;
  b: Tensor;
}
