/**
 * What every submission gets before any grading, shared by the web server, the CLI and the
 * grader. Kept free of heavy imports: the web server loads it without isolated-vm or esbuild.
 */
import { randomBytes } from "node:crypto";

/** Learner source larger than this is refused before anything runs. */
export const MAX_CODE_BYTES = 256 * 1024;

/** The seed of a submission's hidden cases, from a cryptographic RNG, stored with it. */
export function newHiddenSeed(): string {
  return randomBytes(8).toString("hex");
}
