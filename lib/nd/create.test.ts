import { describe, expect, it } from "vitest";
import { arange, eye, full, linspace, ones, onesLike, scalar, tensor, zeros, zerosLike } from "./create.ts";
import { Tensor } from "./tensor.ts";

const arr = (t: Tensor): number[] => Array.from(t.data);

describe("tensor", () => {
  it("infers shapes from nested arrays", () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(arr(t)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensor([[[1], [2]]]).shape).toEqual([1, 2, 1]);
  });

  it("handles scalars and empty arrays", () => {
    expect(tensor(5).shape).toEqual([]);
    expect(tensor(5).item()).toBe(5);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it("accepts typed arrays, also nested", () => {
    expect(tensor(new Float64Array([1, 2])).shape).toEqual([2]);
    expect(tensor(new Int32Array([1, 2, 3, 4]), [2, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor([new Float32Array([1, 2]), new Float32Array([3, 4])]).shape).toEqual([2, 2]);
  });

  it("copies its input", () => {
    const src = new Float64Array([1, 2]);
    const t = tensor(src);
    src[0] = 9;
    expect(t.data[0]).toBe(1);
  });

  it("reshapes flat or nested values to a given shape", () => {
    expect(tensor([1, 2, 3, 4, 5, 6], [3, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(tensor([[1, 2, 3, 4]], [2, 2]).shape).toEqual([2, 2]);
    expect(tensor(7, [1, 1]).shape).toEqual([1, 1]);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/^Error in tensor: 3 values cannot fill shape \[2,2\] \(4 elements\)$/);
    expect(() => tensor(7, [2])).toThrow(/1 value cannot fill shape \[2\]/);
    expect(() => tensor([1], [-1])).toThrow(/^Error in tensor: shape must be/);
  });

  it("rejects ragged arrays with the position of the problem", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      /^Error in tensor: ragged nested array: expected length 2 at \[1\] \(like the first element\), but got length 1$/,
    );
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/ragged nested array: expected an array of length 2 at \[1\], but got a number/);
    expect(() => tensor([1, [2]] as never)).toThrow(/ragged nested array: expected a number at \[1\], but got an array/);
    expect(() => tensor([[[1], [2]], [[3], [4, 5]]])).toThrow(/at \[1,1\]/);
  });

  it("rejects non-numbers", () => {
    expect(() => tensor([1, "2"] as never)).toThrow(/^Error in tensor: expected a number at \[1\], but got string$/);
    expect(() => tensor("x" as never)).toThrow(
      /^Error in tensor: argument 'values' must be a number, nested number arrays or a typed array, but got string$/,
    );
    expect(() => tensor(null as never)).toThrow(/but got null/);
  });
});

describe("constant fills", () => {
  it("scalar", () => {
    expect(scalar(2.5).shape).toEqual([]);
    expect(scalar(2.5).item()).toBe(2.5);
    expect(() => scalar("1" as never)).toThrow(/^Error in scalar: argument 'value' must be a number, but got string$/);
  });

  it("zeros, ones, full", () => {
    expect(zeros([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2, 2], 7).toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(full([], 3).shape).toEqual([]);
    expect(zeros([0, 4]).size).toBe(0);
    expect(() => zeros([2.5])).toThrow(/^Error in zeros: shape must be an array of non-negative integers, but got \[2.5\]$/);
    expect(() => ones(3 as never)).toThrow(/^Error in ones: shape must be/);
    expect(() => full([2], "x" as never)).toThrow(/^Error in full: argument 'value' must be a number/);
  });

  it("zerosLike and onesLike copy the shape only", () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(zerosLike(t).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(onesLike(t).shape).toEqual([2, 2]);
    expect(onesLike(3).shape).toEqual([]);
    expect(zerosLike({ shape: [2], data: [5, 5] }).toArray()).toEqual([0, 0]);
    expect(() => zerosLike("a" as never)).toThrow(/^Error in zerosLike: argument 't' must be a Tensor/);
  });
});

describe("ranges", () => {
  it("arange follows numpy", () => {
    expect(arr(arange(4))).toEqual([0, 1, 2, 3]);
    expect(arr(arange(1, 3))).toEqual([1, 2]);
    expect(arr(arange(0, 1, 0.25))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arr(arange(3, 0, -1))).toEqual([3, 2, 1]);
    expect(arr(arange(0, 5, 2))).toEqual([0, 2, 4]);
    expect(arange(3, 0).shape).toEqual([0]);
    expect(arange(0).shape).toEqual([0]);
    expect(() => arange(0, 1, 0)).toThrow(/^Error in arange: start, stop and step must be finite and step non-zero/);
    expect(() => arange(0, Infinity)).toThrow(/Error in arange/);
    expect(() => arange("3" as never)).toThrow(/^Error in arange: argument 'start' must be a number/);
  });

  it("linspace includes both ends", () => {
    expect(arr(linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(arr(linspace(2, 3, 1))).toEqual([2]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(linspace(0, 0.3, 7).data[6]).toBe(0.3);
    expect(() => linspace(0, 1, -1)).toThrow(/^Error in linspace: argument 'n' must be a non-negative integer, but got -1$/);
  });

  it("eye is the identity", () => {
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(0).shape).toEqual([0, 0]);
    expect(() => eye(1.5)).toThrow(/^Error in eye: argument 'n' must be a non-negative integer, but got 1.5$/);
  });
});
