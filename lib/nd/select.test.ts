import { describe, expect, it } from "vitest";
import { scalar, tensor, zeros } from "./create.ts";
import { concat, gather, pad, slice, stack } from "./select.ts";
import { Tensor } from "./tensor.ts";
import { sampleValues } from "./test-helpers.ts";

describe("slice", () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it("extracts blocks", () => {
    expect(slice(x, [0, 1], [2, 2]).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(slice(x, [1, 0], [1, -1]).toArray()).toEqual([[4, 5, 6]]);
    expect(slice(x, [-1, -2], [-1, -1]).toArray()).toEqual([[5, 6]]);
    expect(slice(x, [0, 3], [2, -1]).shape).toEqual([2, 0]);
    expect(slice(x, [1, 1], [0, 1]).shape).toEqual([0, 1]);
    expect(slice(scalar(4), [], []).item()).toBe(4);
    const t = new Tensor(sampleValues(60), [3, 4, 5]);
    const s = slice(t, [1, 1, 2], [2, 2, 3]);
    expect(s.get(1, 1, 2)).toBe(t.get(2, 2, 4));
  });

  it("validates arguments", () => {
    expect(() => slice(x, [0, 2], [2, 2])).toThrow(
      /^Error in slice: begin \[0,2\] with size \[2,2\] is out of bounds for shape \[2,3\] \(axis 1\)$/,
    );
    expect(() => slice(x, [0], [1])).toThrow(/^Error in slice: begin must have one integer per axis \(2 for shape \[2,3\]\), but got \[0\]$/);
    expect(() => slice(x, [0, 0], [1, -2])).toThrow(/^Error in slice: size must have one integer >= -1 per axis/);
    expect(() => slice(x, [3, 0], [-1, -1])).toThrow(/out of bounds/);
  });
});

describe("gather", () => {
  const x = tensor([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);

  it("selects along an axis", () => {
    expect(gather(x, [2, 0, 2]).toArray()).toEqual([
      [5, 6],
      [1, 2],
      [5, 6],
    ]);
    expect(gather(x, new Int32Array([1]), 1).toArray()).toEqual([[2], [4], [6]]);
    expect(gather(x, [-1], 0).toArray()).toEqual([[5, 6]]);
    expect(gather(x, []).shape).toEqual([0, 2]);
    expect(gather(tensor([10, 20, 30]), tensor([[0, 2], [1, 1]])).toArray()).toEqual([
      [10, 30],
      [20, 20],
    ]);
    expect(gather(x, tensor([[1]]), 1).shape).toEqual([3, 1, 1]);
  });

  it("validates indices", () => {
    expect(() => gather(x, [3])).toThrow(/^Error in gather: index 3 \(at position 0\) is out of bounds for axis 0 with size 3$/);
    expect(() => gather(x, [0.5])).toThrow(/index 0.5/);
    expect(() => gather(x, [0], 2)).toThrow(/^Error in gather: axis 2 is out of bounds/);
    expect(() => gather(scalar(1), [0])).toThrow(/^Error in gather: cannot gather from a scalar/);
    expect(() => gather(x, "0" as never)).toThrow(/^Error in gather: indices must be an Int32Array, number\[\] or Tensor, but got string$/);
  });
});

describe("concat / stack", () => {
  it("concatenates along an axis", () => {
    expect(concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(concat([tensor([[1], [2]]), tensor([[3, 4], [5, 6]])], 1).toArray()).toEqual([
      [1, 3, 4],
      [2, 5, 6],
    ]);
    expect(concat([tensor([1]), tensor([]), tensor([2, 3])]).toArray()).toEqual([1, 2, 3]);
    expect(concat([tensor([1, 2])]).toArray()).toEqual([1, 2]);
    const a = new Tensor(sampleValues(24), [2, 3, 4]);
    const b = new Tensor(sampleValues(12, 1), [2, 3, 2]);
    const c = concat([a, b], -1);
    expect(c.shape).toEqual([2, 3, 6]);
    expect(c.get(1, 2, 5)).toBe(b.get(1, 2, 1));
    expect(c.get(1, 2, 3)).toBe(a.get(1, 2, 3));
  });

  it("validates concat inputs", () => {
    expect(() => concat([tensor([[1, 2]]), tensor([[1, 2, 3]])])).toThrow(
      /^Error in concat: all shapes must match except on axis 0, but tensors\[0\] has shape \[1,2\] and tensors\[1\] has shape \[1,3\]$/,
    );
    expect(() => concat([])).toThrow(/^Error in concat: tensors must contain at least one tensor/);
    expect(() => concat([scalar(1), scalar(2)])).toThrow(/^Error in concat: cannot concatenate scalars/);
    expect(() => concat([tensor([1]), "x" as never])).toThrow(/^Error in concat: argument 'tensors\[1\]' must be a Tensor/);
    expect(() => concat(tensor([1]) as never)).toThrow(/^Error in concat: tensors must be an array of tensors, but got object$/);
  });

  it("stacks along a new axis", () => {
    expect(stack([tensor([1, 2]), tensor([3, 4])]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], -1).shape).toEqual([2, 2]);
    expect(stack([scalar(1), scalar(2)]).toArray()).toEqual([1, 2]);
    expect(() => stack([tensor([1, 2]), tensor([1])])).toThrow(
      /^Error in stack: all tensors must have the same shape, but tensors\[0\] has shape \[2\] and tensors\[1\] has shape \[1\]$/,
    );
    expect(() => stack([tensor([1])], 2)).toThrow(/^Error in stack: axis 2 is out of bounds/);
  });
});

describe("pad", () => {
  it("pads with a constant", () => {
    expect(pad(tensor([[1, 2]]), [
      [0, 0],
      [1, 2],
    ]).toArray()).toEqual([[0, 1, 2, 0, 0]]);
    expect(pad(tensor([1]), [[1, 1]], -1).toArray()).toEqual([-1, 1, -1]);
    expect(pad(tensor([[1]]), [
      [1, 1],
      [1, 1],
    ]).toArray()).toEqual([
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(pad(scalar(2), []).item()).toBe(2);
    expect(pad(zeros([0]), [[1, 0]], 5).toArray()).toEqual([5]);
  });

  it("validates paddings", () => {
    expect(() => pad(tensor([1]), [[1, -1]])).toThrow(
      /^Error in pad: paddings must be one \[before, after\] pair of non-negative integers per axis \(1 for shape \[1\]\), but got \[\[1,-1\]\]$/,
    );
    expect(() => pad(tensor([1]), [])).toThrow(/^Error in pad: paddings must be/);
  });
});
