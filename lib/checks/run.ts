/**
 * Running an exercise's checks against a learner's module: each check gets its seeded RNG,
 * its outcome becomes a TestResult, a sandbox limit stops everything. Isomorphic.
 */
import { Rng } from "../nd/index.ts";
import type { CheckSuite, Tf } from "../exercise.ts";
import type { GradeStatus, TestResult } from "../result.ts";
import { CheckFailure, SandboxLimitError } from "./failure.ts";
import type { Learner } from "./learner.ts";

/** FNV-1a: a stable 32-bit seed from a string. */
export function seedFrom(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface RunOptions {
  learner: Learner;
  tf: Tf;
  /** Per-submission seed for hidden checks (hex string from a cryptographic RNG). */
  hiddenSeed: string;
  /** "visible" runs only visible checks (the browser's Run). */
  only?: "visible";
  /** Instructors see hidden checks' full messages; learners only pass/fail and the hint. */
  revealHidden?: boolean;
}

export interface RunOutcome {
  tests: TestResult[];
  /** Set when a limit stopped grading. */
  stopped?: { status: Extract<GradeStatus, "timeout" | "memory">; message: string };
  /** Set when a check itself crashed (a grader bug, not the learner's fault). */
  internalError?: string;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export async function runChecks(suite: CheckSuite, opts: RunOptions): Promise<RunOutcome> {
  const tests: TestResult[] = [];
  let stopped: RunOutcome["stopped"];
  let internalError: string | undefined;
  let skipReason: string | undefined;
  for (const check of suite.checks) {
    if (opts.only === "visible" && check.visibility !== "visible") continue;
    const hiddenCheck = check.visibility === "hidden";
    const base: Omit<TestResult, "score" | "status" | "output"> = { name: check.name, maxScore: check.points, visibility: check.visibility };
    if (skipReason) {
      tests.push({ ...base, score: 0, status: "failed", output: skipReason });
      continue;
    }
    const seed = seedFrom(hiddenCheck ? `${opts.hiddenSeed}:${check.name}` : `visible:${check.name}`);
    try {
      const outcome = (await check.run({ learner: opts.learner, tf: opts.tf, rng: new Rng(seed), seed, hidden: hiddenCheck, submissionSeed: seedFrom(`${opts.hiddenSeed}:submission`) })) ?? {};
      const fraction = Math.min(1, Math.max(0, outcome.fraction ?? 1));
      tests.push({
        ...base,
        score: round(check.points * fraction),
        status: fraction >= 1 ? "passed" : "failed",
        output: outcome.output ?? "",
        // Picture data of a hidden check could reveal its inputs: learners never get it.
        ...(outcome.data && (!hiddenCheck || opts.revealHidden) ? { data: outcome.data } : {}),
      });
    } catch (e) {
      if (e instanceof SandboxLimitError) {
        stopped = { status: e.kind, message: e.message };
        tests.push({ ...base, score: 0, status: "failed", output: e.message });
        skipReason = `Not run: grading stopped at an earlier check (${e.kind}).`;
        continue;
      }
      if (e instanceof CheckFailure) {
        const hint = e.hint ? `\nHint: ${e.hint}` : "";
        const output = hiddenCheck && !opts.revealHidden ? `Failed on a hidden case (its inputs are drawn fresh for each submission).${hint || "\nCompare with the visible checks of the same function: they show the details."}` : `${e.message}${hint}`;
        tests.push({ ...base, score: 0, status: "failed", output, ...(e.data && (!hiddenCheck || opts.revealHidden) ? { data: e.data } : {}) });
        if (check.critical) skipReason = `Not run: "${check.name}" must pass first.`;
        continue;
      }
      internalError = `check "${check.name}" crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
      tests.push({ ...base, score: 0, status: "failed", output: "The grader could not run this check (an error in the grader, not in your code). Your submission can be regraded." });
    }
  }
  return { tests, stopped, internalError };
}
