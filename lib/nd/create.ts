/**
 * Tensor creation: from JavaScript values, constant fills, ranges, identity.
 *
 * @module
 */

import { Tensor, asTensor } from "./tensor.ts";
import type { TensorLike } from "./tensor.ts";
import {
  assertInt,
  assertNumber,
  describeValue,
  formatShape,
  ndError,
  shapeSize,
  validateShape,
} from "./util.ts";

/**
 * What {@link tensor} accepts: a number, or arbitrarily nested (rectangular)
 * arrays of numbers; typed arrays may stand in for the innermost arrays.
 */
export type NestedNumbers = number | Float64Array | Float32Array | Int32Array | Uint8Array | readonly NestedNumbers[];

function isArrayish(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

const fmtPath = (path: number[]): string => `[${path.join(",")}]`;

/** Infer the shape of a nested array from its first elements. */
function inferShape(values: unknown): number[] {
  const shape: number[] = [];
  let cur = values;
  while (isArrayish(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

/** Copy nested `values` of the given `shape` into `out`, checking it is rectangular. */
function fillNested(values: unknown, shape: number[], out: Float64Array): void {
  let pos = 0;
  const path: number[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof node !== "number") {
        if (isArrayish(node)) {
          throw ndError("tensor", `ragged nested array: expected a number at ${fmtPath(path)}, but got an array`);
        }
        throw ndError("tensor", `expected a number at ${fmtPath(path)}, but got ${describeValue(node)}`);
      }
      out[pos++] = node;
      return;
    }
    if (!isArrayish(node)) {
      const got = typeof node === "number" ? "a number" : describeValue(node);
      throw ndError(
        "tensor",
        `ragged nested array: expected an array of length ${shape[depth]} at ${fmtPath(path)}, but got ${got}`,
      );
    }
    if (node.length !== shape[depth]) {
      throw ndError(
        "tensor",
        `ragged nested array: expected length ${shape[depth]} at ${fmtPath(path)} (like the first element), but got length ${node.length}`,
      );
    }
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      walk(node[i], depth + 1);
      path.pop();
    }
  };
  walk(values, 0);
}

/**
 * Create a tensor from a number, (nested) arrays of numbers or a typed array.
 * The shape is inferred from the nesting unless `shape` is given, in which
 * case the values (flattened row-major) must fill it exactly. Data is always
 * copied.
 *
 * @example
 * tensor([[1, 2, 3], [4, 5, 6]]).shape;       // [2, 3]
 * tensor([1, 2, 3, 4, 5, 6], [3, 2]).shape;   // [3, 2]
 * tensor(5).shape;                            // [] (scalar)
 * tensor([]).shape;                           // [0]
 * tensor([[], []]).shape;                     // [2, 0]
 * tensor([[1, 2], [3]]); // throws "Error in tensor: ragged nested array: ..."
 * @param values - Number, nested number arrays, or a flat typed array.
 * @param shape - Optional target shape (row-major fill).
 */
export function tensor(values: NestedNumbers, shape?: number[]): Tensor {
  let inferred: number[];
  let data: Float64Array;
  if (typeof values === "number") {
    inferred = [];
    data = new Float64Array([values]);
  } else if (isArrayish(values)) {
    inferred = inferShape(values);
    data = new Float64Array(shapeSize(inferred));
    fillNested(values, inferred, data);
  } else {
    throw ndError(
      "tensor",
      `argument 'values' must be a number, nested number arrays or a typed array, but got ${describeValue(values)}`,
    );
  }
  if (shape === undefined) return new Tensor(data, inferred);
  const s = validateShape(shape, "tensor");
  if (shapeSize(s) !== data.length) {
    throw ndError(
      "tensor",
      `${data.length} value${data.length === 1 ? "" : "s"} cannot fill shape ${formatShape(s)} (${shapeSize(s)} elements)`,
    );
  }
  return new Tensor(data, s);
}

/**
 * Create a 0-dimensional tensor (shape `[]`) holding one number.
 *
 * @example
 * scalar(3).item(); // 3
 * @param value - The number.
 */
export function scalar(value: number): Tensor {
  assertNumber(value, "scalar", "value");
  return new Tensor(new Float64Array([value]), []);
}

/**
 * Tensor of the given shape filled with `value`.
 *
 * @example
 * full([2, 2], 7).toArray(); // [[7, 7], [7, 7]]
 * full([], 7).shape;         // [] (scalar)
 * @param shape - Non-negative integer dimensions (`[]` gives a scalar, a `0` gives an empty tensor).
 * @param value - Fill value.
 */
export function full(shape: number[], value: number): Tensor {
  const s = validateShape(shape, "full");
  assertNumber(value, "full", "value");
  return new Tensor(new Float64Array(shapeSize(s)).fill(value), s);
}

/**
 * Tensor of the given shape filled with zeros.
 *
 * @example
 * zeros([2, 3]).toArray(); // [[0, 0, 0], [0, 0, 0]]
 * @param shape - Non-negative integer dimensions.
 */
export function zeros(shape: number[]): Tensor {
  const s = validateShape(shape, "zeros");
  return new Tensor(new Float64Array(shapeSize(s)), s);
}

/**
 * Tensor of the given shape filled with ones.
 *
 * @example
 * ones([3]).toArray(); // [1, 1, 1]
 * @param shape - Non-negative integer dimensions.
 */
export function ones(shape: number[]): Tensor {
  const s = validateShape(shape, "ones");
  return new Tensor(new Float64Array(shapeSize(s)).fill(1), s);
}

/**
 * Zeros with the same shape as `t` (e.g. to start a gradient accumulator).
 *
 * @example
 * zerosLike(tensor([[1, 2]])).toArray(); // [[0, 0]]
 * @param t - Tensor (or `{shape, data}`, or number) whose shape is copied.
 */
export function zerosLike(t: Tensor | TensorLike | number): Tensor {
  const x = asTensor(t, "t", "zerosLike");
  return new Tensor(new Float64Array(x.size), x.shape.slice());
}

/**
 * Ones with the same shape as `t`.
 *
 * @example
 * onesLike(tensor([1, 2])).toArray(); // [1, 1]
 * @param t - Tensor (or `{shape, data}`, or number) whose shape is copied.
 */
export function onesLike(t: Tensor | TensorLike | number): Tensor {
  const x = asTensor(t, "t", "onesLike");
  return new Tensor(new Float64Array(x.size).fill(1), x.shape.slice());
}

/**
 * Evenly spaced values in the half-open interval `[start, stop)`, like numpy.
 * With one argument, counts from 0: `arange(n)` is `[0, 1, ..., n-1]`.
 *
 * @example
 * arange(4).toArray();         // [0, 1, 2, 3]
 * arange(1, 3).toArray();      // [1, 2]
 * arange(0, 1, 0.25).toArray(); // [0, 0.25, 0.5, 0.75]
 * arange(3, 0, -1).toArray();  // [3, 2, 1]
 * arange(3, 0).toArray();      // [] (empty, shape [0])
 * @param start - First value (or the stop value if `stop` is omitted).
 * @param stop - End of the interval, excluded.
 * @param step - Spacing, non-zero, may be negative (default `1`).
 */
export function arange(start: number, stop?: number, step = 1): Tensor {
  assertNumber(start, "arange", "start");
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  assertNumber(stop, "arange", "stop");
  assertNumber(step, "arange", "step");
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step) || step === 0) {
    throw ndError("arange", `start, stop and step must be finite and step non-zero, but got ${start}, ${stop}, ${step}`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/**
 * `n` evenly spaced values from `a` to `b`, both ends included.
 *
 * @example
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 * linspace(2, 3, 1).toArray(); // [2]
 * linspace(0, 1, 0).shape;     // [0]
 * @param a - First value.
 * @param b - Last value (exact).
 * @param n - Number of values, a non-negative integer.
 */
export function linspace(a: number, b: number, n: number): Tensor {
  assertNumber(a, "linspace", "a");
  assertNumber(b, "linspace", "b");
  assertInt(n, "linspace", "n", 0);
  const data = new Float64Array(n);
  const step = n > 1 ? (b - a) / (n - 1) : 0;
  for (let i = 0; i < n; i++) data[i] = a + i * step;
  if (n > 1) data[n - 1] = b;
  return new Tensor(data, [n]);
}

/**
 * The `n x n` identity matrix.
 *
 * @example
 * eye(2).toArray(); // [[1, 0], [0, 1]]
 * eye(0).shape;     // [0, 0]
 * @param n - Size, a non-negative integer.
 */
export function eye(n: number): Tensor {
  assertInt(n, "eye", "n", 0);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return new Tensor(data, [n, n]);
}
