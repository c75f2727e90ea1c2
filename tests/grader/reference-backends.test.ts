// The reference engine: tfjs on wasm and on cpu agree within the tolerance the checks use.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { Rng, randn } from "../../lib/nd/index.ts";
import { referenceForward, referenceGrads } from "../../lib/checks/reference.ts";
import { isClose } from "../../lib/checks/tolerance.ts";
import { VS_TFJS } from "../../lib/checks/tolerance.ts";
import type { Tf } from "../../lib/checks/tf.ts";

function maxViolation(a: Float64Array, b: Float64Array): number {
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!isClose(a[i], b[i], { rtol: VS_TFJS.rtol / 10, atol: VS_TFJS.atol / 10 })) bad++;
  return bad;
}

describe("reference backends", () => {
  it("wasm and cpu agree (10x tighter than the checks' tolerance) on matmul, conv2d, softmax and their gradients", async () => {
    const rng = new Rng(42);
    const x = randn([4, 8, 8, 3], rng);
    const w = randn([3, 3, 3, 5], rng);
    const dyConv = randn([4, 4, 4, 5], rng);
    const a = randn([16, 32], rng);
    const b = randn([32, 10], rng);
    const dyDense = randn([16, 10], rng);
    const conv = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same");
    const dense = (a: tf.Tensor, b: tf.Tensor) => tf.softmax(tf.matMul(a, b));
    const results: Record<string, Float64Array[]> = {};
    for (const backend of ["wasm", "cpu"]) {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
      const t = tf as unknown as Tf;
      results[backend] = [
        referenceForward(t, conv, [x, w]).data,
        ...referenceGrads(t, conv, [x, w], dyConv).map((g) => g.data),
        referenceForward(t, dense, [a, b]).data,
        ...referenceGrads(t, dense, [a, b], dyDense).map((g) => g.data),
      ];
    }
    expect(results.wasm).toHaveLength(6);
    results.wasm.forEach((arr, i) => expect(maxViolation(arr, results.cpu[i])).toBe(0));
  });
});

// tfjs-wasm 4.22 defects that exercise references work around (see exercises/03-layers/conv2d,
// max-pool, embedding). If one of these starts failing, tfjs fixed it: simplify the workaround.
describe("known tfjs-wasm defects the references work around", () => {
  async function on<T>(backend: string, fn: () => T): Promise<T> {
    await tf.setBackend(backend);
    await tf.ready();
    return fn();
  }

  it("conv2d 'same' with stride 2 returns zeros where cpu does not", async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 3, 2, 1]);
    const w = tf.tensor4d([10, 20, 30], [3, 1, 1, 1]);
    const run = () => Array.from(tf.conv2d(x, w, 2, "same").dataSync());
    expect(await on("cpu", run)).not.toEqual([0, 0]);
    expect(await on("wasm", run)).toEqual([0, 0]);
  });

  it("the conv2d filter gradient and the gather gradient have no wasm kernel", async () => {
    await on("wasm", () => {
      const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
      expect(() => tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, 1, "valid").sum())(tf.ones([2, 2, 1, 1]))).toThrow(/Conv2DBackpropFilter/);
      expect(() => tf.grad((t: tf.Tensor) => tf.gather(t, [0, 0]).sum())(tf.ones([3, 2]))).toThrow(/UnsortedSegmentSum/);
    });
  });
});
