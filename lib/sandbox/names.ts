/**
 * Names shared by the host and the sandbox child. Kept free of imports, so that the child's
 * bundle does not pull in esbuild (loading it costs every sandbox child ~40 ms of CPU).
 */
export const LEARNER_SCRIPT = "learner.js";
