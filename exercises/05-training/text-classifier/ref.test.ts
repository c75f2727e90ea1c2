// The reference forward (ref.ts, tfjs ops) is what tf.layers computes: embedding with maskZero,
// an LSTM with sigmoid gates, a dense layer on its last output; and its mistakes differ from it.
import { describe, expect, it } from "vitest";
import { Rng, Tensor } from "../../../lib/nd/index.ts";
import { referenceTf } from "../../../grader/reference/tf.ts";
import { textLogitsTf, type TextWeights } from "./ref.ts";

const tf = await referenceTf();
const rng = new Rng(5);
const rand = (shape: number[], scale = 0.7) => new Tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);
const [V, D, H, N, T] = [9, 3, 4, 5, 6];
const w: TextWeights = { embedding: rand([V, D]), wx: rand([D, 4 * H]), wh: rand([H, 4 * H]), b: rand([4 * H], 0.3), denseW: rand([H, 2]), denseB: rand([2], 0.3) };
// Post-padded rows of lengths 6, 1, 3, 4, 2.
const lengths = [6, 1, 3, 4, 2];
const ids = new Tensor(Float64Array.from({ length: N * T }, (_, k) => (k % T < lengths[Math.floor(k / T)] ? 1 + rng.int(V - 1) : 0)), [N, T]);

describe("text-classifier's reference forward", () => {
  it("equals tf.layers: embedding({ maskZero }) → lstm({ recurrentActivation: sigmoid }) → dense", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: V, outputDim: D, maskZero: true, inputLength: T }),
        tf.layers.lstm({ units: H, recurrentActivation: "sigmoid" }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const t2 = (t: Tensor) => tf.tensor(Float32Array.from(t.data), t.shape);
    model.setWeights([t2(w.embedding), t2(w.wx), t2(w.wh), t2(w.b), t2(w.denseW), t2(w.denseB)]);
    const layers = model.predict(tf.tensor2d(Int32Array.from(ids.data), [N, T], "int32")) as ReturnType<typeof tf.tensor>;
    const got = textLogitsTf(tf, w, ids);
    const want = layers.dataSync();
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
  });

  it("each mistake changes the logits", () => {
    const ref = textLogitsTf(tf, w, ids);
    const sameDims: TextWeights = { ...w, embedding: rand([V, H]), wx: rand([H, 4 * H]) };
    for (const m of [{ unmasked: true }, { carried: true }, { cs231nGates: true }]) {
      const z = textLogitsTf(tf, w, ids, m);
      expect(Math.max(...z.map((v, i) => Math.abs(v - ref[i]))), JSON.stringify(m)).toBeGreaterThan(1e-2);
    }
    const pooled = textLogitsTf(tf, sameDims, ids, { meanPooled: true });
    const lstm = textLogitsTf(tf, sameDims, ids);
    expect(Math.max(...pooled.map((v, i) => Math.abs(v - lstm[i])))).toBeGreaterThan(1e-2);
  });
});
