import { describe, expect, it } from "vitest";
import { tensor, zeros } from "./create.ts";
import { argmax, argmin, max, mean, min, sum } from "./reduce.ts";
import { Tensor } from "./tensor.ts";
import { sampleValues } from "./test-helpers.ts";

const arr = (t: Tensor): number[] => Array.from(t.data);
const x = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);

describe("sum and mean", () => {
  it("reduce everything to a scalar by default", () => {
    expect(sum(x).shape).toEqual([]);
    expect(sum(x).item()).toBe(21);
    expect(mean(x).item()).toBe(3.5);
    expect(sum(7).item()).toBe(7);
  });

  it("reduce along an axis, negative axes too", () => {
    expect(arr(sum(x, 0))).toEqual([5, 7, 9]);
    expect(arr(sum(x, 1))).toEqual([6, 15]);
    expect(arr(sum(x, -1))).toEqual([6, 15]);
    expect(arr(mean(x, 0))).toEqual([2.5, 3.5, 4.5]);
    const t = new Tensor(sampleValues(24), [2, 3, 4]);
    const s = sum(t, 1);
    expect(s.shape).toEqual([2, 4]);
    expect(s.get(1, 2)).toBe(t.get(1, 0, 2) + t.get(1, 1, 2) + t.get(1, 2, 2));
  });

  it("keepDims keeps a size-1 axis", () => {
    expect(sum(x, 1, true).toArray()).toEqual([[6], [15]]);
    expect(sum(x, 0, true).shape).toEqual([1, 3]);
    expect(sum(x, undefined, true).shape).toEqual([1, 1]);
    expect(mean(x, undefined, true).toArray()).toEqual([[3.5]]);
  });

  it("handle empty tensors like numpy", () => {
    expect(sum(zeros([0])).item()).toBe(0);
    expect(arr(sum(zeros([0, 3]), 0))).toEqual([0, 0, 0]);
    expect(sum(zeros([0, 3]), 1).shape).toEqual([0]);
    expect(Number.isNaN(mean(zeros([0])).item())).toBe(true);
  });

  it("validate arguments", () => {
    expect(() => sum(x, 2)).toThrow(/^Error in sum: axis 2 is out of bounds for a tensor with 2 dimensions$/);
    expect(() => mean(x, 0.5)).toThrow(/^Error in mean: axis must be an integer, but got 0.5$/);
    expect(() => sum(7, 0)).toThrow(/axis 0 is out of bounds for a tensor with 0 dimensions/);
    expect(() => sum(x, 0, 1 as never)).toThrow(/^Error in sum: keepDims must be a boolean, but got number$/);
    expect(() => sum("x" as never)).toThrow(/^Error in sum: argument 't' must be a Tensor/);
  });
});

describe("max and min", () => {
  it("find extremes", () => {
    const t = tensor([
      [1, 5],
      [7, 2],
    ]);
    expect(max(t).item()).toBe(7);
    expect(min(t).item()).toBe(1);
    expect(arr(max(t, 1))).toEqual([5, 7]);
    expect(arr(min(t, 0))).toEqual([1, 2]);
    expect(max(t, -1, true).toArray()).toEqual([[5], [7]]);
    expect(max(tensor([-Infinity, -5])).item()).toBe(-5);
  });

  it("propagate NaN", () => {
    expect(max(tensor([1, NaN, 3])).item()).toBeNaN();
    expect(arr(min(tensor([[NaN, 1], [2, 0]]), 0))).toEqual([NaN, 0]);
  });

  it("throw on empty reductions", () => {
    expect(() => max(zeros([0]))).toThrow(/^Error in max: cannot reduce an empty tensor \(shape \[0\]\): there is no identity for max$/);
    expect(() => min(zeros([2, 0]), 1)).toThrow(/^Error in min: cannot reduce an empty tensor along axis 1 \(shape \[2,0\]\)/);
    expect(max(zeros([0, 2]), 1).shape).toEqual([0]);
  });
});

describe("argmax and argmin", () => {
  it("return integer indices as a tensor", () => {
    const logits = tensor([
      [0.1, 2, 0.3],
      [5, 1, 0],
    ]);
    expect(argmax(logits, 1)).toBeInstanceOf(Tensor);
    expect(arr(argmax(logits, 1))).toEqual([1, 0]);
    expect(arr(argmax(logits, 0))).toEqual([1, 0, 0]);
    expect(argmax(logits).item()).toBe(3);
    expect(arr(argmin(logits, -1))).toEqual([0, 2]);
    expect(argmin(logits).item()).toBe(5);
    expect(argmax(logits, 1, true).shape).toEqual([2, 1]);
  });

  it("prefer the first occurrence and treat NaN as extreme", () => {
    expect(argmax(tensor([3, 1, 3])).item()).toBe(0);
    expect(argmin(tensor([1, 0, 0])).item()).toBe(1);
    expect(argmax(tensor([1, NaN, 5, NaN])).item()).toBe(1);
    expect(argmin(tensor([1, NaN, -5])).item()).toBe(1);
  });

  it("throw on empty reductions", () => {
    expect(() => argmax(zeros([0]))).toThrow(/^Error in argmax: cannot reduce an empty tensor/);
    expect(() => argmin(zeros([3, 0]), -1)).toThrow(/^Error in argmin: cannot reduce an empty tensor along axis -1/);
  });
});
