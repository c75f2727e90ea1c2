/**
 * The verdicts GradLab writes itself, when a submission could not be graded the ordinary way:
 * nothing of the learner's ran (our fault), every attempt failed (the queue gave up), or the worker
 * stopped the learner's code. The queue and the worker both store them, so they live below both.
 */
import { testTexts, type GradeResult } from "../lib/result.ts";
import { textOf } from "../lib/messages/text.ts";
import { verdictMessages } from "../lib/messages/verdict-texts.ts";
import type { Exercise } from "./exercises.ts";

/** A verdict that is not about the learner's code (nothing ran): status error, with why. */
export function notGradedResult(exerciseId: string, message: string, extra: Partial<GradeResult> = {}): GradeResult {
  const messageText = textOf(message);
  return { exercise: exerciseId, score: 0, maxScore: 0, status: "error", tests: [], stdout: "", durationMs: 0, message, ...(messageText ? { messageText } : {}), ...extra };
}

/**
 * The verdict stored when grading failed on every attempt. `maxScore` > 0 (the exercise's points,
 * score 0) when the attempts failed while the learner's code was being graded: the learner's code
 * may well be the cause (a submission that stops every worker), so it counts as an attempt like any
 * verdict; maxScore 0 (our fault: nothing of the learner's ran) costs no attempt (server/courses/submission-gate.ts).
 */
export function gaveUpResult(exerciseId: string, attempts: number, error: string, seed?: string, version?: string, maxScore = 0): GradeResult {
  // `error` can carry a sandbox child's stderr (host paths, the Node version): it stays with the job
  // (grading_jobs.last_error, the worker's log) for staff; the learner reads only its first line's gist.
  const gist = learnerSafe(error);
  const message = maxScore > 0 ? verdictMessages.gaveUpWhileGrading(attempts, gist) : verdictMessages.gaveUp(attempts, gist);
  return notGradedResult(exerciseId, message, { seed, version, maxScore });
}

/**
 * A verdict for a submission the worker stopped (wall budget, grader memory): 0 on every check,
 * out of the exercise's points, so it counts as an attempt.
 */
export function learnerStoppedResult(ex: Pick<Exercise, "id" | "version" | "suite"> | undefined, exerciseId: string, status: "timeout" | "memory", message: string): GradeResult {
  const text = testTexts(message, undefined, undefined);
  const tests = (ex?.suite.checks ?? []).map((c) => ({ name: c.name, score: 0, maxScore: c.points, status: "failed" as const, output: message, visibility: c.visibility, ...(text ? { text } : {}) }));
  const messageText = textOf(message);
  return { exercise: exerciseId, score: 0, maxScore: tests.reduce((n, t) => n + t.maxScore, 0), status, tests, stdout: "", durationMs: 0, message, ...(messageText ? { messageText } : {}), ...(ex ? { version: ex.version } : {}) };
}

/** The first line of a worker's error, without host paths or stack frames, at most 200 characters. */
export function learnerSafe(error: string): string {
  const first = error.split("\n", 1)[0] ?? "";
  const cleaned = first
    .replace(/(?:file:\/\/)?\/[^\s:'"()]+(?::\d+)*/g, "<path>")
    .replace(/\bv?\d+\.\d+\.\d+\b/g, "<version>")
    .replace(/\s+at\s.*$/, "");
  return cleaned.length > 200 ? `${cleaned.slice(0, 200)}…` : cleaned || "no details";
}
