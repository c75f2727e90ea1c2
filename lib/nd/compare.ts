/**
 * Element-wise comparisons (returning 0/1 masks), `where`, and `allclose`.
 *
 * @module
 */

import { binaryOp, broadcastAll } from "./broadcast.ts";
import type { TensorInput } from "./broadcast.ts";
import { Tensor, asTensor } from "./tensor.ts";
import { assertNumber } from "./util.ts";

/**
 * Element-wise `a > b` as a mask of `1` (true) and `0` (false), with broadcasting.
 * Comparisons with NaN are false.
 *
 * @example
 * greater(tensor([-1, 0, 2]), 0).toArray(); // [0, 0, 1]
 * mul(g, greater(x, 0)); // ReLU backward: pass gradient where x > 0
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function greater(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("greater", a, b, (x, y) => (x > y ? 1 : 0));
}

/**
 * Element-wise `a >= b` as a 0/1 mask, with broadcasting.
 *
 * @example
 * greaterEqual(tensor([-1, 0, 2]), 0).toArray(); // [0, 1, 1]
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function greaterEqual(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("greaterEqual", a, b, (x, y) => (x >= y ? 1 : 0));
}

/**
 * Element-wise `a < b` as a 0/1 mask, with broadcasting.
 *
 * @example
 * less(tensor([-1, 0, 2]), 0).toArray(); // [1, 0, 0]
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function less(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("less", a, b, (x, y) => (x < y ? 1 : 0));
}

/**
 * Element-wise `a <= b` as a 0/1 mask, with broadcasting.
 *
 * @example
 * lessEqual(tensor([-1, 0, 2]), 0).toArray(); // [1, 1, 0]
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function lessEqual(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("lessEqual", a, b, (x, y) => (x <= y ? 1 : 0));
}

/**
 * Element-wise exact equality `a === b` as a 0/1 mask, with broadcasting.
 * NaN is never equal to anything; for floats prefer {@link allclose}.
 *
 * @example
 * equal(tensor([1, 2, 3]), tensor([1, 0, 3])).toArray(); // [1, 0, 1]
 * mean(equal(argmax(logits, 1), labels)).item();         // accuracy
 * @param a - Tensor or number.
 * @param b - Tensor or number.
 */
export function equal(a: TensorInput, b: TensorInput): Tensor {
  return binaryOp("equal", a, b, (x, y) => (x === y ? 1 : 0));
}

/**
 * Choose element-wise: `a` where `cond` is non-zero, else `b`. All three
 * operands broadcast together. (NaN in `cond` counts as non-zero.)
 *
 * @example
 * where(tensor([1, 0, 1]), tensor([1, 2, 3]), 0).toArray();   // [1, 0, 3]
 * where(greater(x, 0), x, mul(x, 0.01));                      // leaky ReLU
 * @param cond - Mask (tensor or number).
 * @param a - Values where `cond` is non-zero.
 * @param b - Values where `cond` is zero.
 */
export function where(cond: TensorInput, a: TensorInput, b: TensorInput): Tensor {
  const c = asTensor(cond, "cond", "where");
  const x = asTensor(a, "a", "where");
  const y = asTensor(b, "b", "where");
  const {
    shape,
    arrays: [cd, xd, yd],
  } = broadcastAll("where", [c, x, y]);
  const out = new Float64Array(cd!.length);
  for (let i = 0; i < out.length; i++) out[i] = cd![i] !== 0 ? xd![i]! : yd![i]!;
  return new Tensor(out, shape);
}

/**
 * Whether all elements are close: `|a - b| <= atol + rtol * |b|` element-wise
 * (numpy semantics, so not symmetric in `a` and `b`). Shapes are broadcast,
 * so also check `shapesEqual(a.shape, b.shape)` when the shape matters.
 * NaN is never close to anything; equal infinities are close.
 *
 * @example
 * allclose(tensor([1, 2]), tensor([1, 2 + 1e-9])); // true
 * allclose(tensor([1, 2]), tensor([1, 2.1]));      // false
 * @param a - Tensor or number.
 * @param b - Tensor or number (the reference value).
 * @param rtol - Relative tolerance (default `1e-5`).
 * @param atol - Absolute tolerance (default `1e-8`).
 * @throws If the shapes cannot be broadcast.
 */
export function allclose(a: TensorInput, b: TensorInput, rtol = 1e-5, atol = 1e-8): boolean {
  assertNumber(rtol, "allclose", "rtol");
  assertNumber(atol, "allclose", "atol");
  const x = asTensor(a, "a", "allclose");
  const y = asTensor(b, "b", "allclose");
  const {
    arrays: [xd, yd],
  } = broadcastAll("allclose", [x, y]);
  for (let i = 0; i < xd!.length; i++) {
    const u = xd![i]!;
    const v = yd![i]!;
    if (u === v) continue; // covers equal infinities
    if (!Number.isFinite(u) || !Number.isFinite(v)) return false; // NaN, or unequal infinities
    if (!(Math.abs(u - v) <= atol + rtol * Math.abs(v))) return false;
  }
  return true;
}
