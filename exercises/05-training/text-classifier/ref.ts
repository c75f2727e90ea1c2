/**
 * The classifier's forward pass in tfjs ops (the reference), and the same pass with one known
 * mistake switched on (for hints: a learner's logits that match a mistake name it). Shapes:
 * ids [N, T] (0 = padding, at the end), embedding [V, E], wx [E, 4H], wh [H, 4H], b [4H] with
 * the gates in tfjs/Keras order i, f, g, o, dense w [H, C], b [C].
 *
 * As tf.layers.embedding({ maskZero: true }) → tf.layers.lstm({ recurrentActivation: "sigmoid" })
 * → tf.layers.dense: a masked (padded) step leaves h and c as they were, so the dense layer reads
 * the state after each sentence's last real token (ref.test.ts checks
 * this against tf.layers).
 */
import type * as TF from "@tensorflow/tfjs";
import type { Tensor } from "gradlab/nd";
import type { Tf } from "gradlab/checks";

export interface TextWeights {
  embedding: Tensor;
  wx: Tensor;
  wh: Tensor;
  b: Tensor;
  denseW: Tensor;
  denseB: Tensor;
}

export interface ForwardMistake {
  /** The LSTM also runs over the padded steps (no mask). */
  unmasked?: boolean;
  /** h and c are not reset between sentences: each row starts from the previous row's last state. */
  carried?: boolean;
  /** The gate blocks read in CS231n's order i, f, o, g. */
  cs231nGates?: boolean;
  /** No LSTM: the mean of the real tokens' embeddings goes to the dense layer (needs E = H). */
  meanPooled?: boolean;
}

const f32 = (t: Tensor) => Float32Array.from(t.data);

/** Logits [N, C] (row-major) of the classifier, or of one of its known mistakes. */
export function textLogitsTf(tf: Tf, w: TextWeights, ids: Tensor, mistake: ForwardMistake = {}): Float32Array {
  const [n, steps] = ids.shape;
  const out = tf.tidy(() => {
    const table = tf.tensor2d(f32(w.embedding), w.embedding.shape as [number, number]);
    const ix = tf.tensor2d(Int32Array.from(ids.data), [n, steps], "int32");
    const dense = (h: TF.Tensor) => tf.add(tf.matMul(h, tf.tensor2d(f32(w.denseW), w.denseW.shape as [number, number])), tf.tensor1d(f32(w.denseB)));
    if (mistake.meanPooled) {
      const mask = tf.cast(tf.notEqual(ix, 0), "float32").expandDims(2);
      const summed = tf.sum(tf.mul(tf.gather(table, ix), mask), 1);
      return dense(tf.div(summed, tf.maximum(tf.sum(mask, 1), 1)));
    }
    const lstm = (rows: TF.Tensor, h0: TF.Tensor, c0: TF.Tensor) => runLstm(tf, w, table, rows, h0, c0, mistake);
    const H = w.wh.shape[0];
    if (!mistake.carried) return dense(lstm(ix, tf.zeros([n, H]), tf.zeros([n, H])).h);
    let h = tf.zeros([1, H]);
    let c = tf.zeros([1, H]);
    const hs: TF.Tensor[] = [];
    for (let r = 0; r < n; r++) {
      ({ h, c } = lstm(ix.slice([r, 0], [1, steps]), h, c));
      hs.push(h);
    }
    return dense(tf.concat(hs, 0));
  });
  const z = out.dataSync() as Float32Array;
  out.dispose();
  return z;
}

function runLstm(tf: Tf, w: TextWeights, table: TF.Tensor, ix: TF.Tensor, h0: TF.Tensor, c0: TF.Tensor, mistake: ForwardMistake): { h: TF.Tensor; c: TF.Tensor } {
  const [n, steps] = ix.shape;
  const wx = tf.tensor2d(f32(w.wx), w.wx.shape as [number, number]);
  const wh = tf.tensor2d(f32(w.wh), w.wh.shape as [number, number]);
  const b = tf.tensor1d(f32(w.b));
  let h = h0;
  let c = c0;
  for (let t = 0; t < steps; t++) {
    const id = ix.slice([0, t], [n, 1]).reshape([n]);
    const z = tf.add(tf.add(tf.matMul(tf.gather(table, id), wx), tf.matMul(h, wh)), b);
    const [zi, zf, z3, z4] = tf.split(z, 4, 1);
    const [zg, zo] = mistake.cs231nGates ? [z4, z3] : [z3, z4];
    const cNew = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
    const hNew = tf.mul(tf.sigmoid(zo), tf.tanh(cNew));
    if (mistake.unmasked) {
      h = hNew;
      c = cNew;
    } else {
      const live = tf.notEqual(id, 0).reshape([n, 1]).tile([1, h.shape[1] as number]);
      h = tf.where(live, hNew, h);
      c = tf.where(live, cNew, c);
    }
  }
  return { h, c };
}
