import { describe, expect, it } from "vitest";
import { decode, encode, Handle, InvalidValue, SandboxFn } from "./wire.ts";
import { Tensor } from "./nd/index.ts";

const hooks = { tensor: (shape: number[], data: Float64Array) => new Tensor(data, shape), handle: (id: number) => new Handle(id), fn: (n: string, a: unknown[]) => ({ fn: n, a }) };

describe("wire", () => {
  it("round-trips tensors, typed arrays, non-finite numbers, objects and handles", () => {
    const t = new Tensor(new Float64Array([1, NaN, Infinity, -Infinity, -0, 2.5]), [2, 3]);
    const v = decode(encode({ t, ids: new Int32Array([3, 1]), n: NaN, s: "x", h: new Handle(7), f: new SandboxFn("uniform", [5]), a: [1, [2]] }), hooks) as Record<string, unknown>;
    expect((v.t as Tensor).shape).toEqual([2, 3]);
    expect(Array.from((v.t as Tensor).data)).toEqual([1, NaN, Infinity, -Infinity, -0, 2.5]);
    expect(Array.from(v.ids as Int32Array)).toEqual([3, 1]);
    expect(v.n).toBeNaN();
    expect(v).toMatchObject({ s: "x", h: new Handle(7), f: { fn: "uniform", a: [5] }, a: [1, [2]] });
  });

  it("turns what cannot be carried into an InvalidValue that says why", () => {
    const cases: [unknown, RegExp][] = [
      [{ shape: [2, 2], data: [1, 2, 3] }, /shape \[2,2\] \(4 elements\) but data of length 3/],
      [{ shape: "2x2", data: [1] }, /shape is the string "2x2"/],
      [{ shape: [1.5], data: [1] }, /shape contains 1.5/],
      [() => 1, /a function/],
      [10n, /bigint/],
    ];
    for (const [value, why] of cases) {
      const v = decode(encode(value), hooks);
      expect(v).toBeInstanceOf(InvalidValue);
      expect((v as InvalidValue).why).toMatch(why);
    }
  });

  it("bounds the result size", () => {
    const big = { shape: [3000], data: new Float64Array(3000) };
    const v = decode(encode(big, { maxElements: 1000, maxDepth: 8, maxItems: 100, maxString: 100 }), hooks);
    expect((v as InvalidValue).why).toMatch(/more than 1,000 numbers/);
  });

  it("converts non-number data elements to NaN so the host rejects them", () => {
    const v = decode(encode({ shape: [2], data: [1, "2"] }), hooks) as Tensor;
    expect(v.data[1]).toBeNaN();
  });
});
