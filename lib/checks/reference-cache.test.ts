import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { Tensor } from "../nd/index.ts";
import { cachedReference, keptAcrossGrades } from "./reference-cache.ts";
import { referenceForward, referenceGrads, sameForwardFor, type TfForward } from "./reference.ts";
import type { Tf } from "./tf.ts";

const t = (data: number[], shape = [data.length]) => new Tensor(Float64Array.from(data), shape);

/** A reference function and how many times it really computed. */
function counted() {
  const owner = { calls: 0 };
  const compute = (x: Tensor) => () => {
    owner.calls++;
    return t(x.data.map((v) => 2 * v) as unknown as number[], x.shape.slice());
  };
  return { owner, run: (x: Tensor) => cachedReference(owner, [x], compute(x)) };
}

describe("cachedReference", () => {
  it("keeps a value only for inputs seen twice, then computes nothing for them", () => {
    const { owner, run } = counted();
    const x = t([1, 2, 3]);
    expect(run(x).data).toEqual(Float64Array.from([2, 4, 6]));
    expect(run(t([1, 2, 3])).data).toEqual(Float64Array.from([2, 4, 6]));
    expect(owner.calls).toBe(2);
    expect(run(t([1, 2, 3])).data).toEqual(Float64Array.from([2, 4, 6]));
    expect(run(t([1, 2, 3])).data).toEqual(Float64Array.from([2, 4, 6]));
    expect(owner.calls).toBe(2);
  });

  it("inputs seen once (a hidden case's) are computed every time and never served", () => {
    const { owner, run } = counted();
    for (let i = 0; i < 5; i++) run(t([i, i + 0.5]));
    expect(owner.calls).toBe(5);
    expect(run(t([7, 7.5])).data).toEqual(Float64Array.from([14, 15]));
    expect(owner.calls).toBe(6);
  });

  it("any difference in the inputs (a number, -0, a shape, another owner) is another entry", () => {
    const { owner, run } = counted();
    for (let i = 0; i < 3; i++) run(t([0, 1, 2, 3], [2, 2]));
    expect(owner.calls).toBe(2);
    run(t([0, 1, 2, 3.0000001], [2, 2]));
    run(t([-0, 1, 2, 3], [2, 2]));
    run(t([0, 1, 2, 3], [4]));
    expect(owner.calls).toBe(5);
    const other = counted();
    other.run(t([0, 1, 2, 3], [2, 2]));
    expect(other.owner.calls).toBe(1);
  });

  it("gives every caller its own copy (a check may modify what it receives)", () => {
    const { run } = counted();
    for (let i = 0; i < 3; i++) run(t([1, 2]));
    const a = run(t([1, 2]));
    a.data[0] = 999;
    expect(run(t([1, 2])).data).toEqual(Float64Array.from([2, 4]));
  });

  it("computes every time for inputs that are not plain data", () => {
    let calls = 0;
    const owner = {};
    class Box {
      v = 1;
    }
    for (let i = 0; i < 4; i++) cachedReference(owner, [new Box()], () => ++calls);
    expect(calls).toBe(4);
  });

  it("keeps nested runs (objects, arrays of tensors, strings) by content", () => {
    let calls = 0;
    const owner = {};
    const run = () => ({ kind: "adam", p0: [t([1])], grads: [[t([0.5])], [t([0.25])]], hs: [{ lr: 0.1 }, { lr: 0.1 }] });
    const compute = () => (calls++, [[t([1])], [t([0.9])]]);
    for (let i = 0; i < 4; i++) expect(cachedReference(owner, [run()], compute)[1]![0]!.data[0]).toBeCloseTo(0.9);
    expect(calls).toBe(2);
    cachedReference(owner, [{ ...run(), kind: "sgd" }], compute);
    expect(calls).toBe(3);
  });
});

describe("referenceForward and referenceGrads across grades", () => {
  const tfjs = tf as unknown as Tf;
  const dense: TfForward = (x, w) => x.matMul(w);

  it("serve a repeated case with the values tfjs computes", async () => {
    await tf.setBackend("cpu");
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const w = t([1, 0, -1, 2, 0.5, 0.25], [3, 2]);
    const dy = t([1, -1, 0.5, 2], [2, 2]);
    const fresh = { out: referenceForward(tfjs, dense, [x, w]), grads: referenceGrads(tfjs, dense, [x, w], dy) };
    for (let i = 0; i < 3; i++) {
      expect(referenceForward(tfjs, dense, [x, w]).data).toEqual(fresh.out.data);
      const g = referenceGrads(tfjs, dense, [x, w], dy);
      expect(g.map((a) => [...a.data])).toEqual(fresh.grads.map((a) => [...a.data]));
      expect(g.map((a) => a.shape)).toEqual([[2, 3], [3, 2]]);
    }
    expect(fresh.out.data).toEqual(Float64Array.from([0.5, 4.75, 2, 11.5]));
  });
});

describe("keptAcrossGrades", () => {
  it("computes a case seen twice once more at most, per backend", () => {
    let calls = 0;
    let backend = "wasm";
    const fakeTf = { getBackend: () => backend } as unknown as Tf;
    const sum = keptAcrossGrades((_tf: Tf, c: { x: Tensor; labels: Int32Array }) => (calls++, c.x.data.reduce((a, b) => a + b, 0) + c.labels.length));
    const c = () => ({ x: t([1, 2]), labels: Int32Array.from([0, 1, 1]) });
    for (let i = 0; i < 4; i++) expect(sum(fakeTf, c())).toBe(6);
    expect(calls).toBe(2);
    backend = "cpu";
    expect(sum(fakeTf, c())).toBe(6);
    expect(calls).toBe(3);
  });
});

describe("sameForwardFor", () => {
  it("makes one function per tf and parameters, so that references made with it are found again", () => {
    let made = 0;
    const scaled = sameForwardFor((_tf: Tf, k: number, mode: string) => {
      made++;
      return (x) => x.mul(k + mode.length);
    });
    const tfA = {} as Tf;
    const tfB = {} as Tf;
    expect(scaled(tfA, 2, "a")).toBe(scaled(tfA, 2, "a"));
    expect(scaled(tfA, 2, "a")).not.toBe(scaled(tfA, 3, "a"));
    expect(scaled(tfA, 2, "a")).not.toBe(scaled(tfA, 2, "b "));
    expect(scaled(tfA, 2, "a")).not.toBe(scaled(tfB, 2, "a"));
    expect(made).toBe(4);
  });
});
