import { describe, expect, it } from "vitest";
import { Tensor, asTensor, isTensor } from "./tensor.ts";

describe("Tensor constructor", () => {
  it("wraps row-major data", () => {
    const t = new Tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
  });

  it("uses a Float64Array without copying and copies number[]", () => {
    const buf = new Float64Array([1, 2]);
    expect(new Tensor(buf, [2]).data).toBe(buf);
    const arr = [1, 2];
    const t = new Tensor(arr, [2]);
    arr[0] = 9;
    expect(t.data[0]).toBe(1);
  });

  it("supports scalars and empty tensors", () => {
    const s = new Tensor([7], []);
    expect(s.size).toBe(1);
    expect(s.ndim).toBe(0);
    const e = new Tensor([], [3, 0]);
    expect(e.size).toBe(0);
    expect(e.shape).toEqual([3, 0]);
  });

  it("copies and freezes the shape", () => {
    const shape = [2, 2];
    const t = new Tensor([1, 2, 3, 4], shape);
    shape[0] = 5;
    expect(t.shape).toEqual([2, 2]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(() => (t.shape as number[]).push(1)).toThrow();
  });

  it("validates lengths, shapes and values", () => {
    expect(() => new Tensor([1, 2, 3], [2, 2])).toThrow(/^Error in Tensor: data has 3 elements but shape \[2,2\] needs 4$/);
    expect(() => new Tensor([], [])).toThrow(/data has 0 elements but shape \[\] needs 1/);
    expect(() => new Tensor([1], [-1])).toThrow(/^Error in Tensor: shape must be an array of non-negative integers/);
    expect(() => new Tensor([1, "a" as unknown as number], [2])).toThrow(
      /^Error in Tensor: data must contain only numbers, but data\[1\] is string$/,
    );
    expect(() => new Tensor(new Float32Array(2) as unknown as Float64Array, [2])).toThrow(
      /data must be a Float64Array or number\[\], but got Float32Array/,
    );
  });
});

describe("element access", () => {
  const t = new Tensor([1, 2, 3, 4, 5, 6], [2, 3]);

  it("gets elements, including negative indices", () => {
    expect(t.get(0, 0)).toBe(1);
    expect(t.get(1, 2)).toBe(6);
    expect(t.get(-1, -1)).toBe(6);
    expect(t.get(-2, 1)).toBe(2);
    expect(new Tensor([5], []).get()).toBe(5);
  });

  it("validates indices", () => {
    expect(() => t.get(2, 0)).toThrow(/^Error in get: index 2 is out of bounds for axis 0 with size 2$/);
    expect(() => t.get(0, -4)).toThrow(/index -4 is out of bounds for axis 1 with size 3/);
    expect(() => t.get(0)).toThrow(/^Error in get: expected 2 indices for shape \[2,3\], but got 1$/);
    expect(() => t.get(0.5, 0)).toThrow(/index 0.5 is out of bounds/);
  });

  it("sets elements in place", () => {
    const u = t.clone();
    u.set(10, 1, 0);
    u.set(11, -1, -1);
    expect(Array.from(u.data)).toEqual([1, 2, 3, 10, 5, 11]);
    expect(t.get(1, 0)).toBe(4);
    expect(() => u.set(1, 5, 0)).toThrow(/^Error in set: index 5 is out of bounds/);
    expect(() => u.set("x" as unknown as number, 0, 0)).toThrow(/^Error in set: value must be a number/);
  });

  it("clones deeply", () => {
    const c = t.clone();
    expect(c).not.toBe(t);
    expect(c.data).not.toBe(t.data);
    expect(c.shape).toEqual(t.shape);
    expect(Array.from(c.data)).toEqual(Array.from(t.data));
  });
});

describe("conversions", () => {
  it("toArray builds nested arrays", () => {
    expect(new Tensor([1, 2, 3, 4, 5, 6], [2, 3]).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(new Tensor([1, 2], [2, 1, 1]).toArray()).toEqual([[[1]], [[2]]]);
    expect(new Tensor([5], []).toArray()).toBe(5);
    expect(new Tensor([], [2, 0]).toArray()).toEqual([[], []]);
    expect(new Tensor([], [0, 2]).toArray()).toEqual([]);
  });

  it("item returns the only element", () => {
    expect(new Tensor([4], []).item()).toBe(4);
    expect(new Tensor([4], [1, 1]).item()).toBe(4);
    expect(() => new Tensor([1, 2], [2]).item()).toThrow(
      /^Error in item: only tensors with exactly one element can be converted to a number, but got shape \[2\]$/,
    );
  });

  it("toString is numpy-like", () => {
    expect(String(new Tensor([1, 2, 3, 4], [2, 2]))).toBe("tensor([[1, 2],\n        [3, 4]])");
    expect(`${new Tensor([2], [])}`).toBe("tensor(2)");
  });

  it("toJSON round-trips through asTensor", () => {
    const t = new Tensor([1, 2, 3, 4], [2, 2]);
    const json = JSON.stringify(t);
    expect(json).toBe('{"shape":[2,2],"data":[1,2,3,4]}');
    const back = asTensor(JSON.parse(json) as { shape: number[]; data: number[] });
    expect(back.shape).toEqual([2, 2]);
    expect(Array.from(back.data)).toEqual([1, 2, 3, 4]);
  });
});

describe("isTensor / asTensor", () => {
  it("isTensor is instanceof", () => {
    expect(isTensor(new Tensor([1], []))).toBe(true);
    expect(isTensor({ shape: [1], data: [1] })).toBe(false);
    expect(isTensor(1)).toBe(false);
    expect(isTensor(null)).toBe(false);
  });

  it("returns tensors unchanged and converts numbers and {shape, data}", () => {
    const t = new Tensor([1], [1]);
    expect(asTensor(t)).toBe(t);
    const s = asTensor(3);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(3);
    const src = new Float32Array([1, 2]);
    const p = asTensor({ shape: [2], data: src });
    expect(isTensor(p)).toBe(true);
    expect(Array.from(p.data)).toEqual([1, 2]);
    src[0] = 9;
    expect(p.data[0]).toBe(1);
  });

  it("reports bad arguments with the op and argument name", () => {
    expect(() => asTensor("hi" as never, "x", "tensor")).toThrow(
      /^Error in tensor: argument 'x' must be a Tensor or \{shape, data\}, but got string$/,
    );
    expect(() => asTensor(null as never, "b", "add")).toThrow(/^Error in add: argument 'b' .* but got null$/);
    expect(() => asTensor(undefined as never)).toThrow(/^Error in asTensor: argument 'x' .* but got undefined$/);
    expect(() => asTensor([1, 2] as never)).toThrow(/but got array/);
    expect(() => asTensor({ shape: [3], data: [1, 2] }, "a", "mul")).toThrow(
      /^Error in mul: argument 'a' has 2 data elements but shape \[3\] needs 3$/,
    );
    expect(() => asTensor({ shape: [-1], data: [] }, "a", "mul")).toThrow(/^Error in mul: a.shape must be/);
    expect(() => asTensor({ shape: [1], data: [null] } as never, "a", "mul")).toThrow(/data\[0\] is null/);
  });
});
