import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arange, scalar, tensor, zeros } from "./create.ts";
import { Tensor } from "./tensor.ts";
import { expandDims, flatten, reshape, squeeze, transpose } from "./shape.ts";
import { sampleValues } from "./test-helpers.ts";
import { flatToIndex, indexToFlat, shapeSize, stridesOf } from "./util.ts";

const arr = (t: Tensor): number[] => Array.from(t.data);
const smallShape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 5 });

describe("reshape", () => {
  it("keeps row-major order and infers -1", () => {
    expect(reshape(arange(6), [2, 3]).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(reshape(arange(6), [3, -1]).shape).toEqual([3, 2]);
    expect(reshape(arange(6), [-1]).shape).toEqual([6]);
    expect(reshape(tensor([7]), []).shape).toEqual([]);
    expect(reshape(scalar(7), [1, 1]).shape).toEqual([1, 1]);
    expect(reshape(zeros([0, 3]), [3, 0]).shape).toEqual([3, 0]);
  });

  it("copies the data", () => {
    const t = arange(4);
    const r = reshape(t, [2, 2]);
    expect(r.data).not.toBe(t.data);
  });

  it("reports impossible shapes", () => {
    expect(() => reshape(zeros([2, 3]), [4])).toThrow(/^Error in reshape: cannot reshape \[2,3\] \(6 elements\) into \[4\]$/);
    expect(() => reshape(zeros([2, 3]), [4, -1])).toThrow(/cannot reshape \[2,3\] \(6 elements\) into \[4,-1\]/);
    expect(() => reshape(zeros([0]), [0, -1])).toThrow(/cannot reshape \[0\]/);
    expect(() => reshape(zeros([6]), [-1, -1])).toThrow(/^Error in reshape: only one dimension can be -1/);
    expect(() => reshape(zeros([6]), [-2, -3])).toThrow(/^Error in reshape: shape must be an array of non-negative integers \(or one -1\), but got \[-2,-3\]$/);
    expect(() => reshape(zeros([6]), 6 as never)).toThrow(/but got number/);
  });
});

describe("transpose", () => {
  it("reverses axes by default", () => {
    expect(
      transpose(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(transpose(tensor([1, 2])).toArray()).toEqual([1, 2]);
    expect(transpose(scalar(3)).item()).toBe(3);
    expect(transpose(zeros([2, 3, 4])).shape).toEqual([4, 3, 2]);
    expect(transpose(zeros([0, 3])).shape).toEqual([3, 0]);
  });

  it("applies a permutation", () => {
    const t = new Tensor(sampleValues(24), [2, 3, 4]);
    const p = transpose(t, [1, 2, 0]);
    expect(p.shape).toEqual([3, 4, 2]);
    expect(p.get(2, 1, 0)).toBe(t.get(0, 2, 1));
    expect(transpose(t, [0, -1, 1]).shape).toEqual([2, 4, 3]);
  });

  it("validates the permutation", () => {
    expect(() => transpose(zeros([2, 3]), [0])).toThrow(
      /^Error in transpose: perm must list each of the 2 axes once, but got \[0\] for shape \[2,3\]$/,
    );
    expect(() => transpose(zeros([2, 3]), [0, 0])).toThrow(/^Error in transpose: perm must be a permutation of the axes, but got \[0,0\]$/);
    expect(() => transpose(zeros([2, 3]), [0, 2])).toThrow(/^Error in transpose: axis 2 is out of bounds/);
  });

  it("moves every element to its permuted index (property)", () => {
    fc.assert(
      fc.property(
        smallShape.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length }))),
        ([shape, perm]) => {
          const t = new Tensor(sampleValues(shapeSize(shape)), shape);
          const p = transpose(t, perm);
          expect(p.shape).toEqual(perm.map((a) => shape[a]));
          for (let f = 0; f < Math.min(t.size, 60); f++) {
            const idx = flatToIndex(f, shape);
            expect(p.data[indexToFlat(perm.map((a) => idx[a]!), stridesOf(p.shape))]).toBe(t.data[f]);
          }
        },
      ),
    );
  });

  it("transposing twice is the identity (property)", () => {
    fc.assert(
      fc.property(
        smallShape.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length }))),
        ([shape, perm]) => {
          const t = new Tensor(sampleValues(shapeSize(shape)), shape);
          const twice = transpose(transpose(t));
          expect(twice.shape).toEqual(shape);
          expect(arr(twice)).toEqual(arr(t));
          const inverse = perm.map((_, i) => perm.indexOf(i));
          const back = transpose(transpose(t, perm), inverse);
          expect(back.shape).toEqual(shape);
          expect(arr(back)).toEqual(arr(t));
        },
      ),
    );
  });
});

describe("squeeze / expandDims / flatten", () => {
  it("squeeze removes size-1 axes", () => {
    expect(squeeze(zeros([1, 3, 1])).shape).toEqual([3]);
    expect(squeeze(zeros([1, 3, 1]), -1).shape).toEqual([1, 3]);
    expect(squeeze(zeros([1, 3, 1]), 0).shape).toEqual([3, 1]);
    expect(squeeze(zeros([1])).shape).toEqual([]);
    expect(squeeze(zeros([2, 0])).shape).toEqual([2, 0]);
    expect(() => squeeze(zeros([2, 3]), 1)).toThrow(/^Error in squeeze: cannot squeeze axis 1 of shape \[2,3\]: its size is 3, not 1$/);
    expect(() => squeeze(zeros([2]), 1)).toThrow(/^Error in squeeze: axis 1 is out of bounds for a tensor with 1 dimension$/);
  });

  it("expandDims inserts a size-1 axis", () => {
    expect(expandDims(zeros([3]), 0).shape).toEqual([1, 3]);
    expect(expandDims(zeros([3]), 1).shape).toEqual([3, 1]);
    expect(expandDims(zeros([3]), -1).shape).toEqual([3, 1]);
    expect(expandDims(zeros([2, 3]), -2).shape).toEqual([2, 1, 3]);
    expect(expandDims(scalar(1), 0).shape).toEqual([1]);
    expect(() => expandDims(zeros([3]), 2)).toThrow(/^Error in expandDims: axis 2 is out of bounds for a tensor with 2 dimensions$/);
  });

  it("flatten makes a 1-D copy", () => {
    expect(flatten(tensor([[1, 2], [3, 4]])).toArray()).toEqual([1, 2, 3, 4]);
    expect(flatten(scalar(5)).shape).toEqual([1]);
    expect(flatten(zeros([2, 0])).shape).toEqual([0]);
  });
});
