/**
 * Selecting and combining: slice, gather, concat, stack, pad. Every function
 * returns a new tensor with its own data (nothing is a view of its input).
 *
 * @module
 */

import type { TensorInput } from "./broadcast.ts";
import { Tensor, asTensor } from "./tensor.ts";
import {
  assertNumber,
  describeValue,
  formatShape,
  formatValue,
  isInt,
  ndError,
  normalizeAxis,
  shapeSize,
  shapesEqual,
  stridesOf,
} from "./util.ts";

/**
 * Copy a `block`-shaped region from `src` (shape `srcShape`, starting at
 * `srcBegin`) into `dst` (shape `dstShape`, starting at `dstBegin`).
 * Rows along the last axis are copied with `TypedArray.set`.
 */
function copyBlock(
  src: Float64Array,
  srcShape: readonly number[],
  srcBegin: readonly number[],
  dst: Float64Array,
  dstShape: readonly number[],
  dstBegin: readonly number[],
  block: readonly number[],
): void {
  const nd = block.length;
  if (shapeSize(block) === 0) return;
  if (nd === 0) {
    dst[0] = src[0]!;
    return;
  }
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  let ps = 0;
  let pd = 0;
  for (let a = 0; a < nd; a++) {
    ps += srcBegin[a]! * ss[a]!;
    pd += dstBegin[a]! * ds[a]!;
  }
  const row = block[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  for (;;) {
    dst.set(src.subarray(ps, ps + row), pd);
    let ax = nd - 2;
    for (; ax >= 0; ax--) {
      idx[ax]!++;
      ps += ss[ax]!;
      pd += ds[ax]!;
      if (idx[ax]! < block[ax]!) break;
      ps -= ss[ax]! * block[ax]!;
      pd -= ds[ax]! * block[ax]!;
      idx[ax] = 0;
    }
    if (ax < 0) return;
  }
}

/**
 * Extract a contiguous block: along each axis `a`, take `size[a]` entries
 * starting at `begin[a]`. A size of `-1` means "up to the end"; a negative
 * begin counts from the end.
 *
 * @example
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * slice(x, [0, 1], [2, 2]).toArray();  // [[2, 3], [5, 6]]
 * slice(x, [1, 0], [1, -1]).toArray(); // [[4, 5, 6]]
 * slice(data, [i, 0], [batchSize, -1]); // a mini-batch of rows
 * @param t - Tensor.
 * @param begin - Start index per axis (one entry per axis).
 * @param size - Length per axis (`-1` = to the end; `0` gives an empty result).
 */
export function slice(t: TensorInput, begin: number[], size: number[]): Tensor {
  const x = asTensor(t, "t", "slice");
  const nd = x.ndim;
  if (!Array.isArray(begin) || begin.length !== nd || !begin.every(isInt)) {
    throw ndError(
      "slice",
      `begin must have one integer per axis (${nd} for shape ${formatShape(x.shape)}), but got ${Array.isArray(begin) ? `[${begin.map(formatValue).join(",")}]` : describeValue(begin)}`,
    );
  }
  if (!Array.isArray(size) || size.length !== nd || !size.every((s) => isInt(s) && s >= -1)) {
    throw ndError(
      "slice",
      `size must have one integer >= -1 per axis (${nd} for shape ${formatShape(x.shape)}), but got ${Array.isArray(size) ? `[${size.map(formatValue).join(",")}]` : describeValue(size)}`,
    );
  }
  const b = begin.map((v, a) => (v < 0 ? v + x.shape[a]! : v));
  const s = size.map((v, a) => (v === -1 ? x.shape[a]! - b[a]! : v));
  for (let a = 0; a < nd; a++) {
    const d = x.shape[a]!;
    if (b[a]! < 0 || b[a]! > d || b[a]! + s[a]! > d || s[a]! < 0) {
      throw ndError(
        "slice",
        `begin ${formatShape(begin)} with size ${formatShape(size)} is out of bounds for shape ${formatShape(x.shape)} (axis ${a})`,
      );
    }
  }
  const out = new Float64Array(shapeSize(s));
  copyBlock(x.data, x.shape, b, out, s, new Array<number>(nd).fill(0), s);
  return new Tensor(out, s);
}

/**
 * Select entries along `axis` by index (numpy `take`), e.g. rows of a
 * dataset or embedding vectors. Indices may repeat and may be negative
 * (counting from the end). With a Tensor of indices the result shape is
 * `t.shape[:axis] + indices.shape + t.shape[axis+1:]`; with an array it is
 * `t.shape` with `t.shape[axis]` replaced by `indices.length`.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * gather(x, [2, 0]).toArray();       // [[5, 6], [1, 2]]
 * gather(x, [1], 1).toArray();       // [[2], [4], [6]]
 * gather(x, shuffle(3, rng));        // rows in random order
 * @param t - Tensor with at least one axis.
 * @param indices - Integer indices into `t.shape[axis]`: `Int32Array`, `number[]` or an integer-valued Tensor.
 * @param axis - Axis to index (default `0`, negative counts from the end).
 */
export function gather(t: TensorInput, indices: Int32Array | number[] | Tensor, axis = 0): Tensor {
  const x = asTensor(t, "t", "gather");
  if (x.ndim === 0) throw ndError("gather", "cannot gather from a scalar (shape [])");
  const a = normalizeAxis(axis, x.ndim, "gather");
  let idx: ArrayLike<number>;
  let idxShape: number[];
  if (indices instanceof Tensor) {
    idx = indices.data;
    idxShape = indices.shape.slice();
  } else if (indices instanceof Int32Array || Array.isArray(indices)) {
    idx = indices;
    idxShape = [indices.length];
  } else {
    throw ndError("gather", `indices must be an Int32Array, number[] or Tensor, but got ${describeValue(indices)}`);
  }
  const d = x.shape[a]!;
  const nIdx = idx.length;
  const pos = new Int32Array(nIdx);
  for (let j = 0; j < nIdx; j++) {
    const v = idx[j];
    if (!isInt(v) || v < -d || v >= d) {
      throw ndError("gather", `index ${formatValue(v)} (at position ${j}) is out of bounds for axis ${a} with size ${d}`);
    }
    pos[j] = v < 0 ? v + d : v;
  }
  const outer = shapeSize(x.shape.slice(0, a));
  const inner = shapeSize(x.shape.slice(a + 1));
  const shape = [...x.shape.slice(0, a), ...idxShape, ...x.shape.slice(a + 1)];
  const out = new Float64Array(outer * nIdx * inner);
  const src = x.data;
  let o = 0;
  for (let i = 0; i < outer; i++) {
    const base = i * d * inner;
    for (let j = 0; j < nIdx; j++) {
      const from = base + pos[j]! * inner;
      if (inner === 1) out[o] = src[from]!;
      else out.set(src.subarray(from, from + inner), o);
      o += inner;
    }
  }
  return new Tensor(out, shape);
}

function asTensorList(tensors: unknown, op: string): Tensor[] {
  if (!Array.isArray(tensors)) throw ndError(op, `tensors must be an array of tensors, but got ${describeValue(tensors)}`);
  if (tensors.length === 0) throw ndError(op, "tensors must contain at least one tensor, but got []");
  return tensors.map((t, i) => asTensor(t as TensorInput, `tensors[${i}]`, op));
}

/**
 * Join tensors along an existing axis. All must have the same rank and the
 * same size on every other axis.
 *
 * @example
 * concat([tensor([[1, 2]]), tensor([[3, 4]])]).toArray();    // [[1, 2], [3, 4]]
 * concat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray(); // [[1, 3], [2, 4]]
 * @param tensors - At least one tensor, all at least 1-D.
 * @param axis - Axis to join along (default `0`, negative counts from the end).
 */
export function concat(tensors: TensorInput[], axis = 0): Tensor {
  const ts = asTensorList(tensors, "concat");
  const first = ts[0]!;
  if (first.ndim === 0) throw ndError("concat", "cannot concatenate scalars (shape []); use stack");
  const a = normalizeAxis(axis, first.ndim, "concat");
  for (let i = 1; i < ts.length; i++) {
    const s = ts[i]!.shape;
    if (s.length !== first.ndim || s.some((d, j) => j !== a && d !== first.shape[j])) {
      throw ndError(
        "concat",
        `all shapes must match except on axis ${a}, but tensors[0] has shape ${formatShape(first.shape)} and tensors[${i}] has shape ${formatShape(s)}`,
      );
    }
  }
  const outer = shapeSize(first.shape.slice(0, a));
  const inner = shapeSize(first.shape.slice(a + 1));
  const total = ts.reduce((p, t) => p + t.shape[a]!, 0);
  const shape = first.shape.slice();
  shape[a] = total;
  const out = new Float64Array(outer * total * inner);
  let offset = 0;
  for (const t of ts) {
    const chunk = t.shape[a]! * inner;
    for (let i = 0; i < outer; i++) {
      out.set(t.data.subarray(i * chunk, (i + 1) * chunk), i * total * inner + offset);
    }
    offset += chunk;
  }
  return new Tensor(out, shape);
}

/**
 * Join same-shape tensors along a new axis.
 *
 * @example
 * stack([tensor([1, 2]), tensor([3, 4])]).toArray();    // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * stack([scalar(1), scalar(2)]).shape;                  // [2]
 * @param tensors - At least one tensor, all with the same shape.
 * @param axis - Position of the new axis in the result (default `0`, `-1` = last).
 */
export function stack(tensors: TensorInput[], axis = 0): Tensor {
  const ts = asTensorList(tensors, "stack");
  const first = ts[0]!;
  for (let i = 1; i < ts.length; i++) {
    if (!shapesEqual(ts[i]!.shape, first.shape)) {
      throw ndError(
        "stack",
        `all tensors must have the same shape, but tensors[0] has shape ${formatShape(first.shape)} and tensors[${i}] has shape ${formatShape(ts[i]!.shape)}`,
      );
    }
  }
  const a = normalizeAxis(axis, first.ndim + 1, "stack");
  const expanded = ts.map((t) => {
    const s = t.shape.slice();
    s.splice(a, 0, 1);
    return new Tensor(t.data, s);
  });
  return concat(expanded, a);
}

/**
 * Pad with a constant: `paddings[a] = [before, after]` entries are added on
 * each side of axis `a`.
 *
 * @example
 * pad(tensor([[1, 2]]), [[0, 0], [1, 2]]).toArray(); // [[0, 1, 2, 0, 0]]
 * pad(images, [[0, 0], [0, 0], [1, 1], [1, 1]]);     // zero-pad H and W of NCHW images
 * @param t - Tensor.
 * @param paddings - One `[before, after]` pair of non-negative integers per axis.
 * @param value - Fill value (default `0`).
 */
export function pad(t: TensorInput, paddings: [number, number][], value = 0): Tensor {
  const x = asTensor(t, "t", "pad");
  assertNumber(value, "pad", "value");
  const ok =
    Array.isArray(paddings) &&
    paddings.length === x.ndim &&
    paddings.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => isInt(v) && v >= 0));
  if (!ok) {
    throw ndError(
      "pad",
      `paddings must be one [before, after] pair of non-negative integers per axis (${x.ndim} for shape ${formatShape(x.shape)}), but got ${Array.isArray(paddings) ? JSON.stringify(paddings) : describeValue(paddings)}`,
    );
  }
  const shape = x.shape.map((d, a) => d + paddings[a]![0] + paddings[a]![1]);
  const out = new Float64Array(shapeSize(shape));
  if (value !== 0) out.fill(value);
  copyBlock(
    x.data,
    x.shape,
    new Array<number>(x.ndim).fill(0),
    out,
    shape,
    paddings.map((p) => p[0]),
    x.shape,
  );
  return new Tensor(out, shape);
}
