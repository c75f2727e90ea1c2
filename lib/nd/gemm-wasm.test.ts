import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import * as nd from "./index.ts";
import { createWasmGemm, gemmModuleBytes, type GemmKernel, type WasmApi } from "./gemm-wasm.ts";
import { installGemmKernel, matmul } from "./linalg.ts";
import { Rng, randn } from "./random.ts";
import { Tensor } from "./tensor.ts";
import { broadcastPairArb } from "./test-helpers.ts";

const api = { Module: WebAssembly.Module, Instance: WebAssembly.Instance, Memory: WebAssembly.Memory } as unknown as WasmApi;

/** matmul with the TypeScript kernel, then with `kernel`. */
function both(a: Tensor, b: Tensor, kernel: GemmKernel): [Tensor, Tensor] {
  installGemmKernel(undefined);
  const ts = matmul(a, b);
  installGemmKernel(kernel);
  try {
    return [ts, matmul(a, b)];
  } finally {
    installGemmKernel(undefined);
  }
}

/** Bit-identical, -0 and NaN included. */
function expectIdentical(x: Tensor, y: Tensor): void {
  expect(y.shape).toEqual(x.shape);
  const diff = Array.from(x.data).findIndex((v, i) => !Object.is(v, y.data[i]));
  expect(diff, diff >= 0 ? `first difference at ${diff}: ${x.data[diff]} vs ${y.data[diff]}` : "").toBe(-1);
}

afterEach(() => installGemmKernel(undefined));

describe("the WebAssembly matmul kernel", () => {
  it("is a valid module with a fixed-size memory", () => {
    const bytes = gemmModuleBytes(128);
    expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
    const mod = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: "e", name: "m", kind: "memory" }]);
    expect(WebAssembly.Module.exports(mod)).toEqual([
      { name: "g", kind: "function" },
      { name: "s", kind: "function" },
      { name: "f", kind: "function" },
    ]);
  });

  it("gives exactly the TypeScript kernel's results on random shapes (property)", () => {
    const kernel = createWasmGemm(api)!;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 19 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 19 }),
        broadcastPairArb,
        fc.constantFrom("mm", "vm", "mv", "vv"),
        fc.integer(),
        (n, k, m, { a: ba, b: bb }, kind, s) => {
          const rng = new Rng(s);
          const a = randn(kind[0] === "v" ? [k] : [...ba, n, k], rng);
          const b = randn(kind[1] === "v" ? [k] : [...bb, k, m], rng);
          const [ts, wasm] = both(a, b, kernel);
          expectIdentical(ts, wasm);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("is used (and exact) on the MNIST-MLP shapes", () => {
    const kernel = createWasmGemm(api)!;
    const rng = new Rng(1);
    for (const [n, k, m] of [
      [64, 784, 128],
      [64, 128, 64],
      [64, 64, 10],
      [784, 64, 128],
      [64, 128, 784],
    ]) {
      const a = randn([n!, k!], rng);
      const b = randn([k!, m!], rng);
      const out = new Float64Array(n! * m!);
      expect(kernel(a.data, 0, b.data, 0, out, 0, n!, k!, m!)).toBe(true);
      const [ts] = both(a, b, kernel);
      expectIdentical(ts, new Tensor(out, [n!, m!]));
    }
  });

  it("treats NaN, infinities, signed zeros, subnormals and huge values exactly as TypeScript does", () => {
    const kernel = createWasmGemm(api)!;
    const special = [NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 1e308, -1e308, 1, -1, 0.1, 3];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 13 }), fc.integer(), (n, k, m, s) => {
        const rng = new Rng(s);
        const pick = (len: number) => Float64Array.from({ length: len }, () => special[rng.int(special.length)]!);
        // Big enough for the kernel to take it.
        const nn = n + 16;
        const a = new Tensor(pick(nn * k), [nn, k]);
        const b = new Tensor(pick(k * m), [k, m]);
        const [ts, wasm] = both(a, b, kernel);
        expectIdentical(ts, wasm);
      }),
      { numRuns: 100 },
    );
  });

  it("skips the zeros of a mostly-zero A with exactly the TypeScript kernel's results (specials, -0 and non-finite B included)", () => {
    const kernel = createWasmGemm(api)!;
    const special = [NaN, Infinity, -Infinity, -0, 5e-324, 1e308, -1e308, 1, -1, 0.1, 3];
    fc.assert(
      fc.property(fc.integer({ min: 17, max: 40 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 13 }), fc.boolean(), fc.integer(), (n, k, m, finiteB, s) => {
        const rng = new Rng(s);
        // About 80% zeros (+0 and -0) in A: the sparse path.
        const a = new Tensor(Float64Array.from({ length: n * k }, () => (rng.next() < 0.8 ? (rng.next() < 0.5 ? 0 : -0) : special[rng.int(special.length)]!)), [n, k]);
        const b = new Tensor(Float64Array.from({ length: k * m }, () => (finiteB ? rng.normal() : special[rng.int(special.length)]!)), [k, m]);
        const [ts, wasm] = both(a, b, kernel);
        expectIdentical(ts, wasm);
      }),
      { numRuns: 150 },
    );
  });

  it("sparse rows: s skips zero entries of A and f tells a finite B from one with NaN or an infinity", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(gemmModuleBytes(1) as Uint8Array<ArrayBuffer>), { e: { m: memory } });
    const heap = new Float64Array(memory.buffer);
    const s = exports.s as (a: number, b: number, c: number, n: number, k: number, m: number) => void;
    const f = exports.f as (b: number, len: number) => number;
    // A = [[0, 2, 0], [0, 0, 0]] (at 0), B = 3x3 (at 6), C = 2x3 (at 15)
    heap.set([0, 2, 0, 0, 0, 0], 0);
    heap.set([1, 2, 3, 4, 5, 6, 7, 8, 9], 6);
    s(0, 6 * 8, 15 * 8, 2, 3, 3);
    expect(Array.from(heap.subarray(15, 21))).toEqual([8, 10, 12, 0, 0, 0]);
    expect(f(6 * 8, 9)).toBe(0);
    heap[14] = Infinity; // the last (odd) element
    expect(f(6 * 8, 9)).toBeNaN();
    heap[14] = 9;
    heap[7] = NaN;
    expect(f(6 * 8, 9)).toBeNaN();
  });

  it("splits A into row panels when it does not fit, and declines when B does not fit", () => {
    const small = createWasmGemm(api, 1)!; // 64 KiB: 8192 float64
    const rng = new Rng(2);
    // B = 40x64 = 2560 values; each row of A and C takes 104: A is done in panels of 54 rows.
    const a = randn([130, 40], rng);
    const b = randn([40, 64], rng);
    const out = new Float64Array(130 * 64);
    expect(small(a.data, 0, b.data, 0, out, 0, 130, 40, 64)).toBe(true);
    const [ts] = both(a, b, small);
    expectIdentical(ts, new Tensor(out, [130, 64]));
    // B = 100x100 = 10000 values > 8192: the TypeScript kernel takes it, with the same result.
    const a2 = randn([8, 100], rng);
    const b2 = randn([100, 100], rng);
    expect(small(a2.data, 0, b2.data, 0, new Float64Array(800), 0, 8, 100, 100)).toBe(false);
    const [ts2, wasm2] = both(a2, b2, small);
    expectIdentical(ts2, wasm2);
  });

  it("declines tiny products and arrays shorter than their shape says", () => {
    const kernel = createWasmGemm(api)!;
    expect(kernel(new Float64Array(6), 0, new Float64Array(6), 0, new Float64Array(4), 0, 2, 3, 2)).toBe(false);
    expect(kernel(new Float64Array(10), 0, new Float64Array(64 * 64), 0, new Float64Array(64 * 64), 0, 64, 64, 64)).toBe(false);
  });

  it("is not reachable through gradlab/nd", () => {
    expect(Object.keys(nd)).not.toContain("installGemmKernel");
    expect(Object.keys(nd)).not.toContain("createWasmGemm");
  });
});
