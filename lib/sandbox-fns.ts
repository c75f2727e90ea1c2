/**
 * Functions the sandbox builds for the learner from a name and seed, so that a check can pass
 * "a random number source" or "a function to differentiate" without the host ever handing over
 * code. The host builds the very same functions to compute its reference.
 */
import { Rng } from "./nd/index.ts";

export const sandboxFns = {
  /** `random()`: uniform numbers in [0, 1) from a seeded generator. */
  uniform(seed: unknown): () => number {
    const rng = new Rng(Number(seed));
    return () => rng.next();
  },
};
