/**
 * What a server-only module (`*.host.ts`: a mistake simulator, a reference) becomes in the
 * browser's Run: every export is a function that returns undefined and notes that a check asked
 * for it, so the Run worker can say "Submit to get a diagnosis" on that check instead of shipping
 * a complete implementation to the learner's browser. See app/_build/run-assets.ts.
 */
let used = false;

/** Called by every stubbed export. */
export function hostOnly(): undefined {
  used = true;
  return undefined;
}

/** Whether a stubbed export was called since the last call (and reset). */
export function takeHostOnlyUse(): boolean {
  const was = used;
  used = false;
  return was;
}
