/**
 * The course rules as a learner meets them on an exercise: which submissions count as attempts,
 * attempts used and left, the cool-down, and what a submission made now would be worth at most.
 * Pure and isomorphic: the server's gate and gradebook and the page's live panel use the same rules.
 */
import { applyLatePolicy, type LateOutcome, type LatePolicy } from "./late-policy.ts";

/** Which attempt a course records, in the learner's words (the gradebook keeps the best late-adjusted score). */
export const COUNTED_ATTEMPT = "counts your best attempt made in this course, after any late penalty; attempts made before you joined or outside the course do not count";

/**
 * Whether a submission uses up an attempt. Everything does, graded or still queued, except a
 * verdict GradLab wrote because nothing of the learner's ran (maxScore 0: "could not grade").
 */
export function countsAsAttempt(s: { maxScore: number | null }): boolean {
  return s.maxScore !== 0;
}

export interface AttemptStanding {
  used: number;
  max: number | null;
  /** Null when the course sets no limit. */
  left: number | null;
  /** When the cool-down after the last attempt ends, when it has not yet. */
  retryAt: Date | null;
}

/** `attempts`: the times of the learner's counted attempts in one course, in any order. */
export function attemptStanding(rule: { maxSubmissions: number | null; cooldownSeconds: number | null }, attempts: Date[], now: Date): AttemptStanding {
  const used = attempts.length;
  const last = attempts.reduce<Date | null>((a, d) => (!a || d > a ? d : a), null);
  const end = last && rule.cooldownSeconds ? new Date(last.getTime() + rule.cooldownSeconds * 1000) : null;
  return { used, max: rule.maxSubmissions, left: rule.maxSubmissions === null ? null : Math.max(0, rule.maxSubmissions - used), retryAt: end && end > now ? end : null };
}

const pts = (x: number) => (Math.round(x * 100) / 100).toString();

/**
 * What a submission made at `now` would be worth at most under the late policy, e.g.
 * "submitting now: on time, max 10/10" or "submitting now: 2 days late: −20%, max 8/10".
 */
export function submissionCostNow(input: { policy: LatePolicy; dueAt: Date | null; extensionUntil?: Date | null; maxScore: number; now: Date }): { outcome: LateOutcome; text: string } {
  const outcome = applyLatePolicy({ score: input.maxScore, maxScore: input.maxScore, submittedAt: input.now, dueAt: input.dueAt, extensionUntil: input.extensionUntil, policy: input.policy });
  const text = !outcome.accepted
    ? `submitting now: not accepted (${outcome.note})`
    : `submitting now: ${outcome.note}, max ${pts(outcome.score)}/${pts(input.maxScore)}`;
  return { outcome, text };
}

/** A countdown as "m:ss" (or "h:mm:ss"), for a cool-down. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}
