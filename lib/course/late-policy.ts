/**
 * Deadlines and late work. Due dates are instants (UTC); a course's time zone matters only for
 * reading and showing them (see dates.ts). A day late means each started 24 hours past the
 * effective due date (the later of the due date and the learner's extension).
 */
export type LatePolicy =
  | { kind: "none" } // late work accepted at full credit
  | { kind: "penalty"; percentPerDay: number; maxDaysLate?: number } // after maxDaysLate, not accepted
  | { kind: "cutoff" }; // nothing accepted after the due date

export interface LateInput {
  score: number;
  maxScore: number;
  submittedAt: Date;
  dueAt: Date | null;
  /** A per-learner extension: the new due date for that learner. */
  extensionUntil?: Date | null;
  policy: LatePolicy;
}

export interface LateOutcome {
  /** The score after the late policy. */
  score: number;
  /** Started days past the effective due date (0 when on time). */
  daysLate: number;
  penaltyPercent: number;
  /** False when the policy does not accept the submission at all (it counts 0). */
  accepted: boolean;
  /** One sentence for the learner and the gradebook ("2 days late: −20%"). */
  note: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function effectiveDueAt(dueAt: Date | null, extensionUntil?: Date | null): Date | null {
  if (!dueAt) return extensionUntil ?? null;
  if (extensionUntil && extensionUntil > dueAt) return extensionUntil;
  return dueAt;
}

export function applyLatePolicy(input: LateInput): LateOutcome {
  const due = effectiveDueAt(input.dueAt, input.extensionUntil);
  const lateMs = due ? input.submittedAt.getTime() - due.getTime() : 0;
  const onTime: LateOutcome = { score: input.score, daysLate: 0, penaltyPercent: 0, accepted: true, note: "on time" };
  if (lateMs <= 0) return onTime;
  const daysLate = Math.ceil(lateMs / DAY_MS);
  const days = `${daysLate} day${daysLate === 1 ? "" : "s"} late`;
  switch (input.policy.kind) {
    case "none":
      return { ...onTime, daysLate, note: `${days}: no penalty (this assignment accepts late work)` };
    case "cutoff":
      return { score: 0, daysLate, penaltyPercent: 100, accepted: false, note: `${days}: after the hard cutoff, not counted` };
    case "penalty": {
      const { percentPerDay, maxDaysLate } = input.policy;
      if (maxDaysLate !== undefined && daysLate > maxDaysLate) {
        return { score: 0, daysLate, penaltyPercent: 100, accepted: false, note: `${days}: more than ${maxDaysLate} days late, not counted` };
      }
      const penaltyPercent = Math.min(100, percentPerDay * daysLate);
      const score = Math.round(input.score * (1 - penaltyPercent / 100) * 1e6) / 1e6;
      return { score, daysLate, penaltyPercent, accepted: true, note: `${days}: −${penaltyPercent}%` };
    }
  }
}

export interface AttemptRule {
  /** At most this many submissions per learner and exercise (graders must not become oracles). */
  maxSubmissions?: number | null;
  /** At least this many seconds between two submissions of one learner to one exercise. */
  cooldownSeconds?: number | null;
}

/** Whether another submission is allowed now; when not, a sentence saying why and until when. */
export function submissionAllowed(rule: AttemptRule, previous: { count: number; lastAt: Date | null }, now: Date): { ok: true } | { ok: false; reason: string; retryAt?: Date } {
  if (rule.maxSubmissions != null && previous.count >= rule.maxSubmissions) {
    return { ok: false, reason: `You have used all ${rule.maxSubmissions} submissions for this exercise.` };
  }
  if (rule.cooldownSeconds && previous.lastAt) {
    const retryAt = new Date(previous.lastAt.getTime() + rule.cooldownSeconds * 1000);
    if (retryAt > now) {
      const secs = Math.ceil((retryAt.getTime() - now.getTime()) / 1000);
      return { ok: false, reason: `Please wait ${secs} s before submitting this exercise again (cool-down of ${rule.cooldownSeconds} s).`, retryAt };
    }
  }
  return { ok: true };
}
