/**
 * Element-wise arithmetic and math functions with numpy broadcasting.
 *
 * Binary ops broadcast like numpy: shapes are aligned on their trailing axes
 * and each pair of dimensions must be equal or `1` (a missing leading axis
 * counts as `1`). So `[B, D] + [D]` adds a bias to every row, `[B, D] * [B, 1]`
 * scales each row, and a plain number works everywhere a tensor does.
 * None of these modify their inputs.
 *
 * @module
 */

import { binaryOp, unaryOp } from "./broadcast.ts";
import type { TensorInput } from "./broadcast.ts";
import { Tensor, asTensor } from "./tensor.ts";
import { assertNumber, describeValue, ndError } from "./util.ts";

/**
 * Element-wise `a + b`, with broadcasting.
 *
 * @example
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).toArray(); // [[11, 22], [13, 24]]
 * add(tensor([1, 2]), 1).toArray();                           // [2, 3]
 * add(zeros([2, 3]), zeros([4])); // throws "Error in add: shapes [2,3] and [4] cannot be broadcast"
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function add(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("add", a, b, (x, y) => x + y);
}

/**
 * Element-wise `a - b`, with broadcasting.
 *
 * @example
 * sub(tensor([5, 7]), tensor([1, 2])).toArray(); // [4, 5]
 * sub(1, tensor([0.25])).toArray();              // [0.75]
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function sub(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("sub", a, b, (x, y) => x - y);
}

/**
 * Element-wise (Hadamard) product `a * b`, with broadcasting.
 * For matrix multiplication use `matmul`.
 *
 * @example
 * mul(tensor([1, 2, 3]), 2).toArray();                      // [2, 4, 6]
 * mul(tensor([[1], [2]]), tensor([10, 20])).toArray();      // [[10, 20], [20, 40]]
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function mul(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("mul", a, b, (x, y) => x * y);
}

/**
 * Element-wise `a / b`, with broadcasting. Division by zero follows IEEE
 * rules (`1/0 = Infinity`, `0/0 = NaN`); it does not throw.
 *
 * @example
 * div(tensor([1, 2]), 4).toArray(); // [0.25, 0.5]
 * @param a - Tensor or number (numerator).
 * @param b - Tensor or number (denominator).
 */
export function div(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("div", a, b, (x, y) => x / y);
}

/**
 * Element-wise power `a ** b`, with broadcasting (`Math.pow` semantics:
 * a negative base with a fractional exponent gives NaN).
 *
 * @example
 * pow(tensor([1, 2, 3]), 2).toArray();   // [1, 4, 9]
 * pow(2, tensor([0, 1, 2])).toArray();   // [1, 2, 4]
 * @param a - Base, tensor or number.
 * @param b - Exponent, tensor or number.
 */
export function pow(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("pow", a, b, (x, y) => Math.pow(x, y));
}

/**
 * Element-wise larger of `a` and `b`, with broadcasting. NaN wins.
 * (Not a reduction: for the largest element use `max`.)
 *
 * @example
 * maximum(tensor([-1, 2]), 0).toArray(); // [0, 2]
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function maximum(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("maximum", a, b, (x, y) => Math.max(x, y));
}

/**
 * Element-wise smaller of `a` and `b`, with broadcasting. NaN wins.
 * (Not a reduction: for the smallest element use `min`.)
 *
 * @example
 * minimum(tensor([-1, 2]), 0).toArray(); // [-1, 0]
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function minimum(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("minimum", a, b, (x, y) => Math.min(x, y));
}

/**
 * Element-wise negation `-t`.
 *
 * @example
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * @param t - Tensor or number.
 */
export function neg(t: TensorInput): Tensor {
  return unaryOp("neg", t, (x) => -x);
}

/**
 * Element-wise natural exponential `e^t`. Overflows to `Infinity` above ~709.
 *
 * @example
 * exp(tensor([0, 1])).toArray(); // [1, 2.718281828459045]
 * @param t - Tensor or number.
 */
export function exp(t: TensorInput): Tensor {
  return unaryOp("exp", t, Math.exp);
}

/**
 * Element-wise natural logarithm. `log(0) = -Infinity`, negative inputs give NaN.
 *
 * @example
 * log(tensor([1, Math.E])).toArray(); // [0, 1]
 * @param t - Tensor or number.
 */
export function log(t: TensorInput): Tensor {
  return unaryOp("log", t, Math.log);
}

/**
 * Element-wise hyperbolic tangent, in `(-1, 1)`.
 *
 * @example
 * tanh(tensor([0])).toArray(); // [0]
 * @param t - Tensor or number.
 */
export function tanh(t: TensorInput): Tensor {
  return unaryOp("tanh", t, Math.tanh);
}

/**
 * Element-wise square root. Negative inputs give NaN.
 *
 * @example
 * sqrt(tensor([4, 9])).toArray(); // [2, 3]
 * @param t - Tensor or number.
 */
export function sqrt(t: TensorInput): Tensor {
  return unaryOp("sqrt", t, Math.sqrt);
}

/**
 * Element-wise absolute value.
 *
 * @example
 * abs(tensor([-3, 2])).toArray(); // [3, 2]
 * @param t - Tensor or number.
 */
export function abs(t: TensorInput): Tensor {
  return unaryOp("abs", t, Math.abs);
}

/**
 * Element-wise square `t * t`.
 *
 * @example
 * square(tensor([-3, 2])).toArray(); // [9, 4]
 * @param t - Tensor or number.
 */
export function square(t: TensorInput): Tensor {
  return unaryOp("square", t, (x) => x * x);
}

/**
 * Element-wise sign: `-1`, `0` or `1` (NaN stays NaN).
 *
 * @example
 * sign(tensor([-2, 0, 5])).toArray(); // [-1, 0, 1]
 * @param t - Tensor or number.
 */
export function sign(t: TensorInput): Tensor {
  return unaryOp("sign", t, (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN));
}

/**
 * Limit every element to the interval `[lo, hi]`. NaN stays NaN.
 * Use `-Infinity` / `Infinity` for a one-sided clip.
 *
 * @example
 * clip(tensor([-2, 0.5, 3]), 0, 1).toArray();        // [0, 0.5, 1]
 * clip(tensor([1e-20, 0.5]), 1e-12, Infinity);       // safe input for log
 * @param t - Tensor or number.
 * @param lo - Lower bound.
 * @param hi - Upper bound, `>= lo`.
 */
export function clip(t: TensorInput, lo: number, hi: number): Tensor {
  assertNumber(lo, "clip", "lo");
  assertNumber(hi, "clip", "hi");
  if (!(lo <= hi)) throw ndError("clip", `lo must be <= hi, but got lo=${lo} and hi=${hi}`);
  return unaryOp("clip", t, (x) => (x < lo ? lo : x > hi ? hi : x));
}

/**
 * Apply an arbitrary function to every element. Slower than the built-in
 * ops; prefer them when one exists.
 *
 * @example
 * map(tensor([1, 2, 3]), (v) => v * 10).toArray();      // [10, 20, 30]
 * map(tensor([5, 5]), (v, i) => v + i).toArray();       // [5, 6]
 * @param t - Tensor or number.
 * @param fn - Called with the value and its flat (row-major) position; must return a number.
 */
export function map(t: TensorInput, fn: (v: number, i: number) => number): Tensor {
  const x = asTensor(t, "t", "map");
  if (typeof fn !== "function") throw ndError("map", `argument 'fn' must be a function, but got ${describeValue(fn)}`);
  const xd = x.data;
  const out = new Float64Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    const v = fn(xd[i]!, i);
    if (typeof v !== "number") {
      throw ndError("map", `fn must return a number, but returned ${describeValue(v)} at position ${i}`);
    }
    out[i] = v;
  }
  return new Tensor(out, x.shape.slice());
}
