/**
 * Internal element-wise kernels with numpy broadcasting, shared by the
 * arithmetic and comparison modules. Not exported to learners.
 *
 * @module
 */

import { Tensor, asTensor } from "./tensor.ts";
import type { TensorLike } from "./tensor.ts";
import { broadcastShapes, broadcastStrides, broadcastShape, shapeSize, shapesEqual } from "./util.ts";

/** Anything an op accepts as a tensor operand: a Tensor, a plain `{shape, data}` object, or a number (a scalar). */
export type TensorInput = Tensor | TensorLike | number;

/**
 * Apply `f` element-wise to two broadcast operands.
 *
 * @param op - Public function name for error messages.
 * @param a - First operand.
 * @param b - Second operand.
 * @param f - Scalar function.
 */
export function binaryOp(op: string, a: TensorInput, b: TensorInput, f: (x: number, y: number) => number): Tensor {
  const x = asTensor(a, "a", op);
  const y = asTensor(b, "b", op);
  const xd = x.data;
  const yd = y.data;
  if (shapesEqual(x.shape, y.shape)) {
    const out = new Float64Array(xd.length);
    for (let i = 0; i < out.length; i++) out[i] = f(xd[i]!, yd[i]!);
    return new Tensor(out, x.shape.slice());
  }
  const shape = broadcastShape(x.shape, y.shape, op);
  const n = shapeSize(shape);
  const out = new Float64Array(n);
  if (yd.length === 1 && n === xd.length) {
    const v = yd[0]!;
    for (let i = 0; i < n; i++) out[i] = f(xd[i]!, v);
    return new Tensor(out, shape);
  }
  if (xd.length === 1 && n === yd.length) {
    const v = xd[0]!;
    for (let i = 0; i < n; i++) out[i] = f(v, yd[i]!);
    return new Tensor(out, shape);
  }
  if (n === 0) return new Tensor(out, shape);
  const sa = broadcastStrides(x.shape, shape);
  const sb = broadcastStrides(y.shape, shape);
  const nd = shape.length;
  const inner = shape[nd - 1]!;
  const ia = sa[nd - 1]!;
  const ib = sb[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let pa = 0;
  let pb = 0;
  let po = 0;
  for (;;) {
    for (let j = 0; j < inner; j++) out[po++] = f(xd[pa + j * ia]!, yd[pb + j * ib]!);
    let ax = nd - 2;
    for (; ax >= 0; ax--) {
      idx[ax]!++;
      pa += sa[ax]!;
      pb += sb[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      pa -= sa[ax]! * shape[ax]!;
      pb -= sb[ax]! * shape[ax]!;
      idx[ax] = 0;
    }
    if (ax < 0) break;
  }
  return new Tensor(out, shape);
}

/**
 * Apply `f` to every element of one operand.
 *
 * @param op - Public function name for error messages.
 * @param t - Operand.
 * @param f - Scalar function.
 */
export function unaryOp(op: string, t: TensorInput, f: (x: number) => number): Tensor {
  const x = asTensor(t, "t", op);
  const xd = x.data;
  const out = new Float64Array(xd.length);
  for (let i = 0; i < out.length; i++) out[i] = f(xd[i]!);
  return new Tensor(out, x.shape.slice());
}

/**
 * Broadcast several tensors to a common shape and return, for each, a
 * `Float64Array` laid out in the output shape (copying only when needed).
 *
 * @param op - Public function name for error messages.
 * @param inputs - Tensors to broadcast.
 */
export function broadcastAll(op: string, inputs: Tensor[]): { shape: number[]; arrays: Float64Array[] } {
  const shape = broadcastShapes(
    inputs.map((t) => t.shape),
    op,
  );
  const n = shapeSize(shape);
  const arrays = inputs.map((t) => {
    // Same element count means only size-1 axes differ: the layout is identical.
    if (t.size === n) return t.data;
    if (t.size === 1) return new Float64Array(n).fill(t.data[0]!);
    return expandTo(t, shape);
  });
  return { shape, arrays };
}

/** Materialise `t` broadcast to `shape` (assumed compatible). */
function expandTo(t: Tensor, shape: number[]): Float64Array {
  const n = shapeSize(shape);
  const out = new Float64Array(n);
  if (n === 0) return out;
  const strides = broadcastStrides(t.shape, shape);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  const src = t.data;
  let p = 0;
  for (let o = 0; o < n; o++) {
    out[o] = src[p]!;
    for (let ax = nd - 1; ax >= 0; ax--) {
      idx[ax]!++;
      p += strides[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      p -= strides[ax]! * shape[ax]!;
      idx[ax] = 0;
    }
  }
  return out;
}
