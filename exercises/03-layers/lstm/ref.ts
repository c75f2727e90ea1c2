/**
 * The LSTM in tfjs ops (the reference; the float64 simulation of mistakes is server-only, in
 * mistakes.host.ts). Shapes: x [N,T,D], h0, c0 [N,H], wx [D,4H],
 * wh [H,4H], b [4H]; the 4H columns hold the gates in tfjs/Keras order i, f, g (the cell
 * candidate, "c"), o.
 */
import type { Tensor } from "gradlab/nd";
import type * as TF from "@tensorflow/tfjs";
import type { Tf } from "gradlab/checks";

/** Every h_t [N, T, H] of the LSTM unrolled with tfjs ops. */
export function lstmTf(tf: Tf) {
  return (x: TF.Tensor, h0: TF.Tensor, c0: TF.Tensor, wx: TF.Tensor, wh: TF.Tensor, b: TF.Tensor): TF.Tensor => {
    const [n, steps, d] = x.shape;
    let h = h0;
    let c = c0;
    const hs: TF.Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const xt = x.slice([0, t, 0], [n, 1, d]).reshape([n, d]);
      const z = tf.add(tf.add(tf.matMul(xt, wx), tf.matMul(h, wh)), b);
      const [zi, zf, zg, zo] = tf.split(z, 4, 1);
      const i = tf.sigmoid(zi);
      const f = tf.sigmoid(zf);
      const g = tf.tanh(zg);
      const o = tf.sigmoid(zo);
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      h = tf.mul(o, tf.tanh(c));
      hs.push(h);
    }
    return tf.stack(hs, 1);
  };
}

export interface LstmCase {
  x: Tensor;
  h0: Tensor;
  c0: Tensor;
  wx: Tensor;
  wh: Tensor;
  b: Tensor;
}
