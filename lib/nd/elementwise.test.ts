import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tensor } from "./create.ts";
import {
  abs,
  add,
  clip,
  div,
  exp,
  log,
  map,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  sign,
  sqrt,
  square,
  sub,
  tanh,
} from "./elementwise.ts";
import { Tensor } from "./tensor.ts";
import { broadcastPairArb, sampleValues } from "./test-helpers.ts";
import { flatToIndex, indexToFlat, shapeSize, stridesOf } from "./util.ts";

const arr = (t: Tensor): number[] => Array.from(t.data);

describe("binary ops", () => {
  const a = tensor([
    [1, 2],
    [3, 4],
  ]);

  it("compute values for equal shapes", () => {
    const b = tensor([
      [10, 20],
      [30, 40],
    ]);
    expect(arr(add(a, b))).toEqual([11, 22, 33, 44]);
    expect(arr(sub(b, a))).toEqual([9, 18, 27, 36]);
    expect(arr(mul(a, b))).toEqual([10, 40, 90, 160]);
    expect(arr(div(b, a))).toEqual([10, 10, 10, 10]);
    expect(arr(pow(a, 2))).toEqual([1, 4, 9, 16]);
    expect(arr(maximum(a, 2.5))).toEqual([2.5, 2.5, 3, 4]);
    expect(arr(minimum(a, 2.5))).toEqual([1, 2, 2.5, 2.5]);
  });

  it("broadcast rows, columns and scalars", () => {
    expect(add(a, tensor([10, 20])).toArray()).toEqual([
      [11, 22],
      [13, 24],
    ]);
    expect(mul(a, tensor([[1], [-1]])).toArray()).toEqual([
      [1, 2],
      [-3, -4],
    ]);
    expect(sub(1, a).toArray()).toEqual([
      [0, -1],
      [-2, -3],
    ]);
    expect(add(tensor([[1], [2]]), tensor([10, 20, 30])).toArray()).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
    expect(add(2, 3).shape).toEqual([]);
    expect(add(2, 3).item()).toBe(5);
    expect(add(tensor([[[1]]]), tensor([1, 2])).shape).toEqual([1, 1, 2]);
    expect(pow(2, tensor([0, 1, 2])).toArray()).toEqual([1, 2, 4]);
  });

  it("handle empty tensors", () => {
    expect(add(tensor([]), 1).shape).toEqual([0]);
    expect(add(tensor([[], []]), tensor([[1], [2]])).shape).toEqual([2, 0]);
    expect(mul(tensor([1]), tensor([])).shape).toEqual([0]);
  });

  it("follow IEEE semantics", () => {
    expect(arr(div(tensor([1, -1, 0]), 0))).toEqual([Infinity, -Infinity, NaN]);
    expect(arr(maximum(tensor([NaN, 1]), 0))).toEqual([NaN, 1]);
    expect(arr(pow(-8, tensor([0.5])))).toEqual([NaN]);
  });

  it("accept {shape, data} operands", () => {
    expect(arr(add({ shape: [2], data: [1, 2] }, { shape: [1], data: new Float32Array([1]) }))).toEqual([2, 3]);
  });

  it("do not modify their inputs", () => {
    const x = tensor([1, 2]);
    add(x, 1);
    expect(arr(x)).toEqual([1, 2]);
    expect(add(x, 0).data).not.toBe(x.data);
  });

  it("report incompatible shapes and bad operands", () => {
    expect(() => add(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2, 3, 4]))).toThrow(
      /^Error in add: shapes \[2,3\] and \[4\] cannot be broadcast$/,
    );
    expect(() => mul(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/^Error in mul: shapes \[2\] and \[3\]/);
    expect(() => sub("1" as never, 1)).toThrow(/^Error in sub: argument 'a' must be a Tensor or \{shape, data\}, but got string$/);
    expect(() => div(1, undefined as never)).toThrow(/^Error in div: argument 'b' .* but got undefined$/);
    expect(() => pow(tensor([1]), [2] as never)).toThrow(/^Error in pow: argument 'b' .* but got array$/);
  });

  it("broadcast like a brute-force reference (property)", () => {
    fc.assert(
      fc.property(broadcastPairArb, fc.nat(), ({ a: sa, b: sb }, salt) => {
        const x = new Tensor(sampleValues(shapeSize(sa), salt), sa);
        const y = new Tensor(sampleValues(shapeSize(sb), salt + 1), sb);
        const out = sub(x, y);
        const n = Math.max(sa.length, sb.length);
        const shape = Array.from({ length: n }, (_, i) => {
          const da = sa[i - (n - sa.length)] ?? 1;
          const db = sb[i - (n - sb.length)] ?? 1;
          return da === 1 ? db : da;
        });
        expect(out.shape).toEqual(shape);
        const read = (t: Tensor, idx: number[]): number => {
          const own = idx.slice(n - t.ndim).map((v, i) => (t.shape[i] === 1 ? 0 : v));
          return t.data[indexToFlat(own, stridesOf(t.shape))]!;
        };
        for (let f = 0; f < out.size; f++) {
          const idx = flatToIndex(f, shape);
          expect(out.data[f]).toBe(read(x, idx) - read(y, idx));
        }
      }),
    );
  });
});

describe("unary ops", () => {
  it("compute values", () => {
    expect(arr(neg(tensor([1, -2])))).toEqual([-1, 2]);
    expect(arr(exp(tensor([0, 1])))).toEqual([1, Math.E]);
    expect(arr(log(tensor([1, Math.E, 0, -1])))).toEqual([0, 1, -Infinity, NaN]);
    expect(arr(tanh(tensor([0, 100])))).toEqual([0, 1]);
    expect(arr(sqrt(tensor([4, 9, -1])))).toEqual([2, 3, NaN]);
    expect(arr(abs(tensor([-3, 2])))).toEqual([3, 2]);
    expect(arr(square(tensor([-3, 2])))).toEqual([9, 4]);
    expect(arr(sign(tensor([-2, 0, 5, NaN])))).toEqual([-1, 0, 1, NaN]);
  });

  it("keep shapes, including scalars and empty tensors", () => {
    expect(exp(tensor([[1, 2]])).shape).toEqual([1, 2]);
    expect(exp(0).shape).toEqual([]);
    expect(neg(tensor([[], []])).shape).toEqual([2, 0]);
    expect(() => exp("x" as never)).toThrow(/^Error in exp: argument 't' must be a Tensor/);
  });

  it("clip limits to [lo, hi]", () => {
    expect(arr(clip(tensor([-2, 0.5, 3, NaN]), 0, 1))).toEqual([0, 0.5, 1, NaN]);
    expect(arr(clip(tensor([-2, 5]), -Infinity, 1))).toEqual([-2, 1]);
    expect(() => clip(tensor([1]), 1, 0)).toThrow(/^Error in clip: lo must be <= hi, but got lo=1 and hi=0$/);
    expect(() => clip(tensor([1]), undefined as never, 0)).toThrow(/^Error in clip: argument 'lo' must be a number/);
  });

  it("map applies a function with flat positions", () => {
    expect(map(tensor([1, 2, 3]), (v) => v * 10).toArray()).toEqual([10, 20, 30]);
    expect(map(tensor([[5, 5], [5, 5]]), (v, i) => v + i).toArray()).toEqual([
      [5, 6],
      [7, 8],
    ]);
    expect(() => map(tensor([1]), 3 as never)).toThrow(/^Error in map: argument 'fn' must be a function, but got number$/);
    expect(() => map(tensor([1]), () => "x" as never)).toThrow(
      /^Error in map: fn must return a number, but returned string at position 0$/,
    );
  });
});
