import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tensor } from "./create.ts";
import { dot, matmul, outer } from "./linalg.ts";
import { Rng, randn } from "./random.ts";
import { Tensor } from "./tensor.ts";
import { broadcastPairArb, sampleValues } from "./test-helpers.ts";
import { flatToIndex, indexToFlat, shapeSize, stridesOf } from "./util.ts";

/** Naive numpy-matmul reference: per output element, a plain loop over k. */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; data: number[] } {
  const as = a.ndim === 1 ? [1, a.shape[0]!] : a.shape.slice();
  const bs = b.ndim === 1 ? [b.shape[0]!, 1] : b.shape.slice();
  const n = as.at(-2)!;
  const k = as.at(-1)!;
  const m = bs.at(-1)!;
  const ba = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const nb = Math.max(ba.length, bb.length);
  const batch = Array.from({ length: nb }, (_, i) => {
    const da = ba[i - (nb - ba.length)] ?? 1;
    const db = bb[i - (nb - bb.length)] ?? 1;
    return da === 1 ? db : da;
  });
  const data: number[] = [];
  for (let t = 0; t < shapeSize(batch); t++) {
    const idx = flatToIndex(t, batch);
    const ia = idx.slice(nb - ba.length).map((v, i) => (ba[i] === 1 ? 0 : v));
    const ib = idx.slice(nb - bb.length).map((v, i) => (bb[i] === 1 ? 0 : v));
    const offA = indexToFlat(ia, stridesOf(ba)) * n * k;
    const offB = indexToFlat(ib, stridesOf(bb)) * k * m;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[offA + i * k + p]! * b.data[offB + p * m + j]!;
        data.push(s);
      }
    }
  }
  const shape = [...batch];
  if (a.ndim > 1) shape.push(n);
  if (b.ndim > 1) shape.push(m);
  return { shape, data };
}

describe("matmul", () => {
  it("multiplies 2-D matrices", () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(matmul(a, b).toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
  });

  it("follows numpy for 1-D operands", () => {
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    const v = tensor([1, 10]);
    expect(matmul(v, m).toArray()).toEqual([31, 42]);
    expect(matmul(m, v).toArray()).toEqual([21, 43]);
    const s = matmul(v, v);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(101);
  });

  it("batches with broadcasting", () => {
    const a = new Tensor(sampleValues(2 * 3 * 4), [2, 3, 4]);
    const b = new Tensor(sampleValues(4 * 5, 1), [4, 5]);
    expect(matmul(a, b).shape).toEqual([2, 3, 5]);
    expect(Array.from(matmul(a, b).data)).toEqual(naiveMatmul(a, b).data);
    const c = new Tensor(sampleValues(2 * 4 * 5, 2), [2, 4, 5]);
    expect(matmul(a, c).shape).toEqual([2, 3, 5]);
    expect(matmul(new Tensor(sampleValues(3 * 1 * 2 * 4), [3, 1, 2, 4]), new Tensor(sampleValues(5 * 4 * 6), [5, 4, 6])).shape).toEqual([
      3, 5, 2, 6,
    ]);
    expect(matmul(a, tensor([1, 1, 1, 1])).shape).toEqual([2, 3]);
    expect(matmul(tensor([1, 1, 1]), a).shape).toEqual([2, 4]);
  });

  it("handles empty and zero-inner dimensions", () => {
    expect(matmul(tensor([[], []]), new Tensor([], [0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matmul(new Tensor([], [0, 3]), new Tensor(sampleValues(6), [3, 2])).shape).toEqual([0, 2]);
    expect(matmul(new Tensor([], [2, 0, 3]), new Tensor(sampleValues(6), [3, 2])).shape).toEqual([2, 0, 2]);
  });

  it("propagates NaN and Infinity", () => {
    const out = matmul(tensor([[NaN, 1], [0, Infinity]]), tensor([[0], [1]]));
    expect(Array.from(out.data)).toEqual([NaN, Infinity]);
  });

  it("reports mismatched dimensions", () => {
    expect(() => matmul(new Tensor(sampleValues(6), [2, 3]), new Tensor(sampleValues(20), [4, 5]))).toThrow(
      /^Error in matmul: inner dimensions must match, but got \[2,3\] and \[4,5\]$/,
    );
    expect(() => matmul(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/inner dimensions must match, but got \[2\] and \[3\]/);
    expect(() => matmul(new Tensor(sampleValues(24), [2, 3, 4]), new Tensor(sampleValues(60), [3, 4, 5]))).toThrow(
      /^Error in matmul: batch dimensions \[2\] and \[3\] cannot be broadcast \(shapes \[2,3,4\] and \[3,4,5\]\)$/,
    );
    expect(() => matmul(2, tensor([1]))).toThrow(/^Error in matmul: operands must be at least 1-D \(use mul for scalars\), but got \[\] and \[1\]$/);
    expect(() => matmul(tensor([1]), "x" as never)).toThrow(/^Error in matmul: argument 'b' must be a Tensor/);
  });

  it("matches a naive triple loop exactly on random shapes (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 9 }),
        broadcastPairArb,
        fc.constantFrom("mm", "vm", "mv", "vv"),
        fc.integer(),
        (n, k, m, { a: ba, b: bb }, kind, s) => {
          const rng = new Rng(s);
          const aShape = kind[0] === "v" ? [k] : [...ba, n, k];
          const bShape = kind[1] === "v" ? [k] : [...bb, k, m];
          const a = randn(aShape, rng);
          const b = randn(bShape, rng);
          const ref = naiveMatmul(a, b);
          const out = matmul(a, b);
          expect(out.shape).toEqual(ref.shape);
          expect(Array.from(out.data)).toEqual(ref.data);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("is fast enough for an MNIST-sized layer", () => {
    const rng = new Rng(0);
    const x = randn([64, 784], rng);
    const w = randn([784, 128], rng);
    matmul(x, w);
    const t0 = performance.now();
    const y = matmul(x, w);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(y.shape).toEqual([64, 128]);
  });
});

describe("dot and outer", () => {
  it("dot of 1-D tensors is a scalar tensor", () => {
    expect(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
    expect(dot(tensor([]), tensor([])).shape).toEqual([]);
    expect(dot(tensor([]), tensor([])).item()).toBe(0);
    expect(() => dot(tensor([1, 2]), tensor([1]))).toThrow(
      /^Error in dot: expected two 1-D tensors of equal length \(use matmul for matrices\), but got \[2\] and \[1\]$/,
    );
    expect(() => dot(tensor([[1]]), tensor([1]))).toThrow(/but got \[1,1\] and \[1\]/);
  });

  it("outer builds a matrix", () => {
    expect(outer(tensor([1, 2]), tensor([10, 20, 30])).toArray()).toEqual([
      [10, 20, 30],
      [20, 40, 60],
    ]);
    expect(outer(tensor([]), tensor([1])).shape).toEqual([0, 1]);
    expect(() => outer(3, tensor([1]))).toThrow(/^Error in outer: expected two 1-D tensors, but got \[\] and \[1\]$/);
  });
});
