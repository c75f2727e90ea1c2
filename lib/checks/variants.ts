/**
 * Hints from "what a known mistake would have produced": the check computes the result of a
 * mistaken implementation (a variant: gate order swapped, softmax over the wrong axis, the
 * recurrence ignored...) and, when the learner's values match that variant instead of the
 * reference, names the mistake. Variants are computed lazily, only when a comparison failed,
 * and at most once per check however many outputs ask for them.
 */
import type { Tensor } from "../nd/index.ts";
import { mistakeExplains, type HintRule } from "./hints.ts";
import { VS_TFJS, type Tolerance } from "./tolerance.ts";

/** Memoise a computation: `once(f)()` runs `f` the first time and returns the same value after. */
export function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

/**
 * A hint rule that fires when what the mistake would produce explains the learner's tensor:
 * within the normal tolerance, and clearly better than the reference does (`mistakeExplains`).
 * `variant` may return undefined when the mistake does not apply to this case. An all-zero
 * variant says nothing: it would also "recognise" an unimplemented stub, which the generic zeros
 * hint names.
 */
export function variantHint(hint: string, variant: () => Tensor | undefined, tol: Tolerance = VS_TFJS): HintRule {
  return (expected, got) => {
    const v = variant();
    if (!v || v.data.length !== got.data.length || v.data.every((x) => x === 0)) return undefined;
    return mistakeExplains(expected.data, v.data, got.data, tol) ? hint : undefined;
  };
}

/** A named mistake whose outputs are computed on demand, keyed by output name ("dx", "dwh"...). */
export interface Mistake<K extends string> {
  hint: string;
  outputs: () => Partial<Record<K, Tensor>> | undefined;
}

/** The hint rules for output `key`, one per mistake, in order. */
export function mistakeHints<K extends string>(mistakes: Mistake<K>[], key: K, tol: Tolerance = VS_TFJS): HintRule[] {
  return mistakes.map((m) => variantHint(m.hint, () => m.outputs()?.[key], tol));
}
