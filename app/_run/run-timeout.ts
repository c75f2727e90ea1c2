/** Run's time limit in the browser: it only guards against endless loops, so it is lenient with a slow machine. */
export function runTimeoutMs(exerciseTimeoutMs: number): number {
  return Math.max(2 * exerciseTimeoutMs, 10_000);
}
