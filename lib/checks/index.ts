/**
 * The check library, as exercises import it: `import { defineChecks, visible, hidden, expectClose } from "gradlab/checks"`.
 * Exercises import only `gradlab/nd`, this and `datasets/`; the runner (run.ts) is the grader's, not theirs.
 */
export * from "./define.ts";
export * from "./describe.ts";
export * from "./compare.ts";
export * from "./failure.ts";
export * from "./finite-diff.ts";
export * from "./hints.ts";
export * from "./host-answer.ts";
export * from "./layer-helpers.ts";
export * from "./learner.ts";
export * from "./reference.ts";
export * from "./reference-cache.ts";
export * from "./results.ts";
export * from "./tf.ts";
export * from "./tolerance.ts";
export * from "./training.ts";
export * from "./variants.ts";
export { SandboxFn, InvalidValue, type Handle } from "../wire.ts";
/** Translatable English for messages and hints: en`Your values are ${n} times the reference.` (lib/messages/text.ts). */
export { en } from "../messages/text.ts";
