/**
 * A WebAssembly (SIMD, float64x2) kernel for matmul's inner product, used where nd runs inside
 * the grader's isolate. It computes bit-for-bit what the TypeScript kernel in linalg.ts computes:
 * every output element is summed in the same order, `((0 + a0*b0) + a1*b1) + ...`, with a
 * separate IEEE multiply and add per term (no fused multiply-add), only two output columns at
 * a time per instruction. The TypeScript kernel stays the reference and the path everywhere else
 * (the browser, tests, the host).
 *
 * Containment (the isolate's harness deletes `WebAssembly` before learner code runs, because
 * isolated-vm does not count wasm memory against the heap limit):
 * - the harness hands the constructors to {@link createWasmGemm} first; they stay in this
 *   module's closure, never reachable from nd's exports;
 * - one fixed-size memory (initial = maximum, so it can never grow), created lazily on the first
 *   large matmul; matrices that do not fit take the TypeScript path;
 * - inputs are copied in and results copied out with TypedArray methods taken before any learner
 *   code ran; the memory, the module and the instance never leave this closure.
 *
 * @module
 */

/** The constructors the kernel needs, captured by the harness before it deletes WebAssembly. */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}

/**
 * `C[cOff..] = A[aOff..] @ B[bOff..]` for row-major `[n,k] x [k,m]` blocks, into a zeroed C (as
 * linalg.ts's gemm, which matmul always calls with a fresh output). Returns false (and does
 * nothing) when it cannot take this product.
 */
export type GemmKernel = (A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, n: number, k: number, m: number) => boolean;

/** Inner-dimension chunk, as in linalg.ts (any value gives the same results). */
const KC = 128;
/** Rows of the register tile (times 4 columns). */
const TILE_ROWS = 4;

// ---- a tiny WebAssembly assembler ---------------------------------------------------------------

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

class Code {
  readonly b: number[] = [];
  get = (l: number) => this.op(0x20).u(l);
  set = (l: number) => this.op(0x21).u(l);
  tee = (l: number) => this.op(0x22).u(l);
  i32 = (v: number) => {
    this.b.push(0x41);
    sleb(v, this.b);
    return this;
  };
  op(...bytes: number[]): this {
    this.b.push(...bytes);
    return this;
  }
  u(n: number): this {
    uleb(n, this.b);
    return this;
  }
  add = () => this.op(0x6a);
  sub = () => this.op(0x6b);
  mul = () => this.op(0x6c);
  and = () => this.op(0x71);
  geS = () => this.op(0x4e);
  ltS = () => this.op(0x48);
  select = () => this.op(0x1b);
  f64load = (offset = 0) => this.op(0x2b, 3).u(offset);
  f64store = (offset = 0) => this.op(0x39, 3).u(offset);
  f64add = () => this.op(0xa0);
  f64ne = () => this.op(0x62);
  /** f64.const (little-endian IEEE bytes). */
  f64const = (v: number) => this.op(0x44, ...new Uint8Array(new Float64Array([v]).buffer));
  f64x2splat = () => this.op(0xfd, 0x14);
  f64x2lane = (lane: number) => this.op(0xfd, 0x21, lane);
  f64mul = () => this.op(0xa2);
  v128load = (offset = 0) => this.op(0xfd, 0x00, 3).u(offset);
  v128store = (offset = 0) => this.op(0xfd, 0x0b, 3).u(offset);
  /** v128.load64_splat: one float64 from memory into both lanes. */
  splat64 = (offset = 0) => this.op(0xfd, 0x0a, 3).u(offset);
  f64x2add = () => this.op(0xfd, 0xf0, 0x01);
  f64x2mul = () => this.op(0xfd, 0xf2, 0x01);
  /** `while (cond) body` with `cond` leaving an i32 on the stack. */
  while(cond: () => void, body: () => void): this {
    this.op(0x02, 0x40, 0x03, 0x40); // block, loop
    cond();
    this.op(0x45, 0x0d, 1); // i32.eqz, br_if 1 (leave the block)
    body();
    this.op(0x0c, 0, 0x0b, 0x0b); // br 0 (loop), end loop, end block
    return this;
  }
  if(cond: () => void, body: () => void): this {
    cond();
    this.op(0x04, 0x40);
    body();
    this.op(0x0b);
    return this;
  }
  /** local += delta (i32) */
  inc(l: number, delta: number | (() => void)): this {
    this.get(l);
    if (typeof delta === "number") this.i32(delta);
    else delta();
    return this.add().set(l);
  }
}

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  out.push(...body);
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/**
 * The module: imports memory "e"."m" (fixed size) and exports "g" =
 * gemm(a, b, c, n, k, m) with a, b, c byte offsets of row-major float64 matrices; C += A @ B.
 */
export function gemmModuleBytes(pages: number, MR = TILE_ROWS): Uint8Array {
  // params
  const A = 0, B = 1, C = 2, N = 3, K = 4, M = 5;
  // i32 locals: then KB[r] = r * k * 8 for r = 1..MR-1
  const P0 = 6, P1 = 7, J = 8, I = 9, P = 10, N4 = 11, M4 = 12, AR = 13, BP = 14, CP = 15, MB = 16, M2 = 17;
  const KBR = (r: number) => 17 + r;
  const I32_LOCALS = 12 + MR - 1;
  // v128 locals: 2*MR accumulators, two B vectors, one broadcast of A
  const ACC = 6 + I32_LOCALS;
  const B0 = ACC + 2 * MR, B1 = B0 + 1, AV = B0 + 2;
  const V128_LOCALS = 2 * MR + 3;
  // f64 locals
  const S = ACC + V128_LOCALS;
  const F64_LOCALS = 1;

  const c = new Code();
  const acc = (r: number, h: number) => ACC + 2 * r + h;
  // kb[r] = r*k*8, mb = m*8, n4 = n - n % MR, m4 = m & ~3, m2 = m & ~1
  c.get(K).i32(3).op(0x74).set(KBR(1));
  for (let r = 2; r < MR; r++) c.get(KBR(r - 1)).get(KBR(1)).add().set(KBR(r));
  c.get(M).i32(3).op(0x74).set(MB);
  c.get(N).get(N).i32(MR).op(0x6f).sub().set(N4); // i32.rem_s
  c.get(M).i32(-4).and().set(M4);
  c.get(M).i32(-2).and().set(M2);
  c.i32(0).set(P0);
  // A[i][p0] address: a + (i*k + p0)*8 ; B[p0][j]: b + (p0*m + j)*8 ; C[i][j]: c + (i*m + j)*8
  const aRow = (row: () => void) => {
    c.get(A);
    row();
    c.get(K).mul().get(P0).add().i32(3).op(0x74).add().set(AR);
  };
  const bCol = (col: () => void) => {
    c.get(B).get(P0).get(M).mul();
    col();
    c.add().i32(3).op(0x74).add().set(BP);
  };
  const cAt = (row: () => void, col: () => void) => {
    c.get(C);
    row();
    c.get(M).mul();
    col();
    c.add().i32(3).op(0x74).add().set(CP);
  };
  /** for p in p0..p1: body(); ar += 8; bp += mb */
  const pLoop = (body: () => void) => {
    c.get(P0).set(P);
    c.while(
      () => c.get(P).get(P1).ltS(),
      () => {
        body();
        c.inc(AR, 8).inc(BP, () => c.get(MB)).inc(P, 1);
      },
    );
  };
  const madd = (a: number, b: number, dst: number) => c.get(dst).get(a).get(b).f64x2mul().f64x2add().set(dst);

  c.while(
    () => c.get(P0).get(K).ltS(),
    () => {
      // p1 = min(p0 + KC, k)
      c.get(P0).i32(KC).add().tee(P1).get(K).get(P1).get(K).ltS().select().set(P1);
      // ---- 4 columns at a time ----
      c.i32(0).set(J);
      c.while(
        () => c.get(J).get(M4).ltS(),
        () => {
          // MR rows x 4 columns: 2*MR accumulators
          c.i32(0).set(I);
          c.while(
            () => c.get(I).get(N4).ltS(),
            () => {
              cAt(() => c.get(I), () => c.get(J));
              for (let r = 0; r < MR; r++) {
                const rowOff = () => {
                  c.get(CP);
                  if (r > 0) c.get(MB).i32(r).mul().add();
                };
                rowOff();
                c.v128load(0).set(acc(r, 0));
                rowOff();
                c.v128load(16).set(acc(r, 1));
              }
              aRow(() => c.get(I));
              bCol(() => c.get(J));
              pLoop(() => {
                c.get(BP).v128load(0).set(B0);
                c.get(BP).v128load(16).set(B1);
                for (let r = 0; r < MR; r++) {
                  c.get(AR);
                  if (r > 0) c.get(KBR(r)).add();
                  c.splat64(0).set(AV);
                  madd(AV, B0, acc(r, 0));
                  madd(AV, B1, acc(r, 1));
                }
              });
              for (let r = 0; r < MR; r++) {
                const rowOff = () => {
                  c.get(CP);
                  if (r > 0) c.get(MB).i32(r).mul().add();
                };
                rowOff();
                c.get(acc(r, 0)).v128store(0);
                rowOff();
                c.get(acc(r, 1)).v128store(16);
              }
              c.inc(I, MR);
            },
          );
          // the remaining rows, one at a time
          c.while(
            () => c.get(I).get(N).ltS(),
            () => {
              cAt(() => c.get(I), () => c.get(J));
              c.get(CP).v128load(0).set(acc(0, 0));
              c.get(CP).v128load(16).set(acc(0, 1));
              aRow(() => c.get(I));
              bCol(() => c.get(J));
              pLoop(() => {
                c.get(AR).splat64(0).set(AV);
                c.get(BP).v128load(0).set(B0);
                c.get(BP).v128load(16).set(B1);
                madd(AV, B0, acc(0, 0));
                madd(AV, B1, acc(0, 1));
              });
              c.get(CP).get(acc(0, 0)).v128store(0);
              c.get(CP).get(acc(0, 1)).v128store(16);
              c.inc(I, 1);
            },
          );
          c.inc(J, 4);
        },
      );
      // ---- a remaining pair of columns (m % 4 >= 2) ----
      c.if(
        () => c.get(M4).get(M2).ltS(),
        () => {
          c.i32(0).set(I);
          c.while(
            () => c.get(I).get(N).ltS(),
            () => {
              cAt(() => c.get(I), () => c.get(M4));
              c.get(CP).v128load(0).set(acc(0, 0));
              aRow(() => c.get(I));
              bCol(() => c.get(M4));
              pLoop(() => {
                c.get(AR).splat64(0).set(AV);
                c.get(BP).v128load(0).set(B0);
                madd(AV, B0, acc(0, 0));
              });
              c.get(CP).get(acc(0, 0)).v128store(0);
              c.inc(I, 1);
            },
          );
        },
      );
      // ---- a last odd column: scalar ----
      c.if(
        () => c.get(M2).get(M).ltS(),
        () => {
          c.i32(0).set(I);
          c.while(
            () => c.get(I).get(N).ltS(),
            () => {
              cAt(() => c.get(I), () => c.get(M2));
              c.get(CP).f64load(0).set(S);
              aRow(() => c.get(I));
              bCol(() => c.get(M2));
              pLoop(() => {
                c.get(S).get(AR).f64load(0).get(BP).f64load(0).f64mul().f64add().set(S);
              });
              c.get(CP).get(S).f64store(0);
              c.inc(I, 1);
            },
          );
        },
      );
      c.inc(P0, KC);
    },
  );
  c.op(0x0b); // end of function
  const gemmBody = funcBody(c, [[I32_LOCALS, I32], [V128_LOCALS, V128], [F64_LOCALS, F64]]);

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // types: 0 = (i32 x6) -> (), 1 = (i32, i32) -> f64
  section(1, [2, 0x60, 6, I32, I32, I32, I32, I32, I32, 0, 0x60, 2, I32, I32, 1, F64], out);
  const imp: number[] = [1];
  name("e", imp);
  name("m", imp);
  imp.push(0x02, 0x01); // memory, limits with max
  uleb(pages, imp);
  uleb(pages, imp);
  section(2, imp, out);
  section(3, [3, 0, 0, 1], out); // g and s have type 0, f type 1
  const exp: number[] = [3];
  name("g", exp);
  exp.push(0x00, 0);
  name("s", exp);
  exp.push(0x00, 1);
  name("f", exp);
  exp.push(0x00, 2);
  section(7, exp, out);
  const bodies = [gemmBody, sparseRowsBody(), finiteProbeBody()];
  const code: number[] = [bodies.length];
  for (const b of bodies) {
    uleb(b.length, code);
    code.push(...b);
  }
  section(10, code, out);
  return Uint8Array.from(out);
}

function funcBody(c: Code, locals: [count: number, type: number][]): number[] {
  const body: number[] = [];
  uleb(locals.length, body);
  for (const [count, type] of locals) {
    uleb(count, body);
    body.push(type);
  }
  body.push(...c.b);
  return body;
}

/**
 * s(a, b, c, n, k, m): C += A @ B for an A with many zeros (inputs such as images, ReLU outputs):
 * each row of C gets `a * B[p]` for every nonzero `a = A[i][p]`, p in ascending order. Every
 * element is still summed `((0 + a0*b0) + a1*b1) + ...` with a separate multiply and add; a
 * skipped term is `0 * b`, which adds nothing (C starts at +0 and a sum that starts at +0 never
 * becomes -0), as long as B is finite: the caller checks that with `f` first.
 */
function sparseRowsBody(): number[] {
  const A = 0, B = 1, C = 2, N = 3, K = 4, M = 5;
  const I = 6, P = 7, J = 8, AR = 9, BP = 10, CR = 11, CP = 12, BQ = 13, MB = 14, M2 = 15, M4 = 16;
  const AV = 17; // v128
  const S = 18; // f64
  const c = new Code();
  const axpy = (off: number) => {
    c.get(CP).get(CP).v128load(off).get(AV).get(BQ).v128load(off).f64x2mul().f64x2add().v128store(off);
  };
  c.get(M).i32(3).op(0x74).set(MB);
  c.get(M).i32(-4).and().set(M4);
  c.get(M).i32(-2).and().set(M2);
  c.get(A).set(AR);
  c.get(C).set(CR);
  c.i32(0).set(I);
  c.while(
    () => c.get(I).get(N).ltS(),
    () => {
      c.get(B).set(BP);
      c.i32(0).set(P);
      c.while(
        () => c.get(P).get(K).ltS(),
        () => {
          c.get(AR).f64load(0).set(S);
          c.if(
            () => c.get(S).f64const(0).f64ne(),
            () => {
              c.get(S).f64x2splat().set(AV);
              c.get(CR).set(CP);
              c.get(BP).set(BQ);
              c.i32(0).set(J);
              c.while(
                () => c.get(J).get(M4).ltS(),
                () => {
                  axpy(0);
                  axpy(16);
                  c.inc(CP, 32).inc(BQ, 32).inc(J, 4);
                },
              );
              c.if(
                () => c.get(J).get(M2).ltS(),
                () => {
                  axpy(0);
                  c.inc(CP, 16).inc(BQ, 16);
                },
              );
              c.if(
                () => c.get(M2).get(M).ltS(),
                () => {
                  c.get(CP).get(CP).f64load(0).get(S).get(BQ).f64load(0).f64mul().f64add().f64store(0);
                },
              );
            },
          );
          c.inc(AR, 8).inc(BP, () => c.get(MB)).inc(P, 1);
        },
      );
      c.inc(CR, () => c.get(MB)).inc(I, 1);
    },
  );
  c.op(0x0b);
  return funcBody(c, [[11, I32], [1, V128], [1, F64]]);
}

/** f(b, len): the sum of `x * 0` over len float64 at b: 0 when all are finite, NaN otherwise. */
function finiteProbeBody(): number[] {
  const B = 0, LEN = 1;
  const I = 2, L2 = 3;
  const ACC = 4, ZERO = 5; // v128
  const S = 6; // f64
  const c = new Code();
  c.get(LEN).i32(-2).and().set(L2);
  c.f64const(0).f64x2splat().set(ZERO);
  c.f64const(0).f64x2splat().set(ACC);
  c.f64const(0).set(S);
  c.i32(0).set(I);
  c.while(
    () => c.get(I).get(L2).ltS(),
    () => {
      c.get(ACC).get(B).v128load(0).get(ZERO).f64x2mul().f64x2add().set(ACC);
      c.inc(B, 16).inc(I, 2);
    },
  );
  c.if(
    () => c.get(L2).get(LEN).ltS(),
    () => {
      c.get(S).get(B).f64load(0).f64const(0).f64mul().f64add().set(S);
    },
  );
  c.get(ACC).f64x2lane(0).get(ACC).f64x2lane(1).f64add().get(S).f64add();
  c.op(0x0b);
  return funcBody(c, [[2, I32], [2, V128], [1, F64]]);
}

// ---- the kernel --------------------------------------------------------------------------------

/** Wasm pages (64 KiB) of the fixed memory: 8 MiB, 1 Mi float64. */
export const GEMM_PAGES = 128;
/** A share of zeros in A (from a sample) above which the sparse kernel takes the product. */
const SPARSE_ZEROS = 0.6;
const SPARSE_SAMPLE = 512;
// Taken when nd loads (before learner code, which may replace Math's functions).
const { max: mathMax, floor: mathFloor } = Math;

/** Whether at least SPARSE_ZEROS of `len` values from `off` are zeros, judged on an even sample (either kernel gives the same result; this only picks the faster). */
function mostlyZeros(A: Float64Array, off: number, len: number): boolean {
  const step = mathMax(1, mathFloor(len / SPARSE_SAMPLE));
  let zeros = 0;
  let seen = 0;
  for (let i = 0; i < len; i += step, seen++) if (A[off + i] === 0) zeros++;
  return zeros >= SPARSE_ZEROS * seen;
}

/** Products smaller than this (n*k*m) stay in TypeScript: not worth the copies. */
const MIN_WORK = 2048;

/**
 * A matmul kernel on WebAssembly, or undefined if this engine cannot build it (no SIMD, say).
 * The module is compiled and its memory reserved on the first product large enough to use it.
 */
export function createWasmGemm(api: WasmApi, pages = GEMM_PAGES): GemmKernel | undefined {
  // TypedArray methods taken now, before any learner code can replace them.
  const TA = Object.getPrototypeOf(Float64Array.prototype) as object;
  const uncurry = <F extends (...a: never[]) => unknown>(f: F) => Function.prototype.call.bind(f) as unknown as (self: unknown, ...a: Parameters<F>) => ReturnType<F>;
  const taSet = uncurry((TA as { set: (src: ArrayLike<number>, offset?: number) => void }).set);
  const taSubarray = uncurry((TA as { subarray: (a: number, b: number) => Float64Array }).subarray);
  const taFill = uncurry((TA as { fill: (v: number, a: number, b: number) => void }).fill);
  const taLength = uncurry(Object.getOwnPropertyDescriptor(TA, "length")!.get! as () => number);
  const { min, floor } = Math;
  const Module = api.Module;
  const Instance = api.Instance;
  const Memory = api.Memory;
  const capacity = (pages * 65536) / 8;

  let heap: Float64Array | undefined;
  type Run = (a: number, b: number, c: number, n: number, k: number, m: number) => void;
  let run: Run | undefined;
  let runSparse: Run | undefined;
  let finiteProbe: ((b: number, len: number) => number) | undefined;
  let broken = false;

  const init = (): boolean => {
    if (run) return true;
    if (broken) return false;
    try {
      const memory = new Memory({ initial: pages, maximum: pages });
      const instance = new Instance(new Module(gemmModuleBytes(pages)), { e: { m: memory } });
      heap = new Float64Array(memory.buffer);
      run = instance.exports.g as Run;
      runSparse = instance.exports.s as Run;
      finiteProbe = instance.exports.f as typeof finiteProbe;
      return true;
    } catch {
      broken = true;
      return false;
    }
  };

  return (A, aOff, B, bOff, C, cOff, n, k, m) => {
    if (n * k * m < MIN_WORK) return false;
    // Panels of A's rows: memory holds B, then `rows` rows of A and of C.
    const rows = min(n, floor((capacity - k * m) / (k + m)));
    if (rows < 1) return false;
    if (taLength(A) < aOff + n * k || taLength(B) < bOff + k * m || taLength(C) < cOff + n * m) return false;
    if (!init()) return false;
    const h = heap!;
    const bAt = 0;
    const aAt = k * m;
    const cAt = aAt + rows * k;
    // (Whole arrays are copied as they are: no subarray views for the common case.)
    const part = (X: Float64Array, from: number, to: number) => (from === 0 && to === taLength(X) ? X : taSubarray(X, from, to));
    taSet(h, part(B, bOff, bOff + k * m), bAt);
    // Mostly zeros in A (images, ReLU outputs): skip them, exactly, when B is finite.
    const g = mostlyZeros(A, aOff, n * k) && finiteProbe!(bAt * 8, k * m) === 0 ? runSparse! : run!;
    for (let r0 = 0; r0 < n; r0 += rows) {
      const r = min(rows, n - r0);
      taSet(h, part(A, aOff + r0 * k, aOff + (r0 + r) * k), aAt);
      taFill(h, 0, cAt, cAt + r * m);
      g(aAt * 8, bAt * 8, cAt * 8, r, k, m);
      taSet(C, taSubarray(h, cAt, cAt + r * m), cOff + r0 * m);
    }
    return true;
  };
}
