import { describe, expect, it } from "vitest";
import { binaryOp, broadcastAll, unaryOp } from "./broadcast.ts";
import { Tensor } from "./tensor.ts";

describe("binaryOp", () => {
  it("uses the op name and argument names in errors", () => {
    expect(() => binaryOp("foo", new Tensor([1, 2], [2]), new Tensor([1, 2, 3], [3]), (x, y) => x + y)).toThrow(
      /^Error in foo: shapes \[2\] and \[3\] cannot be broadcast$/,
    );
    expect(() => binaryOp("foo", 1, "x" as never, (x, y) => x + y)).toThrow(/^Error in foo: argument 'b'/);
  });

  it("takes every fast path and the general path", () => {
    const f = (x: number, y: number): number => 10 * x + y;
    const a = new Tensor([1, 2, 3, 4], [2, 2]);
    expect(Array.from(binaryOp("f", a, a, f).data)).toEqual([11, 22, 33, 44]);
    expect(Array.from(binaryOp("f", a, 5, f).data)).toEqual([15, 25, 35, 45]);
    expect(Array.from(binaryOp("f", 5, a, f).data)).toEqual([51, 52, 53, 54]);
    expect(binaryOp("f", new Tensor([1], [1, 1, 1]), new Tensor([1, 2], [2]), f).shape).toEqual([1, 1, 2]);
    expect(binaryOp("f", new Tensor([1, 2], [2, 1]), new Tensor([1, 2, 3], [3]), f).toArray()).toEqual([
      [11, 12, 13],
      [21, 22, 23],
    ]);
  });
});

describe("unaryOp", () => {
  it("maps and keeps the shape", () => {
    const out = unaryOp("g", new Tensor([1, 2], [1, 2]), (x) => -x);
    expect(out.shape).toEqual([1, 2]);
    expect(Array.from(out.data)).toEqual([-1, -2]);
  });
});

describe("broadcastAll", () => {
  it("lays every input out in the common shape", () => {
    const { shape, arrays } = broadcastAll("h", [
      new Tensor([1, 2], [2, 1]),
      new Tensor([1, 2, 3], [3]),
      new Tensor([7], []),
      new Tensor([1, 2, 3, 4, 5, 6], [1, 2, 3]),
    ]);
    expect(shape).toEqual([1, 2, 3]);
    expect(arrays.map((a) => Array.from(a))).toEqual([
      [1, 1, 1, 2, 2, 2],
      [1, 2, 3, 1, 2, 3],
      [7, 7, 7, 7, 7, 7],
      [1, 2, 3, 4, 5, 6],
    ]);
  });

  it("handles empty results", () => {
    const { shape, arrays } = broadcastAll("h", [new Tensor([1, 2], [2, 1]), new Tensor([], [0])]);
    expect(shape).toEqual([2, 0]);
    expect(arrays.every((a) => a.length === 0)).toBe(true);
  });
});
