import { Tensor, zeros } from "gradlab/nd";

type InitKind = "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal";

/**
 * fanIn and fanOut of a kernel shape, as tfjs computes them: a dense kernel [in, out]; a conv kernel
 * [kh, kw, in, out] (or any 3-5 dimensional kernel, channels last) multiplies in and out by the receptive
 * field kh·kw·...; any other rank: both are sqrt(number of elements).
 * Checked by: "computeFans ..." checks.
 */
export function computeFans(shape: number[]): { fanIn: number; fanOut: number } {
  // TODO: implement
  return { fanIn: 0, fanOut: 0 };
}

/**
 * A kernel of `shape` drawn as tfjs's initialiser of that name draws it, using only random()
 * (uniform numbers in [0, 1)) for randomness. See the statement for the four distributions.
 * Checked by: "initialize ..." checks and the 20-layer network check.
 */
export function initialize(kind: InitKind, shape: number[], random: () => number): Tensor {
  // TODO: implement
  return zeros(shape);
}
