import { describe, expect, it } from "vitest";
import { allclose, equal, greater, greaterEqual, less, lessEqual, where } from "./compare.ts";
import { tensor } from "./create.ts";
import { Tensor } from "./tensor.ts";

const arr = (t: Tensor): number[] => Array.from(t.data);

describe("comparisons", () => {
  const x = tensor([-1, 0, 2, NaN]);

  it("return 0/1 masks", () => {
    expect(arr(greater(x, 0))).toEqual([0, 0, 1, 0]);
    expect(arr(greaterEqual(x, 0))).toEqual([0, 1, 1, 0]);
    expect(arr(less(x, 0))).toEqual([1, 0, 0, 0]);
    expect(arr(lessEqual(x, 0))).toEqual([1, 1, 0, 0]);
    expect(arr(equal(x, tensor([-1, 1, 2, NaN])))).toEqual([1, 0, 1, 0]);
  });

  it("broadcast", () => {
    expect(greater(tensor([[1], [3]]), tensor([0, 2, 4])).toArray()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
    ]);
    expect(() => equal(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      /^Error in equal: shapes \[2\] and \[3\] cannot be broadcast$/,
    );
  });
});

describe("where", () => {
  it("selects by a non-zero condition", () => {
    expect(arr(where(tensor([1, 0, -2, NaN]), tensor([1, 2, 3, 4]), 0))).toEqual([1, 0, 3, 4]);
  });

  it("broadcasts all three operands", () => {
    const out = where(tensor([[1], [0]]), tensor([1, 2, 3]), tensor([[10], [20]]));
    expect(out.toArray()).toEqual([
      [1, 2, 3],
      [20, 20, 20],
    ]);
    expect(where(1, 2, 3).shape).toEqual([]);
    expect(where(tensor([]), 1, 2).shape).toEqual([0]);
  });

  it("validates", () => {
    expect(() => where(tensor([1, 0]), tensor([1, 2, 3]), 0)).toThrow(
      /^Error in where: shapes \[2\], \[3\] and \[\] cannot be broadcast$/,
    );
    expect(() => where("a" as never, 1, 2)).toThrow(/^Error in where: argument 'cond' must be a Tensor/);
  });
});

describe("allclose", () => {
  it("uses |a - b| <= atol + rtol * |b|", () => {
    expect(allclose(tensor([1, 2]), tensor([1, 2 + 1e-9]))).toBe(true);
    expect(allclose(tensor([1, 2]), tensor([1, 2.1]))).toBe(false);
    expect(allclose(tensor([1, 2]), tensor([1, 2.1]), 0, 0.2)).toBe(true);
    expect(allclose(tensor([100]), tensor([100.0009]))).toBe(true);
    expect(allclose(tensor([0]), tensor([1e-9]))).toBe(true);
    expect(allclose(tensor([0]), tensor([1e-7]))).toBe(false);
  });

  it("handles NaN, infinities, scalars, broadcasting and empties", () => {
    expect(allclose(tensor([NaN]), tensor([NaN]))).toBe(false);
    expect(allclose(tensor([Infinity, -Infinity]), tensor([Infinity, -Infinity]))).toBe(true);
    expect(allclose(tensor([Infinity]), tensor([-Infinity]))).toBe(false);
    expect(allclose(tensor([Infinity]), tensor([1e308]))).toBe(false);
    expect(allclose(tensor([[1, 1], [1, 1]]), 1)).toBe(true);
    expect(allclose(tensor([]), tensor([]))).toBe(true);
    expect(() => allclose(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/^Error in allclose: shapes \[2\] and \[3\] cannot be broadcast$/);
  });
});
