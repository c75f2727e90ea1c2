/**
 * Running an exercise's checks against a learner's module: each check gets its seeded RNG,
 * its outcome becomes a TestResult, a sandbox limit stops everything. Isomorphic.
 */
import { Rng, Tensor } from "../nd/index.ts";
import type { CheckSuite } from "./define.ts";
import type { Tf } from "./tf.ts";
import { failureOutput, hiddenFailureMessage, hiddenFailureOutput, testTexts, type GradeStatus, type TestResult } from "../result.ts";
import { en } from "../messages/text.ts";
import { sandboxText } from "../messages/sandbox-texts.ts";
import { CheckFailure, SandboxLimitError } from "./failure.ts";
import { Learner } from "./learner.ts";

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

/** "a tensor [2,5,5,3]", "an integer array of 4", "2 tensors ([3,4], [4])": an argument's shape, never its values. */
function describeArg(a: unknown): string | undefined {
  if (a instanceof Tensor) return `[${a.shape}]`;
  if (a instanceof Int32Array || a instanceof Float64Array) return en`an array of ${a.length}`;
  if (Array.isArray(a) && a.length > 0 && a.every((x) => x instanceof Tensor)) {
    const shapes = a.map((x: Tensor) => `[${x.shape}]`).join(", ");
    return a.length > 1 ? en`${a.length} tensors (${shapes})` : en`1 tensor (${shapes})`;
  }
  return undefined;
}

/**
 * The kind of case a check is running, for a hidden failure's message: what the check last
 * described (`ctx.describe`), else the learner's function it last called and the shapes of its
 * tensor arguments. The learner's calls go through unchanged.
 */
class CaseTracker extends Learner {
  described: string | undefined;
  /** The last call's name and arguments (arrays copied as they were), described only when a hidden check fails. */
  private last: { name: string; args: unknown[] } | undefined;
  constructor(inner: Learner) {
    super(inner.raw);
  }
  private note(name: string, args: unknown[]): void {
    this.last = { name, args: args.map((a) => (Array.isArray(a) ? a.slice() : a)) };
  }
  private lastCall(): string | undefined {
    if (!this.last) return undefined;
    const shapes = this.last.args.map(describeArg).filter((d): d is string => d !== undefined);
    const fn = this.last.name.startsWith("driver:") ? en`your code` : this.last.name;
    return shapes.length ? en`${fn} with ${shapes.join(", ")}` : fn;
  }
  override call(name: string, ...args: unknown[]) {
    this.note(name, args);
    return super.call(name, ...args);
  }
  override callInPlace(name: string, ...args: unknown[]) {
    this.note(name, args);
    return super.callInPlace(name, ...args);
  }
  override callKeep(name: string, ...args: unknown[]) {
    this.note(name, args);
    return super.callKeep(name, ...args);
  }
  /** "" when nothing describes the case. */
  kind(): string {
    if (this.described !== undefined) return this.described;
    const call = this.lastCall();
    return call ? en`a call of ${call}` : "";
  }
}

/** `{ text }` for a test result whose words were made with `en`, else nothing. */
function withTexts(message: string | undefined, hint: string | undefined, kind: string | undefined): Pick<TestResult, "text"> {
  const text = testTexts(message, hint, kind);
  return text ? { text } : {};
}

export async function runChecks(suite: CheckSuite, opts: RunOptions): Promise<RunOutcome> {
  const tests: TestResult[] = [];
  let stopped: RunOutcome["stopped"];
  let internalError: string | undefined;
  let skipReason: string | undefined;
  const sharedWork = new Map<string, Promise<unknown>>();
  const shared = <T,>(key: string, make: () => Promise<T>): Promise<T> => {
    let p = sharedWork.get(key);
    if (!p) sharedWork.set(key, (p = make()));
    return p as Promise<T>;
  };
  for (const check of suite.checks) {
    if (opts.only === "visible" && check.visibility !== "visible") continue;
    const hiddenCheck = check.visibility === "hidden";
    const base: Omit<TestResult, "score" | "status" | "output"> = { name: check.name, maxScore: check.points, visibility: check.visibility };
    if (skipReason) {
      tests.push({ ...base, score: 0, status: "failed", output: skipReason, ...withTexts(skipReason, undefined, undefined) });
      continue;
    }
    const seed = seedFrom(hiddenCheck ? `${opts.hiddenSeed}:${check.name}` : `visible:${check.name}`);
    const tracker = new CaseTracker(opts.learner);
    const describe = (kind: string) => {
      tracker.described = kind;
    };
    try {
      const ctx = { learner: tracker, tf: opts.tf, rng: new Rng(seed), seed, hidden: hiddenCheck, submissionSeed: seedFrom(`${opts.hiddenSeed}:submission`), describe, shared };
      const outcome = (await check.run(ctx)) ?? {};
      const fraction = Math.min(1, Math.max(0, outcome.fraction ?? 1));
      tests.push({
        ...base,
        score: round(check.points * fraction),
        status: fraction >= 1 ? "passed" : "failed",
        output: [outcome.output, outcome.hint && `Hint: ${outcome.hint}`].filter(Boolean).join("\n"),
        ...(outcome.hint ? { hint: outcome.hint } : {}),
        ...withTexts(outcome.output, outcome.hint, undefined),
        // Picture data of a hidden check could reveal its inputs: learners never get it.
        ...(outcome.data && (!hiddenCheck || opts.revealHidden) ? { data: outcome.data } : {}),
      });
    } catch (e) {
      if (e instanceof SandboxLimitError) {
        // Written by the sandbox, maybe in another process: given its key again here.
        const message = sandboxText(e.message);
        stopped = { status: e.kind, message };
        tests.push({ ...base, score: 0, status: "failed", output: message, ...withTexts(message, undefined, undefined) });
        skipReason = e.kind === "timeout" ? en`Not run: grading stopped at an earlier check (time limit).` : en`Not run: grading stopped at an earlier check (memory limit).`;
        continue;
      }
      if (e instanceof CheckFailure) {
        const kind = hiddenCheck ? tracker.kind() : "";
        const redacted = hiddenCheck && !opts.revealHidden;
        const output = redacted ? hiddenFailureOutput(kind, e.hint) : failureOutput(e.message, kind, e.hint);
        tests.push({
          ...base,
          score: 0,
          status: "failed",
          output,
          ...(e.hint ? { hint: e.hint } : {}),
          ...(kind ? { case: kind } : {}),
          // A hidden check's own message may hold its inputs: its learner gets the hidden-case message's text.
          ...withTexts(redacted ? hiddenFailureMessage(kind, e.hint) : e.message, e.hint, kind || undefined),
          ...(e.data && (!hiddenCheck || opts.revealHidden) ? { data: e.data } : {}),
        });
        if (check.critical) skipReason = en`Not run: "${check.name}" must pass first.`;
        continue;
      }
      internalError = `check "${check.name}" crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
      const output = en`The grader could not run this check (an error in the grader, not in your code). Your submission can be regraded.`;
      tests.push({ ...base, score: 0, status: "failed", output, ...withTexts(output, undefined, undefined) });
    }
  }
  return { tests, stopped, internalError };
}
