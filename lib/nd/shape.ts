/**
 * Shape manipulation: reshape, transpose, squeeze/expandDims, flatten.
 * Every function returns a new tensor with its own data (nothing is a view
 * of its input).
 *
 * @module
 */

import type { TensorInput } from "./broadcast.ts";
import { Tensor, asTensor } from "./tensor.ts";
import { describeValue, formatShape, formatValue, isInt, ndError, normalizeAxis, shapeSize, stridesOf } from "./util.ts";

/**
 * Same elements in the same (row-major) order, new shape. At most one
 * dimension may be `-1`; it is inferred from the others.
 *
 * @example
 * reshape(arange(6), [2, 3]).toArray(); // [[0, 1, 2], [3, 4, 5]]
 * reshape(x, [x.shape[0], -1]);          // flatten all but the batch axis
 * reshape(tensor([7]), []);               // scalar
 * reshape(zeros([2, 3]), [4]); // throws "Error in reshape: cannot reshape [2,3] (6 elements) into [4]"
 * @param t - Tensor to reshape.
 * @param shape - New shape with the same number of elements (one entry may be `-1`).
 */
export function reshape(t: TensorInput, shape: number[]): Tensor {
  const x = asTensor(t, "t", "reshape");
  if (!Array.isArray(shape) || !shape.every((d) => isInt(d) && d >= -1)) {
    const got = Array.isArray(shape) ? `[${shape.map(formatValue).join(",")}]` : describeValue(shape);
    throw ndError("reshape", `shape must be an array of non-negative integers (or one -1), but got ${got}`);
  }
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw ndError("reshape", `only one dimension can be -1, but got ${formatShape(shape)}`);
  const out = shape.slice();
  if (free === 1) {
    const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (known === 0 || x.size % known !== 0) {
      throw ndError(
        "reshape",
        `cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`,
      );
    }
    out[out.indexOf(-1)] = x.size / known;
  }
  if (shapeSize(out) !== x.size) {
    throw ndError("reshape", `cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
  }
  return new Tensor(x.data.slice(), out);
}

/**
 * Permute the axes. Without `perm`, reverses them (a matrix transpose for 2-D).
 * `out.shape[i] = t.shape[perm[i]]`.
 *
 * @example
 * transpose(tensor([[1, 2, 3], [4, 5, 6]])).toArray(); // [[1, 4], [2, 5], [3, 6]]
 * transpose(zeros([2, 3, 4]), [0, 2, 1]).shape;        // [2, 4, 3]
 * transpose(tensor([1, 2])).toArray();                 // [1, 2] (1-D is unchanged)
 * @param t - Tensor to transpose.
 * @param perm - A permutation of `0..ndim-1` (negative axes allowed).
 */
export function transpose(t: TensorInput, perm?: number[]): Tensor {
  const x = asTensor(t, "t", "transpose");
  const nd = x.ndim;
  let p: number[];
  if (perm === undefined) p = Array.from({ length: nd }, (_, i) => nd - 1 - i);
  else {
    if (!Array.isArray(perm) || perm.length !== nd) {
      throw ndError(
        "transpose",
        `perm must list each of the ${nd} axes once, but got ${Array.isArray(perm) ? formatShape(perm) : describeValue(perm)} for shape ${formatShape(x.shape)}`,
      );
    }
    p = perm.map((a) => normalizeAxis(a, nd, "transpose"));
    if (new Set(p).size !== nd) {
      throw ndError("transpose", `perm must be a permutation of the axes, but got ${formatShape(perm)}`);
    }
  }
  const shape = p.map((a) => x.shape[a]!);
  const n = x.size;
  const out = new Float64Array(n);
  const src = x.data;
  if (n === 0 || nd === 0) {
    out.set(src);
    return new Tensor(out, shape);
  }
  if (nd === 2 && p[0] === 1) {
    const r = x.shape[0]!;
    const c = x.shape[1]!;
    for (let i = 0; i < r; i++) {
      const base = i * c;
      for (let j = 0; j < c; j++) out[j * r + i] = src[base + j]!;
    }
    return new Tensor(out, shape);
  }
  const inStrides = stridesOf(x.shape);
  const st = p.map((a) => inStrides[a]!);
  const idx = new Array<number>(nd).fill(0);
  let q = 0;
  for (let o = 0; o < n; o++) {
    out[o] = src[q]!;
    for (let ax = nd - 1; ax >= 0; ax--) {
      idx[ax]!++;
      q += st[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      q -= st[ax]! * shape[ax]!;
      idx[ax] = 0;
    }
  }
  return new Tensor(out, shape);
}

/**
 * Remove size-1 axes: all of them, or only `axis` (which must have size 1).
 *
 * @example
 * squeeze(zeros([1, 3, 1])).shape;    // [3]
 * squeeze(zeros([1, 3, 1]), -1).shape; // [1, 3]
 * squeeze(zeros([1])).shape;           // [] (scalar)
 * @param t - Tensor.
 * @param axis - Axis to remove (negative counts from the end); default all size-1 axes.
 */
export function squeeze(t: TensorInput, axis?: number): Tensor {
  const x = asTensor(t, "t", "squeeze");
  let shape: number[];
  if (axis === undefined) shape = x.shape.filter((d) => d !== 1);
  else {
    const a = normalizeAxis(axis, x.ndim, "squeeze");
    if (x.shape[a] !== 1) {
      throw ndError("squeeze", `cannot squeeze axis ${axis} of shape ${formatShape(x.shape)}: its size is ${x.shape[a]}, not 1`);
    }
    shape = x.shape.filter((_, i) => i !== a);
  }
  return new Tensor(x.data.slice(), shape);
}

/**
 * Insert a new axis of size 1 at position `axis` (`-1` appends at the end).
 *
 * @example
 * expandDims(zeros([3]), 0).shape;  // [1, 3]
 * expandDims(zeros([3]), -1).shape; // [3, 1]
 * @param t - Tensor.
 * @param axis - Position of the new axis in the result, `-ndim-1 <= axis <= ndim`.
 */
export function expandDims(t: TensorInput, axis: number): Tensor {
  const x = asTensor(t, "t", "expandDims");
  const a = normalizeAxis(axis, x.ndim + 1, "expandDims");
  const shape = x.shape.slice();
  shape.splice(a, 0, 1);
  return new Tensor(x.data.slice(), shape);
}

/**
 * Reshape to 1-D (`[size]`), row-major order.
 *
 * @example
 * flatten(tensor([[1, 2], [3, 4]])).toArray(); // [1, 2, 3, 4]
 * flatten(scalar(5)).shape;                    // [1]
 * @param t - Tensor.
 */
export function flatten(t: TensorInput): Tensor {
  const x = asTensor(t, "t", "flatten");
  return new Tensor(x.data.slice(), [x.size]);
}
