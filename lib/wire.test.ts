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

describe("wire: hostile values and replaced globals", () => {
  /** Run `fn` with globals replaced the way learner code in the isolate could, then restore them. */
  function withHijackedGlobals<T>(fn: () => T): T {
    const saved = {
      stringify: JSON.stringify,
      keys: Object.keys,
      push: Array.prototype.push,
      isArray: Array.isArray,
      set: Float64Array.prototype.set,
      iterator: Array.prototype[Symbol.iterator],
    };
    const huge = "A".repeat(1_000_000);
    JSON.stringify = (() => `{"t":"invalid","why":"${huge}"}`) as typeof JSON.stringify;
    Object.keys = (() => Array.from({ length: 1e5 }, (_, i) => `k${i}`)) as typeof Object.keys;
    Array.prototype.push = function () {
      return 0;
    };
    Array.isArray = (() => false) as unknown as typeof Array.isArray;
    Float64Array.prototype.set = function () {};
    Array.prototype[Symbol.iterator] = function* () {
      yield huge;
    } as never;
    Object.defineProperty(Object.prototype, "value", { set() {}, configurable: true });
    Object.defineProperty(Object.prototype, "toJSON", { value: () => huge, configurable: true, writable: true });
    try {
      return fn();
    } finally {
      JSON.stringify = saved.stringify;
      Object.keys = saved.keys;
      Array.prototype.push = saved.push;
      Array.isArray = saved.isArray;
      Float64Array.prototype.set = saved.set;
      Array.prototype[Symbol.iterator] = saved.iterator;
      delete (Object.prototype as Record<string, unknown>).value;
      delete (Object.prototype as Record<string, unknown>).toJSON;
    }
  }

  it("encodes exactly as before when learner code has replaced JSON.stringify, Object.keys, push, typed-array methods", () => {
    const value = { status: "ok", value: { shape: [2], data: new Float32Array([1.5, 2]) }, list: [1, "a", null], n: -Infinity };
    const clean = encode(value);
    const hijacked = withHijackedGlobals(() => encode(value));
    expect(hijacked.json).toBe(clean.json);
    expect(hijacked.json.length).toBeLessThan(500);
    const v = decode(hijacked, hooks) as Record<string, unknown>;
    expect(Array.from((v.value as Tensor).data)).toEqual([1.5, 2]);
    expect(v.list).toEqual([1, "a", null]);
  });

  it("bounds the whole structure, not just each part (nested arrays of long strings)", () => {
    const row = Array.from({ length: 10_000 }, () => "x".repeat(10_000)); // 100M characters
    const p = encode([row, row]);
    expect(p.json.length).toBeLessThan(1_000);
    expect((decode(p, hooks) as InvalidValue).why).toMatch(/too large to carry/);
  });

  it("reads a getter or proxy trap once: a length that changes cannot grow the result", () => {
    let reads = 0;
    const sly = new Proxy([1, 2, 3], { get: (t, k) => (k === "length" ? (reads++ === 0 ? 3 : 1e9) : Reflect.get(t, k)) });
    const v = decode(encode(sly), hooks);
    expect(v).toEqual([1, 2, 3]);
    expect(reads).toBe(1);
  });

  it("carries lone surrogates as well-formed text", () => {
    const v = decode(encode({ s: "a\ud800b" }), hooks) as { s: string };
    expect(v.s).toBe("a\ufffdb");
  });

  it("rejects packets that break the limits or the format (what a broken harness might send)", () => {
    const bad: { json: string; buffers: ArrayBuffer[] }[] = [
      { json: `{"t":"str","v":"${"x".repeat(20_000)}"}`, buffers: [] },
      { json: `{"t":"invalid","why":"x"}`.padEnd(9_000_000, " "), buffers: [] },
      { json: `{"t":"arr","v":5}`, buffers: [] },
      { json: `{"t":"tensor","shape":"ab","buf":0}`, buffers: [new ArrayBuffer(16)] },
      { json: `{"t":"tensor","shape":[3],"buf":0}`, buffers: [new ArrayBuffer(16)] },
      { json: `{"t":"arr","v":[{"t":"f64","buf":0},{"t":"f64","buf":0}]}`, buffers: [new ArrayBuffer(16)] },
      { json: `{"t":"obj","v":[["${"k".repeat(300)}",{"t":"null"}]]}`, buffers: [] },
      { json: `{"t":"num","v":"1e400"}`, buffers: [] },
    ];
    for (const p of bad) expect(() => decode(p, hooks), p.json.slice(0, 60)).toThrow(/wire: malformed/);
    const why = decode({ json: JSON.stringify({ t: "invalid", why: "w".repeat(100_000) }), buffers: [] }, hooks) as InvalidValue;
    expect(why.why.length).toBeLessThanOrEqual(500);
  });
});
