/**
 * `defineChecks` as the browser's Run sees it: the build (app/_build/run-assets.ts) cuts the
 * hidden checks out of checks.ts and calls this instead, which validates the same way but wants
 * visible checks only (lib/exercise.ts's defineChecks requires a hidden one).
 */
import type { CheckSuite } from "../../lib/checks/define.ts";

export function defineVisibleChecks(suite: CheckSuite): CheckSuite {
  const seen = new Set<string>();
  for (const c of suite.checks) {
    if (!c.name || seen.has(c.name) || !(c.points > 0)) throw new Error(`Run: invalid check "${c.name}"`);
    if (c.visibility !== "visible") throw new Error(`Run: the ${c.visibility} check "${c.name}" reached the browser`);
    seen.add(c.name);
  }
  if (!suite.checks.length) throw new Error("Run: this exercise has no visible check");
  return suite;
}
