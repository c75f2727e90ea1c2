/** The rules on the exercise page: each course's dates, late policy and attempts for one learner, from the gradebook's own numbers. */
import { and, desc, eq } from "drizzle-orm";
import { submissionCourses, submissions } from "../../db/schema.ts";
import { attemptStanding, COUNTED_ATTEMPT, countsAsAttempt } from "../../lib/course/course-rules.ts";
import { formatInZone } from "../../lib/course/dates.ts";
import { applyLatePolicy, type LatePolicy } from "../../lib/course/late-policy.ts";
import { db, type SessionUser } from "../context.ts";
import { policyText } from "./assignments.ts";
import { gradebookParts } from "./gradebook.ts";
import { examWindow } from "./exam.ts";
import { madeIn } from "./roles.ts";
import { attemptsInCourse, learnerAssignments, leftLmsCourse } from "./submission-gate.ts";

/** One submission as a course records it. */
export interface SubmissionStanding {
  id: string;
  createdAt: number;
  /** The grader's score scaled to the exercise's points; null while not graded. */
  raw: number | null;
  /** The late policy's verdict: "on time", "2 days late: −20%", "… not counted". */
  note: string;
  penaltyPercent: number;
  accepted: boolean;
  /** What this submission is worth in the course (after the late policy); null while not graded. */
  recorded: number | null;
  /** False for a "could not grade" verdict, which costs no attempt. */
  countsAsAttempt: boolean;
}

/** A course's rules for one learner and exercise: what the exercise page shows (dates as instants in ms). */
export interface ExerciseCourseRules {
  courseId: string;
  courseTitle: string;
  timeZone: string;
  assignmentTitle: string;
  points: number;
  dueAt: number | null;
  dueLocal: string | null;
  extensionUntil: number | null;
  extensionLocal: string | null;
  latePolicy: LatePolicy;
  latePolicyText: string;
  cooldownSeconds: number | null;
  attempts: { used: number; max: number | null; left: number | null; retryAt: number | null };
  /** Which attempt the course records, in words. */
  counted: string;
  /** The gradebook's score for this learner (best after the late policy); null with nothing graded. */
  recorded: number | null;
  /** The learner's submissions made in this course, newest first (at most 20). */
  submissions: SubmissionStanding[];
  /** The learner left this course in their LMS (roster sync): the course takes no more of their submissions (the gate's rule). */
  leftLms: boolean;
  /** Exam mode (exam.ts): scores withheld until feedbackAt; a time window from the first open. */
  exam: { feedbackAt: number | null; feedbackLocal: string | null; minutes: number | null; endsAt: number | null; endsLocal: string | null };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The rules of every course where the user is a learner and a released assignment sets this
 * exercise, with the learner's standing. The numbers come from the gradebook's own rows and the
 * gate's own attempt count, so the page, the gate and the gradebook cannot disagree.
 */
export async function exerciseCourseRules(user: SessionUser, exerciseId: string, now = new Date()): Promise<ExerciseCourseRules[]> {
  if (user.role !== "learner") return [];
  const out: ExerciseCourseRules[] = [];
  const covering = learnerAssignments(user.id, exerciseId).matching.filter((r) => !r.a.releaseAt || r.a.releaseAt <= now);
  for (const r of covering.sort((x, y) => x.courseTitle.localeCompare(y.courseTitle))) {
    const { items, ext, table } = await gradebookParts(r.courseId, user.id);
    const item = items.find((i) => i.exerciseId === exerciseId)!;
    const until = ext.get(`${user.id}:${exerciseId}`) ?? null;
    const standing = attemptStanding({ maxSubmissions: r.a.maxSubmissions, cooldownSeconds: r.a.cooldownSeconds }, attemptsInCourse(user.id, exerciseId, r.courseId), now);
    const subs = db
      .select({ id: submissions.id, createdAt: submissions.createdAt, score: submissions.score, maxScore: submissions.maxScore })
      .from(submissions)
      .innerJoin(submissionCourses, madeIn(r.courseId))
      .where(and(eq(submissions.userId, user.id), eq(submissions.exerciseId, exerciseId)))
      .orderBy(desc(submissions.createdAt))
      .limit(20)
      .all();
    const held = !!r.a.feedbackAt && r.a.feedbackAt > now;
    const win = examWindow(r.a, user.id);
    const rules: ExerciseCourseRules = {
      courseId: r.courseId,
      courseTitle: r.courseTitle,
      timeZone: r.tz,
      assignmentTitle: r.a.title,
      points: item.maxScore,
      dueAt: r.a.dueAt?.getTime() ?? null,
      dueLocal: r.a.dueAt ? formatInZone(r.a.dueAt, r.tz) : null,
      extensionUntil: until?.getTime() ?? null,
      extensionLocal: until ? formatInZone(until, r.tz) : null,
      latePolicy: item.policy,
      latePolicyText: policyText(item.policy),
      cooldownSeconds: r.a.cooldownSeconds,
      attempts: { used: standing.used, max: standing.max, left: standing.left, retryAt: standing.retryAt?.getTime() ?? null },
      counted: COUNTED_ATTEMPT,
      leftLms: leftLmsCourse(user.id, r.courseId),
      recorded: table[0]?.cells[exerciseId]?.best ?? null,
      submissions: subs.map((s) => {
        const counts = countsAsAttempt(s);
        const late = applyLatePolicy({ score: 0, maxScore: item.maxScore, submittedAt: s.createdAt, dueAt: item.dueAt, extensionUntil: until, policy: item.policy });
        if (s.score === null || !counts) return { id: s.id, createdAt: s.createdAt.getTime(), raw: null, note: counts ? late.note : "not graded: costs no attempt", penaltyPercent: late.penaltyPercent, accepted: late.accepted, recorded: null, countsAsAttempt: counts };
        // The gradebook's arithmetic (lib/course/gradebook.ts): scaled to the item's points, then the late policy.
        const raw = s.maxScore ? (s.score / s.maxScore) * item.maxScore : 0;
        const adj = applyLatePolicy({ score: raw, maxScore: item.maxScore, submittedAt: s.createdAt, dueAt: item.dueAt, extensionUntil: until, policy: item.policy });
        return { id: s.id, createdAt: s.createdAt.getTime(), raw: round2(raw), note: adj.note, penaltyPercent: adj.penaltyPercent, accepted: adj.accepted, recorded: round2(adj.score), countsAsAttempt: true };
      }),
      exam: { feedbackAt: r.a.feedbackAt?.getTime() ?? null, feedbackLocal: r.a.feedbackAt ? formatInZone(r.a.feedbackAt, r.tz) : null, minutes: win?.minutes ?? null, endsAt: win?.endsAt?.getTime() ?? null, endsLocal: win?.endsAt ? formatInZone(win.endsAt, r.tz) : null },
    };
    // Exam mode: nothing of the scores before the release time.
    if (held) {
      rules.recorded = null;
      rules.submissions = rules.submissions.map((s) => ({ ...s, raw: null, recorded: null }));
    }
    out.push(rules);
  }
  return out;
}
