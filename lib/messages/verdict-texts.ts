/**
 * The words of verdicts GradLab writes itself (grader/verdicts.ts): a submission the worker stopped,
 * one the queue gave up on, an exercise no longer in the catalogue. Here (lib/) so that the
 * translations scan finds them like every other grader text; the grader's verdicts call these.
 */
import { en } from "./text.ts";

export const verdictMessages = {
  overBudget: (secs: number) =>
    en`Grading stopped: it took longer than the ${secs} s a submission may take in all (your code's run, the checks, and reading what your code returned). Make your code return what the exercise asks for, of the size it asks for, and faster. This counts as an attempt.`,
  tooLargeToRead: () => en`Grading stopped: what your code returned was too large for the grader to read. Return values of the size the exercise asks for. This counts as an attempt.`,
  /** `gist`: the last attempt's error, first line, host details removed (shown as it is). */
  gaveUpWhileGrading: (attempts: number, gist: string) =>
    en`GradLab could not grade this submission after ${attempts} attempts: grading stopped each time while your code was being graded (last: ${gist}). It counts as an attempt, scored 0. If you believe the grader is at fault, ask your instructor for a regrade.`,
  gaveUp: (attempts: number, gist: string) =>
    en`GradLab could not grade this submission after ${attempts} attempts (${gist}). This is not a verdict on your code: it can be regraded, and it costs you no attempt.`,
  notInCatalogue: (id: string) => en`Exercise '${id}' is not in this GradLab's catalogue any more, so it cannot be graded. Ask your instructor.`,
};
