import { describe, expect, it } from "vitest";
import { formatTensor } from "./format.ts";

const f = (values: number[], shape: number[]): string => formatTensor(new Float64Array(values), shape);

describe("formatTensor", () => {
  it("prints scalars and vectors", () => {
    expect(f([3], [])).toBe("tensor(3)");
    expect(f([1.5], [])).toBe("tensor(1.5)");
    expect(f([1, 2, 3], [3])).toBe("tensor([1, 2, 3])");
    expect(f([1], [1])).toBe("tensor([1])");
  });

  it("aligns matrices and uses a shared number of decimals", () => {
    expect(f([1, 2.5, 3, 4], [2, 2])).toBe("tensor([[1.0, 2.5],\n        [3.0, 4.0]])");
    expect(f([1, -20, 3, 4], [2, 2])).toBe("tensor([[  1, -20],\n        [  3,   4]])");
    expect(f([0.123456, 1], [2])).toBe("tensor([0.1235, 1.0000])");
  });

  it("separates blocks of 3-D tensors with a blank line", () => {
    expect(f([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2])).toBe(
      "tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])",
    );
  });

  it("prints empty tensors with their shape", () => {
    expect(f([], [0])).toBe("tensor([], shape=[0])");
    expect(f([], [2, 0])).toBe("tensor([], shape=[2,0])");
  });

  it("uses exponent notation for tiny or huge magnitudes", () => {
    expect(f([1e-9, 1], [2])).toBe("tensor([1e-9, 1e+0])");
    expect(f([1.5e10, 2.5], [2])).toBe("tensor([1.5e+10,  2.5e+0])");
    expect(f([1.5e10, 2], [2])).toBe("tensor([15000000000,           2])");
  });

  it("prints NaN and infinities", () => {
    expect(f([NaN, Infinity, -Infinity, 1], [4])).toBe("tensor([      NaN,  Infinity, -Infinity,         1])");
  });

  it("normalises negative zero", () => {
    expect(f([-0, 1], [2])).toBe("tensor([0, 1])");
    expect(f([-0.00001, 1.5], [2])).toBe("tensor([-1.0e-5,  1.5e+0])");
    expect(f([-0.00001, 0.5], [2])).toBe("tensor([-1e-5,  5e-1])");
  });

  it("wraps long rows", () => {
    const s = f(
      Array.from({ length: 40 }, (_, i) => i),
      [40],
    );
    const lines = s.split("\n");
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => l.length <= 75)).toBe(true);
    expect(lines[1]!.startsWith("        ")).toBe(true);
  });

  it("summarises large tensors with ...", () => {
    const big = f(
      Array.from({ length: 2000 }, (_, i) => i),
      [2000],
    );
    expect(big).toBe("tensor([   0,    1,    2, ..., 1997, 1998, 1999])");
    const m = f(
      Array.from({ length: 100 * 100 }, (_, i) => i % 10),
      [100, 100],
    );
    const lines = m.split("\n");
    expect(lines).toHaveLength(7);
    expect(lines[3]).toBe("        ...,");
    expect(lines[0]).toBe("tensor([[0, 1, 2, ..., 7, 8, 9],");
  });

  it("does not summarise at the threshold", () => {
    const s = f(
      Array.from({ length: 1000 }, () => 0),
      [10, 100],
    );
    expect(s).not.toContain("...");
  });
});
