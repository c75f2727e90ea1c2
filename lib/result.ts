/** The grader's verdict. Field names follow Gradescope's results.json (see DESIGN.md). */
export type GradeStatus = "passed" | "failed" | "error" | "timeout" | "memory";

export interface TestResult {
  name: string;
  score: number;
  maxScore: number;
  status: "passed" | "failed";
  /** What went wrong and a hint. For hidden checks: pass/fail and the hint only. */
  output: string;
  /**
   * The targeted hint, when there is one (also `output`'s last line, "Hint: ..."). A field of its
   * own so that redaction never has to parse `output`, whose message may quote the learner's text.
   */
  hint?: string;
  /**
   * The kind of case a failed hidden check was running ("a batch of 13"): shapes and settings,
   * never values (also `output`'s "Case:" line when hidden details are revealed).
   */
  case?: string;
  visibility: "visible" | "hidden";
  /** Pictures' data for the results panel (heatmaps, curves). Never hidden inputs. */
  data?: Record<string, unknown>;
}

export interface GradeResult {
  exercise: string;
  score: number;
  maxScore: number;
  status: GradeStatus;
  tests: TestResult[];
  stdout: string;
  durationMs: number;
  /** Seed the hidden cases were drawn from (so a verdict can be reproduced by an instructor). */
  seed?: string;
  /** Content hash of the exercise version graded against. */
  version?: string;
  /** Why grading stopped early (compile error, limit), when it did. */
  message?: string;
}

/** The output of a failed check as graded with its details: the message, then its case and hint lines. */
export function failureOutput(message: string, kind: string | undefined, hint: string | undefined): string {
  return `${message}${kind ? `\nCase: ${kind}` : ""}${hint ? `\nHint: ${hint}` : ""}`;
}

/** What a learner sees of a failed hidden check: the kind of case, the hint, never the inputs or the expected values. */
export function hiddenFailureOutput(kind: string | undefined, hint: string | undefined): string {
  const what = `Failed on a hidden case${kind ? `: ${kind}` : ""} (its inputs are drawn fresh for each submission).`;
  return `${what}${hint ? `\nHint: ${hint}` : kind ? "" : "\nCompare with the visible checks of the same function: they show the details."}`;
}

/**
 * A test result as its learner may see it. A hidden check keeps its name, score, case and hint;
 * its message and pictures, which may hold hidden inputs or expected values, are withheld. Built
 * from the fields alone: nothing in `output` is read, so no text in it can pose as a case or hint.
 */
function redactTestForLearner(t: TestResult): TestResult {
  if (t.visibility !== "hidden") return t;
  const { data: _hiddenData, ...rest } = t;
  return t.status === "failed" ? { ...rest, output: hiddenFailureOutput(t.case, t.hint) } : rest;
}

/** Hide hidden checks' details (and any picture data) from a learner. */
export function redactForLearner(result: GradeResult): GradeResult {
  return { ...result, tests: result.tests.map(redactTestForLearner) };
}
