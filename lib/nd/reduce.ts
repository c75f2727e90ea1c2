/**
 * Reductions along one axis or over all elements: sum, mean, max, min,
 * argmax, argmin.
 *
 * All share the signature `(t, axis?, keepDims = false)`:
 * - `axis` undefined reduces every element to a scalar (shape `[]`);
 * - a negative `axis` counts from the end (`-1` = last axis);
 * - `keepDims = true` keeps the reduced axis with size 1, which makes the
 *   result broadcast back against the input (e.g. `sub(x, max(x, -1, true))`).
 *
 * @module
 */

import type { TensorInput } from "./broadcast.ts";
import { Tensor, asTensor } from "./tensor.ts";
import { describeValue, formatShape, ndError, normalizeAxis, shapeSize } from "./util.ts";

interface Plan {
  x: Tensor;
  outer: number;
  n: number;
  inner: number;
  outShape: number[];
}

/** View the input as `[outer, n, inner]` where `n` is the reduced axis. */
function plan(op: string, t: TensorInput, axis: number | undefined, keepDims: boolean | undefined): Plan {
  const x = asTensor(t, "t", op);
  if (keepDims !== undefined && typeof keepDims !== "boolean") {
    throw ndError(op, `keepDims must be a boolean, but got ${describeValue(keepDims)}`);
  }
  let p: Plan;
  if (axis === undefined) {
    p = { x, outer: 1, n: x.size, inner: 1, outShape: keepDims ? x.shape.map(() => 1) : [] };
  } else {
    const a = normalizeAxis(axis, x.ndim, op);
    const outShape = x.shape.slice();
    if (keepDims) outShape[a] = 1;
    else outShape.splice(a, 1);
    p = {
      x,
      outer: shapeSize(x.shape.slice(0, a)),
      n: x.shape[a]!,
      inner: shapeSize(x.shape.slice(a + 1)),
      outShape,
    };
  }
  return p;
}

function assertNonEmpty(op: string, p: Plan, axis: number | undefined): void {
  if (p.n === 0 && p.outer * p.inner > 0) {
    const where = axis === undefined ? "" : ` along axis ${axis}`;
    throw ndError(op, `cannot reduce an empty tensor${where} (shape ${formatShape(p.x.shape)}): there is no identity for ${op}`);
  }
}

function sumPlan(p: Plan): Float64Array {
  const { outer, n, inner } = p;
  const src = p.x.data;
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    for (let r = 0; r < n; r++) {
      const rb = (o * n + r) * inner;
      for (let i = 0; i < inner; i++) out[ob + i] += src[rb + i]!;
    }
  }
  return out;
}

/**
 * Sum of elements, over all elements or along `axis`. Empty sums are `0`.
 *
 * @example
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * sum(x).item();               // 21
 * sum(x, 0).toArray();         // [5, 7, 9]
 * sum(x, 1, true).toArray();   // [[6], [15]]
 * sum(dy, 0);                  // bias gradient: sum over the batch axis
 * @param t - Tensor or number.
 * @param axis - Axis to reduce (negative counts from the end); default all elements.
 * @param keepDims - Keep the reduced axis with size 1 (default `false`).
 */
export function sum(t: TensorInput, axis?: number, keepDims?: boolean): Tensor {
  const p = plan("sum", t, axis, keepDims);
  return new Tensor(sumPlan(p), p.outShape);
}

/**
 * Arithmetic mean, over all elements or along `axis`. The mean of an empty
 * set is NaN (as in numpy).
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]]);
 * mean(x).item();        // 2.5
 * mean(x, 1).toArray();  // [1.5, 3.5]
 * @param t - Tensor or number.
 * @param axis - Axis to reduce (negative counts from the end); default all elements.
 * @param keepDims - Keep the reduced axis with size 1 (default `false`).
 */
export function mean(t: TensorInput, axis?: number, keepDims?: boolean): Tensor {
  const p = plan("mean", t, axis, keepDims);
  const out = sumPlan(p);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / p.n;
  return new Tensor(out, p.outShape);
}

/** Shared max/min/argmax/argmin kernel; `better(v, best)` says when v replaces best. */
function extreme(p: Plan, better: (v: number, best: number) => boolean, wantIndex: boolean): Float64Array {
  const { outer, n, inner } = p;
  const src = p.x.data;
  const best = new Float64Array(outer * inner);
  const arg = wantIndex ? new Float64Array(outer * inner) : best;
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    const base = o * n * inner;
    for (let i = 0; i < inner; i++) best[ob + i] = src[base + i]!;
    for (let r = 1; r < n; r++) {
      const rb = base + r * inner;
      for (let i = 0; i < inner; i++) {
        const v = src[rb + i]!;
        if (better(v, best[ob + i]!)) {
          best[ob + i] = v;
          if (wantIndex) arg[ob + i] = r;
        }
      }
    }
  }
  return wantIndex ? arg : best;
}

// NaN propagates: once the running best is NaN nothing replaces it.
const greaterOrNaN = (v: number, b: number): boolean => v > b || (v !== v && b === b);
const lessOrNaN = (v: number, b: number): boolean => v < b || (v !== v && b === b);

/**
 * Largest element, over all elements or along `axis`. NaN propagates.
 * (For the element-wise larger of two tensors use `maximum`.)
 *
 * @example
 * const x = tensor([[1, 5], [7, 2]]);
 * max(x).item();             // 7
 * max(x, 1).toArray();       // [5, 7]
 * max(x, -1, true).toArray(); // [[5], [7]]  (broadcasts against x)
 * @param t - Tensor or number.
 * @param axis - Axis to reduce (negative counts from the end); default all elements.
 * @param keepDims - Keep the reduced axis with size 1 (default `false`).
 * @throws If the reduced axis (or the whole tensor) is empty.
 */
export function max(t: TensorInput, axis?: number, keepDims?: boolean): Tensor {
  const p = plan("max", t, axis, keepDims);
  assertNonEmpty("max", p, axis);
  return new Tensor(extreme(p, greaterOrNaN, false), p.outShape);
}

/**
 * Smallest element, over all elements or along `axis`. NaN propagates.
 * (For the element-wise smaller of two tensors use `minimum`.)
 *
 * @example
 * min(tensor([[1, 5], [7, 2]]), 0).toArray(); // [1, 2]
 * @param t - Tensor or number.
 * @param axis - Axis to reduce (negative counts from the end); default all elements.
 * @param keepDims - Keep the reduced axis with size 1 (default `false`).
 * @throws If the reduced axis (or the whole tensor) is empty.
 */
export function min(t: TensorInput, axis?: number, keepDims?: boolean): Tensor {
  const p = plan("min", t, axis, keepDims);
  assertNonEmpty("min", p, axis);
  return new Tensor(extreme(p, lessOrNaN, false), p.outShape);
}

/**
 * Index of the largest element, as a Tensor of integer-valued floats. Without
 * `axis` the index is a flat (row-major) position. Ties go to the first
 * occurrence; a NaN counts as the largest.
 *
 * @example
 * const logits = tensor([[0.1, 2, 0.3], [5, 1, 0]]);
 * argmax(logits, 1).toArray(); // [1, 0]   (predicted class per row)
 * argmax(logits).item();       // 3        (flat position of 5)
 * @param t - Tensor or number.
 * @param axis - Axis to reduce (negative counts from the end); default all elements.
 * @param keepDims - Keep the reduced axis with size 1 (default `false`).
 * @throws If the reduced axis (or the whole tensor) is empty.
 */
export function argmax(t: TensorInput, axis?: number, keepDims?: boolean): Tensor {
  const p = plan("argmax", t, axis, keepDims);
  assertNonEmpty("argmax", p, axis);
  return new Tensor(extreme(p, greaterOrNaN, true), p.outShape);
}

/**
 * Index of the smallest element, as a Tensor of integer-valued floats.
 * Without `axis` the index is a flat (row-major) position. Ties go to the
 * first occurrence; a NaN counts as the smallest.
 *
 * @example
 * argmin(tensor([[3, 1], [0, 4]]), 1).toArray(); // [1, 0]
 * @param t - Tensor or number.
 * @param axis - Axis to reduce (negative counts from the end); default all elements.
 * @param keepDims - Keep the reduced axis with size 1 (default `false`).
 * @throws If the reduced axis (or the whole tensor) is empty.
 */
export function argmin(t: TensorInput, axis?: number, keepDims?: boolean): Tensor {
  const p = plan("argmin", t, axis, keepDims);
  assertNonEmpty("argmin", p, axis);
  return new Tensor(extreme(p, lessOrNaN, true), p.outShape);
}
