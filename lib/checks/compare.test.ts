import { describe, expect, it } from "vitest";
import { Tensor } from "../nd/index.ts";
import { expectClose, expectNumberClose } from "./compare.ts";
import { isClose } from "./tolerance.ts";
import { CheckFailure } from "./failure.ts";
import { scaleHint } from "./hints.ts";
import { InvalidValue } from "../wire.ts";

const T = (data: number[], shape: number[]) => new Tensor(new Float64Array(data), shape);
const tol = { rtol: 1e-3, atol: 1e-4 };

function failure(fn: () => unknown): CheckFailure {
  try {
    fn();
  } catch (e) {
    if (e instanceof CheckFailure) return e;
    throw e;
  }
  throw new Error("expected a CheckFailure");
}

describe("isClose", () => {
  it("never treats NaN as close, and Infinity only as itself", () => {
    expect(isClose(NaN, NaN, tol)).toBe(false);
    expect(isClose(1, NaN, tol)).toBe(false);
    expect(isClose(Infinity, NaN, tol)).toBe(false);
    expect(isClose(Infinity, Infinity, tol)).toBe(true);
    expect(isClose(Infinity, -Infinity, tol)).toBe(false);
    expect(isClose(1e30, Infinity, tol)).toBe(false);
  });
  it("is absolute near zero and relative for large values", () => {
    expect(isClose(0, 5e-5, tol)).toBe(true);
    expect(isClose(1e6, 1e6 + 500, tol)).toBe(true);
    expect(isClose(1e6, 1e6 + 2000, tol)).toBe(false);
  });
});

describe("expectClose", () => {
  it("names the first differing index and the worst, with both values and the tolerance", () => {
    const f = failure(() => expectClose("dw", T([1, 2, 3, 4], [2, 2]), T([1, 2.5, 3, 14], [2, 2]), { tol }));
    expect(f.message).toMatch(/^dw\[0,1\] is wrong: expected 2, got 2\.5 \(2 of 4 elements differ .* atol 0\.0001 \+ rtol 0\.001/);
    expect(f.message).toMatch(/the worst is dw\[1,1\]: expected 4, got 14/);
    expect(f.data?.heatmap).toMatchObject({ rows: 2, cols: 2 });
  });
  it("checks in order: invalid → missing → type → shape → non-finite → values", () => {
    expect(failure(() => expectClose("y", T([1], [1]), new InvalidValue("a function"))).message).toBe("y returned a function.");
    expect(failure(() => expectClose("y", T([1], [1]), undefined)).hint).toMatch(/forget a `return`/);
    expect(failure(() => expectClose("y", T([1], [1]), "hello")).message).toMatch(/returned the string "hello"; expected a tensor/);
    expect(failure(() => expectClose("y", T([1, 2], [2]), T([1, 2], [1, 2]))).message).toMatch(/has shape \[1,2\], expected \[2\]/);
    expect(failure(() => expectClose("y", T([1, 2], [2]), T([1, Infinity], [2]))).message).toMatch(/contains Infinity at \[1\]/);
  });
  it("recognises known mistakes from the numbers", () => {
    const e = T([1, -2, 3, 4, 5, 6], [2, 3]);
    expect(failure(() => expectClose("g", e, T([-1, 2, -3, -4, -5, -6], [2, 3]))).hint).toMatch(/opposite sign/);
    expect(failure(() => expectClose("g", e, T([1, 4, -2, 5, 3, 6], [2, 3]))).hint).toMatch(/transposed/);
    expect(failure(() => expectClose("g", e, T([1, 2, 3, 4, 5, 7], [2, 3]))).hint).toBeUndefined();
    expect(failure(() => expectClose("g", e, T([1, 4, -2, 5, 3, 6], [3, 2]))).hint).toMatch(/transposed/);
    expect(failure(() => expectClose("g", e, T([0.5, -1, 1.5, 2, 2.5, 3], [2, 3]), { hints: [scaleHint([{ value: 0.5, hint: "divided by the batch size 2" }])] })).hint).toBe("divided by the batch size 2");
    expect(failure(() => expectClose("g", e, T([0, 0, 0, 0, 0, 0], [2, 3]))).hint).toMatch(/all zeros/);
    expect(failure(() => expectClose("g", e, T([1, -2, 3, 0, 0, 0], [2, 3]))).hint).toMatch(/Only the first row/);
  });
  it("passes close values and returns the tensor", () => {
    const got = T([1.0000001, 2], [2]);
    expect(expectClose("y", T([1, 2], [2]), got)).toBe(got);
  });
});

describe("expectNumberClose", () => {
  it("rejects NaN and non-numbers with clear messages", () => {
    expect(failure(() => expectNumberClose("loss", 1, NaN)).message).toMatch(/loss returned NaN; expected a finite number/);
    expect(failure(() => expectNumberClose("loss", 1, "1")).message).toMatch(/loss returned the string "1"; expected a number/);
    expect(failure(() => expectNumberClose("loss", 1, 1.5)).message).toMatch(/loss is wrong: expected 1, got 1\.5/);
  });
});
