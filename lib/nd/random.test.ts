import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng, randint, randn, seed, shuffle, uniform } from "./random.ts";

/** Independent BigInt reference of splitmix32-seeded sfc32 (12 warm-up rounds). */
function referenceSfc32(seedValue: number, count: number): number[] {
  const M = 0xffffffffn;
  const mul = (a: bigint, b: bigint): bigint => (a * b) & M;
  const lo = BigInt(seedValue >>> 0);
  const hi = BigInt(Math.floor(seedValue / 2 ** 32)) & M;
  let x = (lo ^ mul(hi, 0x9e3779b1n)) & M;
  const splitmix = (): bigint => {
    x = (x + 0x9e3779b9n) & M;
    let t = x ^ (x >> 16n);
    t = mul(t, 0x21f0aaadn);
    t ^= t >> 15n;
    t = mul(t, 0x735a2d97n);
    return t ^ (t >> 15n);
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const step = (): bigint => {
    let t = (a + b) & M;
    a = b ^ (b >> 9n);
    b = (c + ((c << 3n) & M)) & M;
    c = ((c << 21n) & M) | (c >> 11n);
    d = (d + 1n) & M;
    t = (t + d) & M;
    c = (c + t) & M;
    return t;
  };
  for (let i = 0; i < 12; i++) step();
  return Array.from({ length: count }, () => Number(step()) / 2 ** 32);
}

describe("Rng", () => {
  it("produces fixed first values for a fixed seed", () => {
    const r = new Rng(42);
    expect([r.next(), r.next(), r.next()]).toEqual([0.5633560579735786, 0.2889618668705225, 0.0059162762481719255]);
    const z = new Rng(0);
    expect([z.next(), z.int(10), z.int(1000)]).toEqual([0.2564398222602904, 4, 846]);
  });

  it("matches an independent BigInt implementation (property)", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (s) => {
        const r = new Rng(s);
        expect(Array.from({ length: 5 }, () => r.next())).toEqual(referenceSfc32(s, 5));
      }),
      { numRuns: 50 },
    );
  });

  it("agrees between two generators with the same seed, differs for different seeds", () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const c = new Rng(124);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
    expect(new Rng(2 ** 40).next()).not.toBe(new Rng(2 ** 40 + 1).next());
    expect(new Rng(-1).next()).not.toBe(new Rng(0).next());
  });

  it("next is in [0, 1), int in [0, n)", () => {
    const r = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    expect(r.int(1)).toBe(0);
  });

  it("normal has mean ~0 and variance ~1 and uses the cached partner", () => {
    const r = new Rng(1);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.05);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    const q = new Rng(42);
    expect([q.normal(), q.normal()]).toEqual([-0.31201129020089735, 1.2489689118338299]);
  });

  it("state can be saved and restored", () => {
    const r = new Rng(9);
    r.normal();
    const saved = r.state;
    const xs = [r.next(), r.normal(), r.normal(), r.int(100)];
    r.state = JSON.parse(JSON.stringify(saved)) as typeof saved;
    expect([r.next(), r.normal(), r.normal(), r.int(100)]).toEqual(xs);
    expect(() => {
      r.state = { s: [1, 2, 3], spare: null } as never;
    }).toThrow(/^Error in Rng.state: state must be/);
  });

  it("validates arguments", () => {
    expect(() => new Rng(1.5)).toThrow(/^Error in Rng: seed must be a safe integer, but got 1.5$/);
    expect(() => new Rng("1" as never)).toThrow(/but got string/);
    expect(() => new Rng(0).int(0)).toThrow(/^Error in Rng.int: n must be an integer in \[1, 2\^32\], but got 0$/);
    expect(() => new Rng(0).int(2.5)).toThrow(/Error in Rng.int/);
  });
});

describe("samplers", () => {
  it("are deterministic given an Rng", () => {
    expect(Array.from(randn([5], new Rng(3)).data)).toEqual(Array.from(randn([5], new Rng(3)).data));
    const r = new Rng(3);
    const expected = Array.from({ length: 4 }, () => r.normal());
    expect(Array.from(randn([2, 2], new Rng(3)).data)).toEqual(expected);
  });

  it("seed() resets the default generator", () => {
    seed(11);
    const a = randn([3]);
    const p = shuffle(5);
    seed(11);
    expect(Array.from(randn([3]).data)).toEqual(Array.from(a.data));
    expect(Array.from(shuffle(5))).toEqual(Array.from(p));
    expect(Array.from(randn([3]).data)).not.toEqual(Array.from(a.data));
    expect(() => seed(0.5)).toThrow(/^Error in seed: seed must be a safe integer/);
  });

  it("randn has the requested shape", () => {
    expect(randn([2, 3], new Rng(0)).shape).toEqual([2, 3]);
    expect(randn([], new Rng(0)).shape).toEqual([]);
    expect(randn([0], new Rng(0)).size).toBe(0);
    expect(() => randn([-1])).toThrow(/^Error in randn: shape must be/);
    expect(() => randn([1], {} as never)).toThrow(/^Error in randn: argument 'rng' must be an Rng, but got object$/);
  });

  it("uniform stays in [low, high)", () => {
    const t = uniform([1000], -2, 3, new Rng(5));
    expect(t.data.every((v) => v >= -2 && v < 3)).toBe(true);
    expect(Math.min(...t.data)).toBeLessThan(-1.5);
    expect(Math.max(...t.data)).toBeGreaterThan(2.5);
    expect(uniform([3], 1, 1, new Rng(0)).toArray()).toEqual([1, 1, 1]);
    expect(uniform([2]).data.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(() => uniform([2], 1, 0)).toThrow(/^Error in uniform: low and high must be finite with low <= high, but got 1 and 0$/);
  });

  it("randint gives integers in [low, high)", () => {
    const t = randint([500], -3, 4, new Rng(5));
    expect(t.data.every((v) => Number.isInteger(v) && v >= -3 && v < 4)).toBe(true);
    expect(new Set(t.data).size).toBe(7);
    expect(() => randint([2], 3, 3)).toThrow(/^Error in randint: high must be greater than low/);
    expect(() => randint([2], 0, 2.5)).toThrow(/^Error in randint: argument 'high' must be an integer, but got 2.5$/);
  });

  it("shuffle returns a permutation (property)", () => {
    fc.assert(
      fc.property(fc.nat(300), fc.integer(), (n, s) => {
        const p = shuffle(n, new Rng(s));
        expect(p).toBeInstanceOf(Int32Array);
        expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 50 },
    );
    expect(Array.from(shuffle(0))).toEqual([]);
    expect(() => shuffle(-1)).toThrow(/^Error in shuffle: argument 'n' must be a non-negative integer, but got -1$/);
  });
});
