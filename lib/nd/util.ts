/**
 * Shared helpers for `gradlab/nd`: error construction, argument validation,
 * shape formatting and pure index arithmetic (strides, flat positions,
 * broadcasting). Nothing in here depends on the `Tensor` class at runtime.
 *
 * Only {@link broadcastShape} and {@link shapesEqual} are re-exported to
 * learners through the barrel; everything else is internal plumbing.
 *
 * @module
 */

/**
 * Build an `Error` whose message has the uniform `Error in <op>: <detail>` form.
 *
 * @example
 * throw ndError("matmul", "inner dimensions must match, but got [2,3] and [4,5]");
 * @param op - Name of the public function that detected the problem.
 * @param detail - Human readable description of what was wrong.
 */
export function ndError(op: string, detail: string): Error {
  return new Error(`Error in ${op}: ${detail}`);
}

/**
 * Throw `Error in <op>: <detail>` unless `condition` holds.
 *
 * @example
 * assert(n >= 0, "eye", `n must be a non-negative integer, but got ${n}`);
 * @param condition - Value that must be truthy.
 * @param op - Name of the public function doing the check.
 * @param detail - Message used when the check fails (a function is only called on failure).
 */
export function assert(condition: unknown, op: string, detail: string | (() => string)): asserts condition {
  if (!condition) throw ndError(op, typeof detail === "function" ? detail() : detail);
}

/**
 * Format a shape compactly, without spaces: `[2,3]`, `[]` for scalars.
 *
 * @example
 * formatShape([2, 3]); // "[2,3]"
 * @param shape - The shape to print.
 */
export function formatShape(shape: ArrayLike<number>): string {
  return `[${Array.from(shape).join(",")}]`;
}

/**
 * Describe the type of an arbitrary value for error messages:
 * `"string"`, `"null"`, `"array"`, `"Float32Array"`, `"object"`, ...
 *
 * @example
 * describeValue("hi"); // "string"
 * describeValue(null); // "null"
 * @param x - Any value.
 */
export function describeValue(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "array";
  if (ArrayBuffer.isView(x)) return x.constructor.name;
  if (typeof x === "number" && Number.isNaN(x)) return "NaN";
  return typeof x;
}

/**
 * Format a number the way it should appear inside an error message.
 *
 * @param x - Any value; non-numbers are described by type.
 */
export function formatValue(x: unknown): string {
  if (typeof x === "number") return String(x);
  if (typeof x === "string") return JSON.stringify(x);
  return describeValue(x);
}

/**
 * Whether `x` is a safe integer (no fractional part, not NaN/Infinity).
 *
 * @param x - Any value.
 */
export function isInt(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x);
}

/**
 * Number of elements of a shape: the product of its dimensions (`1` for `[]`).
 *
 * @example
 * shapeSize([2, 3, 4]); // 24
 * shapeSize([]);        // 1 (a scalar)
 * shapeSize([3, 0]);    // 0 (empty)
 * @param shape - A valid shape.
 */
export function shapeSize(shape: ArrayLike<number>): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/**
 * Validate that `shape` is an array of non-negative integers and return a copy.
 *
 * @example
 * validateShape([2, 3], "zeros"); // [2, 3]
 * validateShape([2, -1], "zeros"); // throws "Error in zeros: shape must be ..."
 * @param shape - Candidate shape (anything).
 * @param op - Public function name used in the error message.
 * @param name - Argument name used in the error message.
 */
export function validateShape(shape: unknown, op: string, name = "shape"): number[] {
  const ok =
    Array.isArray(shape) && shape.every((d) => isInt(d) && d >= 0);
  if (!ok) {
    const got = Array.isArray(shape) ? `[${shape.map(formatValue).join(",")}]` : describeValue(shape);
    throw ndError(op, `${name} must be an array of non-negative integers, but got ${got}`);
  }
  return shape.slice();
}

/**
 * Whether two shapes are identical (same rank, same dimensions).
 *
 * @example
 * shapesEqual([2, 3], [2, 3]); // true
 * shapesEqual([2, 3], [3, 2]); // false
 * shapesEqual([], []);         // true (both scalars)
 * @param a - First shape.
 * @param b - Second shape.
 */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Row-major (C order) strides of a shape, in elements.
 *
 * @example
 * stridesOf([2, 3, 4]); // [12, 4, 1]
 * stridesOf([]);        // []
 * @param shape - A valid shape.
 */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * Flat (row-major) position of a multi-index, given the strides.
 * No bounds checking.
 *
 * @example
 * indexToFlat([1, 2], stridesOf([2, 3])); // 5
 * @param index - One non-negative integer per axis.
 * @param strides - Strides from {@link stridesOf}.
 */
export function indexToFlat(index: readonly number[], strides: readonly number[]): number {
  let p = 0;
  for (let i = 0; i < index.length; i++) p += index[i]! * strides[i]!;
  return p;
}

/**
 * Multi-index of a flat (row-major) position inside `shape`. Inverse of
 * {@link indexToFlat}. No bounds checking.
 *
 * @example
 * flatToIndex(5, [2, 3]); // [1, 2]
 * @param flat - Position in `[0, shapeSize(shape))`.
 * @param shape - A valid shape.
 */
export function flatToIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    index[i] = flat % d;
    flat = Math.floor(flat / d);
  }
  return index;
}

/**
 * Result shape of broadcasting two shapes with numpy rules: align trailing
 * axes; each pair of dimensions must be equal or one of them `1`.
 *
 * @example
 * broadcastShape([2, 3], [3]);       // [2, 3]
 * broadcastShape([4, 1, 5], [3, 1]); // [4, 3, 5]
 * broadcastShape([2, 0], [1]);       // [2, 0] (empty stays empty)
 * broadcastShape([2, 3], [4]);       // throws "Error in broadcastShape: shapes [2,3] and [4] cannot be broadcast"
 * @param a - First shape.
 * @param b - Second shape.
 * @param op - Public function name used in the error message.
 */
export function broadcastShape(a: readonly number[], b: readonly number[], op = "broadcastShape"): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else throw ndError(op, `shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast`);
  }
  return out;
}

/**
 * Broadcast any number of shapes together (see {@link broadcastShape}).
 *
 * @example
 * broadcastShapes([[2, 1], [3], []]); // [2, 3]
 * @param shapes - Shapes to combine (at least one).
 * @param op - Public function name used in the error message.
 */
export function broadcastShapes(shapes: readonly (readonly number[])[], op = "broadcastShape"): number[] {
  let out: number[] = [];
  for (const s of shapes) {
    try {
      out = broadcastShape(out, s, op);
    } catch {
      const names = shapes.map(formatShape);
      const list = names.length <= 2 ? names.join(" and ") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
      throw ndError(op, `shapes ${list} cannot be broadcast`);
    }
  }
  return out;
}

/**
 * Strides that read an input of `shape` as if it were broadcast to `outShape`:
 * broadcast (size-1 or missing) axes get stride `0`. Returned array has
 * `outShape.length` entries. Assumes the shapes are compatible.
 *
 * @example
 * broadcastStrides([3], [2, 3]);    // [0, 1]
 * broadcastStrides([2, 1], [2, 3]); // [1, 0]
 * @param shape - Input shape.
 * @param outShape - Broadcast result shape.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const off = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[i + off] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}

/**
 * Flat position in an input tensor of the element that broadcasts to output
 * position `flat` (a tensor of `shape` viewed as `outShape`).
 *
 * @example
 * broadcastFlat(4, [3], [2, 3]); // 1  (out index [1,1] reads input index [1])
 * @param flat - Flat position in the output.
 * @param shape - Input shape (broadcast-compatible with `outShape`).
 * @param outShape - Output shape.
 */
export function broadcastFlat(flat: number, shape: readonly number[], outShape: readonly number[]): number {
  return indexToFlat(flatToIndex(flat, outShape), broadcastStrides(shape, outShape));
}

/**
 * Normalise a possibly negative axis into `[0, ndim)`, with a clear error.
 *
 * @example
 * normalizeAxis(-1, 3, "sum"); // 2
 * normalizeAxis(3, 3, "sum");  // throws "Error in sum: axis 3 is out of bounds for a tensor with 3 dimensions"
 * @param axis - Axis, `-ndim <= axis < ndim`.
 * @param ndim - Number of axes. Pass `ndim + 1` to allow inserting a new last axis.
 * @param op - Public function name used in the error message.
 * @param name - Argument name used in the error message.
 */
export function normalizeAxis(axis: unknown, ndim: number, op: string, name = "axis"): number {
  if (!isInt(axis)) throw ndError(op, `${name} must be an integer, but got ${formatValue(axis)}`);
  if (axis < -ndim || axis >= ndim) {
    throw ndError(op, `${name} ${axis} is out of bounds for a tensor with ${ndim} dimension${ndim === 1 ? "" : "s"}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Throw unless `x` is a finite-or-infinite number (NaN allowed), naming the argument.
 *
 * @param x - Candidate value.
 * @param op - Public function name.
 * @param name - Argument name.
 */
export function assertNumber(x: unknown, op: string, name: string): asserts x is number {
  if (typeof x !== "number") throw ndError(op, `argument '${name}' must be a number, but got ${describeValue(x)}`);
}

/**
 * Throw unless `x` is a safe integer (optionally `>= min`), naming the argument.
 *
 * @param x - Candidate value.
 * @param op - Public function name.
 * @param name - Argument name.
 * @param min - Smallest allowed value (default: no lower bound).
 */
export function assertInt(x: unknown, op: string, name: string, min = -Infinity): asserts x is number {
  if (!isInt(x) || x < min) {
    const what = min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : "an integer";
    throw ndError(op, `argument '${name}' must be ${what}, but got ${formatValue(x)}`);
  }
}
