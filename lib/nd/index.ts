/**
 * `gradlab/nd`: a small numpy-like tensor library for writing forward and
 * backward passes by hand. There is no autodiff: you compute gradients
 * yourself with these operations.
 *
 * - Data is float64, row-major; shapes are `number[]` (`[]` for scalars).
 * - Operations are plain functions that return new tensors; inputs are never
 *   modified. Element-wise ops broadcast like numpy and accept numbers.
 * - Randomness is seeded and deterministic (`seed`, `Rng`).
 * - Errors read `Error in <op>: <what went wrong>`.
 *
 * @example
 * import { tensor, matmul, add, sum, randn, Rng } from "gradlab/nd";
 * const rng = new Rng(0);
 * const x = randn([4, 3], rng);
 * const w = randn([3, 2], rng);
 * const y = add(matmul(x, w), tensor([0.1, -0.1])); // [4, 2]
 * const dB = sum(y, 0);                              // [2]
 *
 * @module
 */

export { Tensor, isTensor, asTensor } from "./tensor.ts";
export type { TensorLike } from "./tensor.ts";
export type { TensorInput } from "./broadcast.ts";

export { tensor, scalar, zeros, ones, full, zerosLike, onesLike, arange, linspace, eye } from "./create.ts";
export type { NestedNumbers } from "./create.ts";

export { Rng, seed, randn, uniform, randint, shuffle } from "./random.ts";
export type { RngState } from "./random.ts";

export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  neg,
  exp,
  log,
  tanh,
  sqrt,
  abs,
  square,
  sign,
  clip,
  map,
} from "./elementwise.ts";

export { greater, greaterEqual, less, lessEqual, equal, where, allclose } from "./compare.ts";

export { matmul, dot, outer } from "./linalg.ts";

export { reshape, transpose, squeeze, expandDims, flatten } from "./shape.ts";
export { slice, gather, concat, stack, pad } from "./select.ts";

export { sum, mean, max, min, argmax, argmin } from "./reduce.ts";

export { broadcastShape, shapesEqual } from "./util.ts";
