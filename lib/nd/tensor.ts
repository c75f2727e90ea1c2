/**
 * The {@link Tensor} class: an n-dimensional, row-major array of float64.
 *
 * @module
 */

import { formatTensor } from "./format.ts";
import { describeValue, formatShape, formatValue, isInt, ndError, shapeSize, validateShape } from "./util.ts";

/** Anything with a `shape` and flat row-major `data`, e.g. a Tensor that crossed a realm boundary. */
export interface TensorLike {
  /** Dimensions, outermost first. */
  shape: number[];
  /** Row-major values; `data.length` must equal the product of `shape`. */
  data: ArrayLike<number>;
}

/**
 * An n-dimensional array of 64-bit floats stored row-major (C order) in a
 * flat `Float64Array`. There is no autodiff: operations are plain functions
 * (`add(a, b)`, `matmul(a, b)`, ...) that return new tensors and never modify
 * or alias their inputs.
 *
 * Scalars have `shape` `[]` and one element. Empty tensors (a `0` somewhere in
 * the shape) have no elements.
 *
 * @example
 * const t = new Tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * t.shape;      // [2, 3]
 * t.get(1, 2);  // 6
 * t.toArray();  // [[1, 2, 3], [4, 5, 6]]
 */
export class Tensor {
  /** Dimensions, outermost first (`[]` for a scalar). Frozen: never mutate it, use `reshape`. */
  readonly shape: number[];
  /** Flat row-major values. Element `[i, j]` of a `[n, m]` tensor is `data[i * m + j]`. */
  readonly data: Float64Array;

  /**
   * Wrap flat row-major `data` as a tensor of the given `shape`.
   * A `Float64Array` is used as-is (not copied); a `number[]` is copied.
   * Prefer the `tensor(...)` function for nested arrays.
   *
   * @example
   * new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
   * new Tensor([7], []); // a scalar
   * @param data - Row-major values; length must equal the product of `shape`.
   * @param shape - Non-negative integer dimensions.
   * @throws If the shape is invalid, the data is not numeric, or the lengths disagree.
   */
  constructor(data: Float64Array | number[], shape: number[]) {
    const s = validateShape(shape, "Tensor");
    let d: Float64Array;
    if (data instanceof Float64Array) d = data;
    else if (Array.isArray(data)) {
      for (let i = 0; i < data.length; i++) {
        if (typeof data[i] !== "number") {
          throw ndError("Tensor", `data must contain only numbers, but data[${i}] is ${describeValue(data[i])}`);
        }
      }
      d = Float64Array.from(data);
    } else {
      throw ndError("Tensor", `data must be a Float64Array or number[], but got ${describeValue(data)}`);
    }
    const n = shapeSize(s);
    if (d.length !== n) {
      throw ndError("Tensor", `data has ${d.length} elements but shape ${formatShape(s)} needs ${n}`);
    }
    this.shape = Object.freeze(s) as number[];
    this.data = d;
  }

  /**
   * Total number of elements (product of the shape; `1` for scalars, `0` if empty).
   *
   * @example
   * zeros([2, 3]).size; // 6
   */
  get size(): number {
    return this.data.length;
  }

  /**
   * Number of dimensions (`0` for scalars).
   *
   * @example
   * zeros([2, 3]).ndim; // 2
   */
  get ndim(): number {
    return this.shape.length;
  }

  /** Flat position of a multi-index, with validation; negative indices count from the end. */
  private offsetOf(index: number[], op: string): number {
    const shape = this.shape;
    if (index.length !== shape.length) {
      throw ndError(
        op,
        `expected ${shape.length} ind${shape.length === 1 ? "ex" : "ices"} for shape ${formatShape(shape)}, but got ${index.length}`,
      );
    }
    let p = 0;
    for (let a = 0; a < shape.length; a++) {
      const d = shape[a]!;
      let i = index[a];
      if (!isInt(i) || i < -d || i >= d) {
        throw ndError(op, `index ${formatValue(i)} is out of bounds for axis ${a} with size ${d}`);
      }
      if (i < 0) i += d;
      p = p * d + i;
    }
    return p;
  }

  /**
   * Read one element. Pass exactly one index per axis (none for a scalar);
   * negative indices count from the end (`-1` is the last).
   *
   * @example
   * const t = tensor([[1, 2], [3, 4]]);
   * t.get(1, 0);  // 3
   * t.get(-1, -1); // 4
   * @param index - One integer per axis.
   * @throws If the number of indices is wrong or an index is out of range.
   */
  get(...index: number[]): number {
    return this.data[this.offsetOf(index, "get")]!;
  }

  /**
   * Overwrite one element in place (the only mutating operation).
   *
   * @example
   * const t = zeros([2, 2]);
   * t.set(5, 0, 1); // t is now [[0, 5], [0, 0]]
   * @param value - New value.
   * @param index - One integer per axis; negative indices count from the end.
   * @throws If `value` is not a number or the index is invalid.
   */
  set(value: number, ...index: number[]): void {
    if (typeof value !== "number") {
      throw ndError("set", `value must be a number, but got ${describeValue(value)} (the value comes first: set(value, ...index))`);
    }
    this.data[this.offsetOf(index, "set")] = value;
  }

  /**
   * Deep copy: new data buffer, same shape and values.
   *
   * @example
   * const a = tensor([1, 2]);
   * const b = a.clone();
   * b.set(9, 0); // a is unchanged
   */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape.slice());
  }

  /**
   * Convert to nested JavaScript arrays (a plain number for scalars).
   *
   * @example
   * tensor([[1, 2], [3, 4]]).toArray(); // [[1, 2], [3, 4]]
   * scalar(5).toArray();                // 5
   * zeros([2, 0]).toArray();            // [[], []]
   */
  toArray(): unknown {
    const { shape, data } = this;
    if (shape.length === 0) return data[0];
    let pos = 0;
    const build = (axis: number): unknown[] => {
      const n = shape[axis]!;
      const out = new Array<unknown>(n);
      if (axis === shape.length - 1) for (let i = 0; i < n; i++) out[i] = data[pos++];
      else for (let i = 0; i < n; i++) out[i] = build(axis + 1);
      return out;
    };
    return build(0);
  }

  /**
   * The single value of a one-element tensor (any shape with size 1).
   *
   * @example
   * sum(tensor([1, 2, 3])).item(); // 6
   * @throws If the tensor does not have exactly one element.
   */
  item(): number {
    if (this.data.length !== 1) {
      throw ndError(
        "item",
        `only tensors with exactly one element can be converted to a number, but got shape ${formatShape(this.shape)}`,
      );
    }
    return this.data[0]!;
  }

  /**
   * numpy-like text rendering. Tensors with more than 1000 elements show only
   * the first and last 3 entries of each axis.
   *
   * @example
   * String(tensor([[1, 2], [3, 4]]));
   * // tensor([[1, 2],
   * //         [3, 4]])
   */
  toString(): string {
    return formatTensor(this.data, this.shape);
  }

  /**
   * Plain `{ shape, data }` object used by `JSON.stringify`; `asTensor` turns
   * it back into a Tensor. (JSON has no NaN/Infinity: those become `null`.)
   *
   * @example
   * JSON.stringify(tensor([1, 2])); // '{"shape":[2],"data":[1,2]}'
   */
  toJSON(): { shape: number[]; data: number[] } {
    return { shape: this.shape.slice(), data: Array.from(this.data) };
  }

  /** Pretty printing for Node's `console.log` / `util.inspect`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Whether `x` is a {@link Tensor} created by this library (`instanceof`).
 * Plain `{shape, data}` objects return `false`; use {@link asTensor} to accept them.
 *
 * @example
 * isTensor(zeros([2])); // true
 * isTensor({ shape: [2], data: [0, 0] }); // false
 * @param x - Any value.
 */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/**
 * Coerce an argument to a Tensor: Tensors are returned unchanged, numbers
 * become scalars (shape `[]`), and plain `{shape, data}` objects are copied
 * into a new Tensor. Every op calls this on each operand.
 *
 * @example
 * asTensor(3).shape;                           // []
 * asTensor({ shape: [2], data: [1, 2] }).data; // Float64Array [1, 2]
 * asTensor("hi", "a", "add"); // throws "Error in add: argument 'a' must be a Tensor or {shape, data}, but got string"
 * @param x - Tensor, number, or `{shape, data}` object.
 * @param name - Argument name used in error messages.
 * @param op - Public function name used in error messages.
 */
export function asTensor(x: Tensor | TensorLike | number, name = "x", op = "asTensor"): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") return new Tensor(new Float64Array([x]), []);
  if (typeof x === "object" && x !== null && Array.isArray((x as TensorLike).shape)) {
    const { shape, data } = x as TensorLike;
    const okData =
      data !== null &&
      typeof data === "object" &&
      (Array.isArray(data) || ArrayBuffer.isView(data)) &&
      typeof (data as ArrayLike<number>).length === "number";
    if (okData) {
      const s = validateShape(shape, op, `${name}.shape`);
      const n = shapeSize(s);
      if (data.length !== n) {
        throw ndError(op, `argument '${name}' has ${data.length} data elements but shape ${formatShape(s)} needs ${n}`);
      }
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (typeof v !== "number") {
          throw ndError(op, `argument '${name}' data must contain only numbers, but data[${i}] is ${describeValue(v)}`);
        }
        d[i] = v;
      }
      return new Tensor(d, s);
    }
  }
  throw ndError(op, `argument '${name}' must be a Tensor or {shape, data}, but got ${describeValue(x)}`);
}
