import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { broadcastPairArb } from "./test-helpers.ts";
import {
  assertInt,
  broadcastFlat,
  broadcastShape,
  broadcastShapes,
  broadcastStrides,
  describeValue,
  flatToIndex,
  formatShape,
  indexToFlat,
  ndError,
  normalizeAxis,
  shapeSize,
  shapesEqual,
  stridesOf,
  validateShape,
} from "./util.ts";

const shapeArb = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 });
const nonEmptyShapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 5 });

describe("error helpers", () => {
  it("formats errors as 'Error in <op>: <detail>'", () => {
    expect(ndError("matmul", "boom").message).toBe("Error in matmul: boom");
  });

  it("describes values", () => {
    expect(describeValue("s")).toBe("string");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue([1])).toBe("array");
    expect(describeValue(new Float32Array(1))).toBe("Float32Array");
    expect(describeValue({})).toBe("object");
    expect(describeValue(NaN)).toBe("NaN");
  });

  it("formats shapes without spaces", () => {
    expect(formatShape([2, 3])).toBe("[2,3]");
    expect(formatShape([])).toBe("[]");
  });

  it("assertInt names the argument", () => {
    expect(() => assertInt(1.5, "eye", "n", 0)).toThrow(/^Error in eye: argument 'n' must be a non-negative integer, but got 1.5$/);
    expect(() => assertInt(-1, "eye", "n", 0)).toThrow(/non-negative integer, but got -1/);
    expect(() => assertInt(3, "eye", "n", 0)).not.toThrow();
  });
});

describe("shapes", () => {
  it("computes sizes", () => {
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([3, 0])).toBe(0);
  });

  it("validates shapes", () => {
    expect(validateShape([2, 3], "zeros")).toEqual([2, 3]);
    expect(validateShape([], "zeros")).toEqual([]);
    expect(() => validateShape([2, -1], "zeros")).toThrow(
      /^Error in zeros: shape must be an array of non-negative integers, but got \[2,-1\]$/,
    );
    expect(() => validateShape([1.5], "zeros")).toThrow(/but got \[1.5\]/);
    expect(() => validateShape("3", "zeros")).toThrow(/but got string/);
    expect(() => validateShape(3, "ones")).toThrow(/^Error in ones: shape must be .* but got number$/);
  });

  it("compares shapes", () => {
    expect(shapesEqual([2, 3], [2, 3])).toBe(true);
    expect(shapesEqual([2, 3], [3, 2])).toBe(false);
    expect(shapesEqual([2], [2, 1])).toBe(false);
    expect(shapesEqual([], [])).toBe(true);
  });

  it("normalizes axes", () => {
    expect(normalizeAxis(-1, 3, "sum")).toBe(2);
    expect(normalizeAxis(0, 3, "sum")).toBe(0);
    expect(() => normalizeAxis(3, 3, "sum")).toThrow(
      /^Error in sum: axis 3 is out of bounds for a tensor with 3 dimensions$/,
    );
    expect(() => normalizeAxis(-4, 3, "sum")).toThrow(/axis -4 is out of bounds/);
    expect(() => normalizeAxis(0.5, 3, "sum")).toThrow(/axis must be an integer, but got 0.5/);
    expect(() => normalizeAxis(0, 0, "max")).toThrow(/for a tensor with 0 dimensions/);
  });
});

describe("strides and flat positions", () => {
  it("computes row-major strides", () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([])).toEqual([]);
    expect(indexToFlat([1, 2], stridesOf([2, 3]))).toBe(5);
    expect(flatToIndex(5, [2, 3])).toEqual([1, 2]);
  });

  it("flat -> index -> flat is the identity (property)", () => {
    fc.assert(
      fc.property(
        nonEmptyShapeArb.chain((shape) =>
          fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shapeSize(shape) - 1 })),
        ),
        ([shape, flat]) => {
          const index = flatToIndex(flat, shape);
          expect(index.every((v, i) => v >= 0 && v < shape[i]!)).toBe(true);
          expect(indexToFlat(index, stridesOf(shape))).toBe(flat);
        },
      ),
    );
  });

  it("enumerating flat positions visits indices in row-major order (property)", () => {
    fc.assert(
      fc.property(nonEmptyShapeArb.filter((s) => shapeSize(s) <= 200), (shape) => {
        let prev: number[] | null = null;
        for (let f = 0; f < shapeSize(shape); f++) {
          const idx = flatToIndex(f, shape);
          if (prev) {
            const firstDiff = idx.findIndex((v, i) => v !== prev![i]);
            expect(idx[firstDiff]!).toBeGreaterThan(prev[firstDiff]!);
          }
          prev = idx;
        }
      }),
    );
  });
});

describe("broadcasting", () => {
  it("follows numpy rules", () => {
    expect(broadcastShape([2, 3], [3])).toEqual([2, 3]);
    expect(broadcastShape([4, 1, 5], [3, 1])).toEqual([4, 3, 5]);
    expect(broadcastShape([], [2, 2])).toEqual([2, 2]);
    expect(broadcastShape([2, 0], [1])).toEqual([2, 0]);
    expect(broadcastShape([1], [0])).toEqual([0]);
  });

  it("throws a clear error for incompatible shapes", () => {
    expect(() => broadcastShape([2, 3], [4], "add")).toThrow(
      /^Error in add: shapes \[2,3\] and \[4\] cannot be broadcast$/,
    );
    expect(() => broadcastShape([2], [0])).toThrow(/Error in broadcastShape: shapes \[2\] and \[0\]/);
    expect(() => broadcastShapes([[2], [3], [1]], "where")).toThrow(
      /^Error in where: shapes \[2\], \[3\] and \[1\] cannot be broadcast$/,
    );
  });

  it("is commutative and recovers the generating shape (property)", () => {
    fc.assert(
      fc.property(broadcastPairArb, ({ a, b }) => {
        const ab = broadcastShape(a, b);
        expect(broadcastShape(b, a)).toEqual(ab);
        expect(broadcastShape(ab, a)).toEqual(ab);
        expect(broadcastShape(a, a)).toEqual(a);
        expect(ab.length).toBe(Math.max(a.length, b.length));
      }),
    );
  });

  it("matches a brute-force definition (property)", () => {
    fc.assert(
      fc.property(shapeArb, shapeArb, (a, b) => {
        const n = Math.max(a.length, b.length);
        const pa = [...Array<number>(n - a.length).fill(1), ...a];
        const pb = [...Array<number>(n - b.length).fill(1), ...b];
        const ok = pa.every((d, i) => d === pb[i] || d === 1 || pb[i] === 1);
        if (ok) expect(broadcastShape(a, b)).toEqual(pa.map((d, i) => (d === 1 ? pb[i] : d)));
        else expect(() => broadcastShape(a, b)).toThrow(/cannot be broadcast/);
      }),
    );
  });

  it("maps output positions to input positions", () => {
    expect(broadcastStrides([3], [2, 3])).toEqual([0, 1]);
    expect(broadcastStrides([2, 1], [2, 3])).toEqual([1, 0]);
    expect(broadcastFlat(4, [3], [2, 3])).toBe(1);
    expect(broadcastFlat(4, [2, 1], [2, 3])).toBe(1);
    expect(broadcastFlat(0, [], [2, 3])).toBe(0);
  });

  it("broadcast index mapping agrees with per-axis reasoning (property)", () => {
    fc.assert(
      fc.property(broadcastPairArb, ({ a, b }) => {
        const out = broadcastShape(a, b);
        const size = shapeSize(out);
        for (let f = 0; f < Math.min(size, 50); f++) {
          const idx = flatToIndex(f, out);
          const inIdx = a.map((d, i) => (d === 1 ? 0 : idx[i + out.length - a.length]!));
          expect(broadcastFlat(f, a, out)).toBe(indexToFlat(inIdx, stridesOf(a)));
        }
      }),
    );
  });
});
