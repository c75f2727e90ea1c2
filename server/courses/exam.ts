/**
 * Exam mode for an assignment (issue 15, item 3):
 *   - feedback released at a set time: before it, a learner's submissions made in that course read
 *     as "submitted" with no score, no verdict and nothing of the checks, in every API answer
 *     (GET /api/submissions/:id, the exercise history, progress, the course rules panel);
 *   - an optional time window per learner, from their first open of one of its exercises (or
 *     their first submission, for a script that never opened the page): after it the course
 *     takes no more submissions from them (an extension does not lengthen it).
 * Staff always see everything. The rules are here; the gate and the views call in.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { assignmentOpens, assignments, courseMembers, submissionCourses } from "../../db/schema.ts";
import { formatInZone } from "../../lib/course/dates.ts";
import { text, textDate, type ServerText } from "../../lib/i18n/server-text.ts";
import { db, type SessionUser } from "../context.ts";
import { assignmentOf } from "./assignments.ts";
import { requireCourse, requireWritableCourse, type AssignmentRow } from "./roles.ts";
import { localDateTime, optionalCount, parseBody, problem } from "./schemas.ts";
import { z } from "zod";

export interface ExamSettings {
  /** When learners see their results (ms); null: as soon as graded. */
  feedbackAt: number | null;
  feedbackLocal: string | null;
  /** Minutes each learner has from their first open; null: no limit. */
  timeLimitMinutes: number | null;
}

/** What a learner's view of a withheld submission carries instead of its result. */
export interface Withheld {
  feedbackAt: number;
}

const ExamBody = (tz: string) =>
  z.object({
    feedbackAt: localDateTime(tz),
    timeLimitMinutes: optionalCount.refine((m) => m === null || m <= 7 * 24 * 60, { error: problem("atMostAWeek") }),
  });

export function examSettings(a: AssignmentRow, tz: string): ExamSettings {
  return { feedbackAt: a.feedbackAt?.getTime() ?? null, feedbackLocal: a.feedbackAt ? formatInZone(a.feedbackAt, tz) : null, timeLimitMinutes: a.timeLimitMinutes };
}

/** PUT …/assignments/:id/exam {feedbackAt: "2026-12-01T18:00" | "", timeLimitMinutes: 90 | ""} (instructors). */
export function setExamSettings(user: SessionUser, courseId: string, assignmentId: string, body: unknown): ExamSettings {
  const { course } = requireWritableCourse(user, courseId, "instructor");
  const a = assignmentOf(courseId, assignmentId);
  const b = parseBody(ExamBody(course.timeZone), body);
  db.update(assignments).set({ feedbackAt: b.feedbackAt, timeLimitMinutes: b.timeLimitMinutes }).where(eq(assignments.id, a.id)).run();
  return examSettings({ ...a, feedbackAt: b.feedbackAt, timeLimitMinutes: b.timeLimitMinutes }, course.timeZone);
}

export function readExamSettings(user: SessionUser, courseId: string, assignmentId: string): ExamSettings {
  const { course } = requireCourse(user, courseId, "staff");
  return examSettings(assignmentOf(courseId, assignmentId), course.timeZone);
}

// ---- feedback release ---------------------------------------------------------------------------

/** Assignments of these courses that set the exercise and still hold back feedback at `now`. */
function holdingAssignments(courseIds: string[], exerciseId: string, now: Date): AssignmentRow[] {
  if (!courseIds.length) return [];
  return db
    .select()
    .from(assignments)
    .where(inArray(assignments.courseId, courseIds))
    .all()
    .filter((a) => a.feedbackAt && a.feedbackAt > now && a.exerciseIds.includes(exerciseId));
}

/**
 * When the learner may see this submission's result: the latest release time of the exam-mode
 * assignments covering it in the courses it was made in, or null when nothing holds it back.
 */
export function feedbackWithheldUntil(submission: { id: string; exerciseId: string }, now = new Date()): Date | null {
  coursesOfSubmission ??= coursesOfSubmissionQuery();
  const courseIds = coursesOfSubmission.all({ id: submission.id }).map((r) => r.c);
  const held = holdingAssignments(courseIds, submission.exerciseId, now);
  return held.length ? new Date(Math.max(...held.map((a) => a.feedbackAt!.getTime()))) : null;
}

// Asked on every read of a submission by a learner: built and prepared once (issue 19).
const coursesOfSubmissionQuery = () => db.select({ c: submissionCourses.courseId }).from(submissionCourses).where(eq(submissionCourses.submissionId, sql.placeholder("id"))).prepare();
let coursesOfSubmission: ReturnType<typeof coursesOfSubmissionQuery> | undefined;

/** The exercises whose scores a learner may not see yet (exam-mode assignments of their courses). */
export function withheldExercises(userId: string, now = new Date()): Set<string> {
  const courseIds = db.select({ c: courseMembers.courseId }).from(courseMembers).where(and(eq(courseMembers.userId, userId), eq(courseMembers.role, "learner"))).all().map((r) => r.c);
  if (!courseIds.length) return new Set();
  const out = new Set<string>();
  for (const a of db.select().from(assignments).where(inArray(assignments.courseId, courseIds)).all()) {
    if (a.feedbackAt && a.feedbackAt > now) for (const id of a.exerciseIds) out.add(id);
  }
  return out;
}

/**
 * A submission view as the learner may read it: unchanged when nothing holds it back, else its
 * score, verdict and result gone, with the release time in their place.
 */
export function withholdFeedback<V extends { id: string; exerciseId: string; score: number | null; maxScore: number | null; result: unknown }>(v: V, now = new Date()): V & Partial<Withheld> {
  const until = feedbackWithheldUntil(v, now);
  if (!until) return v;
  return { ...v, score: null, maxScore: null, result: null, feedbackAt: until.getTime() };
}

// ---- the time window ----------------------------------------------------------------------------

// Asked on every submission (startExamWindows): prepared once (issue 19).
let learnerAssignmentsQuery: { all(values: { userId: string }): { a: AssignmentRow }[] } | undefined;

/** Starts the learner's window on every timed assignment covering this exercise that they have not opened yet. */
export function startExamWindows(user: SessionUser, exerciseId: string, now = new Date()): void {
  if (user.role !== "learner") return;
  learnerAssignmentsQuery ??= db
    .select({ a: assignments })
    .from(courseMembers)
    .innerJoin(assignments, eq(assignments.courseId, courseMembers.courseId))
    .where(and(eq(courseMembers.userId, sql.placeholder("userId")), eq(courseMembers.role, "learner")))
    .prepare();
  for (const { a } of learnerAssignmentsQuery.all({ userId: user.id })) {
    if (!a.timeLimitMinutes || !a.exerciseIds.includes(exerciseId) || (a.releaseAt && a.releaseAt > now)) continue;
    db.insert(assignmentOpens).values({ assignmentId: a.id, userId: user.id, openedAt: now }).onConflictDoNothing().run();
  }
}

/** The learner's window on a timed assignment: null when it has no limit; `endsAt` null until first opened. */
export function examWindow(a: AssignmentRow, userId: string): { openedAt: Date | null; endsAt: Date | null; minutes: number } | null {
  if (!a.timeLimitMinutes) return null;
  const open = db.select({ at: assignmentOpens.openedAt }).from(assignmentOpens).where(and(eq(assignmentOpens.assignmentId, a.id), eq(assignmentOpens.userId, userId))).get();
  return { openedAt: open?.at ?? null, endsAt: open ? new Date(open.at.getTime() + a.timeLimitMinutes * 60_000) : null, minutes: a.timeLimitMinutes };
}

/** Why the learner's time on this assignment is over (for the submission gate), or null. */
export function examWindowClosed(a: AssignmentRow, about: { assignment: string; course: string }, userId: string, tz: string, now: Date): ServerText | null {
  const w = examWindow(a, userId);
  if (!w?.endsAt || now <= w.endsAt) return null;
  return text("errors.gate.examOver", { ...about, minutes: w.minutes, ended: textDate(w.endsAt, tz) });
}

/** A learner's score overrides and staff comments without those of exercises whose results are not released yet
 *  (a comment such as "check your bias gradient" is feedback too, and would say how the exam went). */
export function withholdOverrides<F extends { overrides: { exerciseId: string }[]; comments: { exerciseId: string }[] }>(feedback: F, userId: string, now = new Date()): F {
  const held = withheldExercises(userId, now);
  return held.size ? { ...feedback, overrides: feedback.overrides.filter((o) => !held.has(o.exerciseId)), comments: feedback.comments.filter((c) => !held.has(c.exerciseId)) } : feedback;
}
