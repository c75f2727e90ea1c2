/**
 * Linear algebra: `matmul` (with numpy's 1-D and batched rules), `dot`, `outer`.
 *
 * @module
 */

import type { TensorInput } from "./broadcast.ts";
import { Tensor, asTensor } from "./tensor.ts";
import { broadcastStrides, formatShape, ndError, shapeSize, shapesEqual, stridesOf } from "./util.ts";

/**
 * `C[cOff..] += A[aOff..] @ B[bOff..]` for row-major `[n,k] x [k,m]` blocks.
 * i-k-j order (unit-stride inner loop), four rows of A at a time so each row
 * of B is streamed from memory once per four output rows.
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
  if (m === 1) {
    // Matrix-vector: plain dot products are faster than a 1-wide inner loop.
    for (let i = 0; i < n; i++) {
      const ai = aOff + i * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ai + p]! * B[bOff + p]!;
      C[cOff + i] = s;
    }
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = aOff + i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    const c0 = cOff + i * m;
    const c1 = c0 + m;
    const c2 = c1 + m;
    const c3 = c2 + m;
    for (let p = 0; p < k; p++) {
      const v0 = A[a0 + p]!;
      const v1 = A[a1 + p]!;
      const v2 = A[a2 + p]!;
      const v3 = A[a3 + p]!;
      const bp = bOff + p * m;
      for (let j = 0; j < m; j++) {
        const b = B[bp + j]!;
        C[c0 + j]! += v0 * b;
        C[c1 + j]! += v1 * b;
        C[c2 + j]! += v2 * b;
        C[c3 + j]! += v3 * b;
      }
    }
  }
  for (; i < n; i++) {
    const ai = aOff + i * k;
    const ci = cOff + i * m;
    for (let p = 0; p < k; p++) {
      const v = A[ai + p]!;
      const bp = bOff + p * m;
      for (let j = 0; j < m; j++) C[ci + j]! += v * B[bp + j]!;
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
  if (batch.length === 0) {
    gemm(A, 0, B, 0, out, 0, n, k, m);
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
    gemm(A, ia * n * k, B, ib * k * m, out, t * n * m, n, k, m);
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
