/**
 * Deterministic, seedable random numbers: the {@link Rng} class (sfc32
 * seeded through splitmix32) and tensor samplers that use it.
 *
 * Never uses `Math.random` or `crypto`: the same seed gives the same numbers
 * on every machine, which the autograder relies on.
 *
 * @module
 */

import { Tensor } from "./tensor.ts";
import { assertInt, assertNumber, describeValue, isInt, ndError, shapeSize, validateShape } from "./util.ts";

const TWO_POW_32 = 4294967296;

/** Serializable snapshot of an {@link Rng}, see {@link Rng.state}. */
export interface RngState {
  /** The four 32-bit words of the sfc32 state (unsigned). */
  s: [number, number, number, number];
  /** The cached second Box–Muller normal, or `null`. */
  spare: number | null;
}

/**
 * A small, fast, seedable pseudo-random generator (sfc32, with its 128-bit
 * state initialised from the seed by splitmix32). Uses only 32-bit integer
 * arithmetic, so sequences are identical on every platform.
 * {@link Rng.normal} uses `Math.log`/`Math.cos`, which may differ in the last
 * bit between JavaScript engines.
 *
 * @example
 * const rng = new Rng(42);
 * rng.next();   // uniform in [0, 1)
 * rng.normal(); // standard normal
 * rng.int(10);  // integer in [0, 10)
 * randn([2, 3], rng); // tensor samplers take an optional Rng
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare: number | null = null;

  /**
   * Create a generator. Equal seeds give equal sequences.
   *
   * @example
   * new Rng(0).next() === new Rng(0).next(); // true
   * @param seed - Any safe integer (negative allowed).
   */
  constructor(seed: number) {
    if (!isInt(seed)) {
      throw ndError("Rng", `seed must be a safe integer, but got ${typeof seed === "number" ? seed : describeValue(seed)}`);
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) | 0;
    // splitmix32 expands the seed into four well-mixed state words.
    let x = (lo ^ Math.imul(hi, 0x9e3779b1)) | 0;
    const splitmix = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let t = x ^ (x >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Next raw 32-bit output of sfc32, as an unsigned integer. */
  private uint32(): number {
    let { a, b, c, d } = this;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return t >>> 0;
  }

  /**
   * Uniform number in `[0, 1)` (multiples of 2^-32).
   *
   * @example
   * const u = new Rng(1).next(); // 0 <= u < 1
   */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /**
   * Standard normal sample (mean 0, variance 1) via Box–Muller; every second
   * call returns the cached partner value.
   *
   * @example
   * const z = new Rng(1).normal();
   */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u1 = 1 - this.next(); // in (0, 1], so log(u1) is finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * Uniform integer in `[0, n)`, without modulo bias.
   *
   * @example
   * new Rng(3).int(6); // one of 0..5
   * @param n - Number of possible values, an integer in `[1, 2^32]`.
   */
  int(n: number): number {
    if (!isInt(n) || n < 1 || n > TWO_POW_32) {
      throw ndError("Rng.int", `n must be an integer in [1, 2^32], but got ${typeof n === "number" ? n : describeValue(n)}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return u % n;
  }

  /**
   * Snapshot of the generator state (a plain, JSON-serializable object).
   * Assigning a snapshot restores it, so the sequence can be replayed.
   *
   * @example
   * const rng = new Rng(7);
   * const saved = rng.state;
   * const x = rng.next();
   * rng.state = saved;
   * rng.next() === x; // true
   */
  get state(): RngState {
    return { s: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spare: this.spare };
  }

  set state(st: RngState) {
    const ok =
      st !== null &&
      typeof st === "object" &&
      Array.isArray(st.s) &&
      st.s.length === 4 &&
      st.s.every((w) => isInt(w) && w >= 0 && w < TWO_POW_32) &&
      (st.spare === null || typeof st.spare === "number");
    if (!ok) throw ndError("Rng.state", "state must be {s: four uint32 numbers, spare: number | null}");
    [this.a, this.b, this.c, this.d] = st.s.map((w) => w | 0) as [number, number, number, number];
    this.spare = st.spare;
  }
}

let defaultRng = new Rng(0);

/**
 * Reseed the module-wide default generator used by {@link randn},
 * {@link uniform}, {@link randint} and {@link shuffle} when no `rng` is passed.
 * Before any call to `seed`, the default generator is `new Rng(0)`.
 *
 * @example
 * seed(123);
 * const a = randn([3]);
 * seed(123);
 * const b = randn([3]); // same values as a
 * @param n - Any safe integer.
 */
export function seed(n: number): void {
  if (!isInt(n)) throw ndError("seed", `seed must be a safe integer, but got ${typeof n === "number" ? n : describeValue(n)}`);
  defaultRng = new Rng(n);
}

function pickRng(rng: Rng | undefined, op: string): Rng {
  if (rng === undefined) return defaultRng;
  if (!(rng instanceof Rng)) throw ndError(op, `argument 'rng' must be an Rng, but got ${describeValue(rng)}`);
  return rng;
}

/**
 * Tensor of standard normal samples (mean 0, std 1).
 * Scale it yourself for other distributions, e.g. He init:
 * `mul(randn([fanIn, fanOut], rng), Math.sqrt(2 / fanIn))`.
 *
 * @example
 * const w = randn([784, 128], new Rng(0));
 * @param shape - Non-negative integer dimensions (`[]` gives a scalar).
 * @param rng - Generator to draw from (default: the module generator, see {@link seed}).
 */
export function randn(shape: number[], rng?: Rng): Tensor {
  const s = validateShape(shape, "randn");
  const r = pickRng(rng, "randn");
  const data = new Float64Array(shapeSize(s));
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  return new Tensor(data, s);
}

/**
 * Tensor of samples uniformly distributed in `[low, high)`.
 *
 * @example
 * uniform([2, 2], -1, 1, new Rng(0)); // values in [-1, 1)
 * @param shape - Non-negative integer dimensions.
 * @param low - Lower bound, included (default `0`).
 * @param high - Upper bound, excluded (default `1`); must be `>= low`.
 * @param rng - Generator to draw from (default: the module generator).
 */
export function uniform(shape: number[], low = 0, high = 1, rng?: Rng): Tensor {
  const s = validateShape(shape, "uniform");
  assertNumber(low, "uniform", "low");
  assertNumber(high, "uniform", "high");
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw ndError("uniform", `low and high must be finite with low <= high, but got ${low} and ${high}`);
  }
  const r = pickRng(rng, "uniform");
  const data = new Float64Array(shapeSize(s));
  const span = high - low;
  for (let i = 0; i < data.length; i++) data[i] = low + span * r.next();
  return new Tensor(data, s);
}

/**
 * Tensor of random integers (stored as floats) uniform in `[low, high)`.
 *
 * @example
 * randint([5], 0, 10, new Rng(0)); // e.g. [3, 7, 0, 9, 2]
 * @param shape - Non-negative integer dimensions.
 * @param low - Smallest value, an integer.
 * @param high - One past the largest value, an integer `> low` (at most `low + 2^32`).
 * @param rng - Generator to draw from (default: the module generator).
 */
export function randint(shape: number[], low: number, high: number, rng?: Rng): Tensor {
  const s = validateShape(shape, "randint");
  assertInt(low, "randint", "low");
  assertInt(high, "randint", "high");
  if (high <= low || high - low > TWO_POW_32) {
    throw ndError("randint", `high must be greater than low (by at most 2^32), but got low=${low} and high=${high}`);
  }
  const r = pickRng(rng, "randint");
  const data = new Float64Array(shapeSize(s));
  for (let i = 0; i < data.length; i++) data[i] = low + r.int(high - low);
  return new Tensor(data, s);
}

/**
 * A random permutation of `0..n-1` (Fisher–Yates), e.g. to shuffle a dataset
 * each epoch together with `gather`.
 *
 * @example
 * const perm = shuffle(x.shape[0], rng);
 * const xs = gather(x, perm); // rows of x in random order
 * @param n - Length, a non-negative integer.
 * @param rng - Generator to draw from (default: the module generator).
 * @returns An `Int32Array` containing each of `0..n-1` exactly once.
 */
export function shuffle(n: number, rng?: Rng): Int32Array {
  assertInt(n, "shuffle", "n", 0);
  if (n > 0x7fffffff) throw ndError("shuffle", `n must be at most 2^31 - 1, but got ${n}`);
  const r = pickRng(rng, "shuffle");
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    const tmp = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = tmp;
  }
  return perm;
}
