// The mask the learner must produce, and its known misorderings (for hints). Server-only: with no
// option switched on this *is* the answer of dropoutForward, so in the browser's Run it answers only
// the calls recorded from the solution's visible run (docs/authoring.md, "What Run ships").
import { Rng, Tensor } from "gradlab/nd";

export interface MaskOptions {
  /** Draws thrown away first (a shifted random sequence). */
  skip?: number;
  /** Draws made per element, the first one used. */
  every?: number;
  /** Keep where the draw is < rate. */
  inverted?: boolean;
}

/**
 * One draw of `new Rng(seed)` per element, in row-major order, kept (1) where the draw is >= rate.
 * The options (for hints only) shift or thin the sequence, or invert the rule.
 */
export function keepMask(shape: number[], seed: number, rate: number, opts: MaskOptions = {}): Tensor {
  const rng = new Rng(seed);
  for (let k = 0; k < (opts.skip ?? 0); k++) rng.next();
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) {
    const u = rng.next();
    for (let k = 1; k < (opts.every ?? 1); k++) rng.next();
    data[i] = (u >= rate) !== (opts.inverted ?? false) ? 1 : 0;
  }
  return new Tensor(data, shape.slice());
}

/** Column-major draws for a 2-D shape (a learner looping over columns first), for a hint; undefined when it does not apply. */
export function columnMajorMask(shape: number[], seed: number, rate: number): Tensor | undefined {
  if (shape.length !== 2 || shape[0] < 2 || shape[1] < 2) return undefined;
  const [n, d] = shape;
  const rng = new Rng(seed);
  const data = new Float64Array(n * d);
  for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) data[i * d + j] = rng.next() >= rate ? 1 : 0;
  return new Tensor(data, shape.slice());
}
