/** The grader's verdict. Field names follow Gradescope's results.json (see DESIGN.md). */
import { en, textOf, type LocalText } from "./messages/text.ts";

export type { LocalText } from "./messages/text.ts";
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
  /**
   * The same words as translatable texts (lib/messages/text.ts): `message` is `output` without its
   * "Case:" and "Hint:" lines, `hint` and `case` the fields above. Each is there when the grader made
   * that text with `en`; a page or the CLI shows it in the reader's language, else the English.
   */
  text?: { message?: LocalText; hint?: LocalText; case?: LocalText };
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
  /** `message` as a translatable text, when it was made with `en`. */
  messageText?: LocalText;
}

/** The translatable texts of a test result's message, hint and case (those made with `en`); undefined when none is. */
export function testTexts(message: string | undefined, hint: string | undefined, kind: string | undefined): TestResult["text"] {
  const text: NonNullable<TestResult["text"]> = {};
  const m = textOf(message);
  const h = textOf(hint);
  const k = textOf(kind);
  if (m) text.message = m;
  if (h) text.hint = h;
  if (k) text.case = k;
  return m || h || k ? text : undefined;
}

/**
 * A test's output as its parts: the message, then the case and the hint the grader added as
 * "Case:" / "Hint:" lines from the fields (so a page or report can put each in its own words).
 * A result stored before the hint field existed: its "Hint:" line read from the text.
 */
export function outputParts(t: Pick<TestResult, "output" | "hint" | "case">): { message: string; kind?: string; hint?: string } {
  if (t.hint === undefined && t.case === undefined) {
    const i = t.output.indexOf("\nHint: ");
    if (i >= 0) return { message: t.output.slice(0, i), hint: t.output.slice(i + 7) };
    return t.output.startsWith("Hint: ") ? { message: "", hint: t.output.slice(6) } : { message: t.output };
  }
  let message = t.output;
  const strip = (line: string) => {
    if (!message.endsWith(line)) return false;
    message = message.slice(0, -line.length).replace(/\n$/, "");
    return true;
  };
  const hint = t.hint !== undefined && strip(`Hint: ${t.hint}`) ? t.hint : undefined;
  const kind = t.case !== undefined && strip(`Case: ${t.case}`) ? t.case : undefined;
  return { message, ...(kind !== undefined ? { kind } : {}), ...(hint !== undefined ? { hint } : {}) };
}

/** The output of a failed check as graded with its details: the message, then its case and hint lines. */
export function failureOutput(message: string, kind: string | undefined, hint: string | undefined): string {
  return `${message}${kind ? `\nCase: ${kind}` : ""}${hint ? `\nHint: ${hint}` : ""}`;
}

/** The message of a failed hidden check as its learner sees it: the kind of case, never the inputs or the expected values. */
export function hiddenFailureMessage(kind: string | undefined, hint: string | undefined): string {
  if (kind) return en`Failed on a hidden case: ${kind} (its inputs are drawn fresh for each submission).`;
  if (hint) return en`Failed on a hidden case (its inputs are drawn fresh for each submission).`;
  return en`Failed on a hidden case (its inputs are drawn fresh for each submission).\nCompare with the visible checks of the same function: they show the details.`;
}

/** What a learner sees of a failed hidden check: the kind of case, the hint, never the inputs or the expected values. */
export function hiddenFailureOutput(kind: string | undefined, hint: string | undefined): string {
  return `${hiddenFailureMessage(kind, hint)}${hint ? `\nHint: ${hint}` : ""}`;
}

/**
 * A test result as its learner may see it. A hidden check keeps its name, score, case and hint;
 * its message and pictures, which may hold hidden inputs or expected values, are withheld. Built
 * from the fields alone: nothing in `output` is read, so no text in it can pose as a case or hint.
 */
function redactTestForLearner(t: TestResult): TestResult {
  if (t.visibility !== "hidden") return t;
  const { data: _hiddenData, text, ...rest } = t;
  if (t.status !== "failed") return { ...rest, ...(text ? { text } : {}) };
  // The message's texts may hold hidden values: only the hint's and the case's are kept.
  const made = textOf(hiddenFailureMessage(t.case, t.hint));
  // This runs where the result is read (the web server), not where the case text was made: put the
  // case's own translatable text (kept below anyway) into the message, so it is not English inside it.
  const message = made && text?.case && t.case !== undefined ? { ...made, params: made.params?.map((p) => (p === t.case ? { ...text.case!, en: t.case } : p)) } : made;
  const kept = { ...(message ? { message } : {}), ...(text?.hint ? { hint: text.hint } : {}), ...(text?.case ? { case: text.case } : {}) };
  return { ...rest, output: hiddenFailureOutput(t.case, t.hint), ...(Object.keys(kept).length ? { text: kept } : {}) };
}

/** Hide hidden checks' details (and any picture data) from a learner. */
export function redactForLearner(result: GradeResult): GradeResult {
  return { ...result, tests: result.tests.map(redactTestForLearner) };
}
