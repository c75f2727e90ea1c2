/** What a learner may open and submit: the course rules checked for every submission, and the submission stored with its courses. */
import { and, eq, sql } from "drizzle-orm";
import { assignments, courseMembers, courses, extensions, ltiContexts, ltiMemberships, submissionCourses, submissions } from "../../db/schema.ts";
import type { Exercise } from "../../grader/exercises.ts";
import { submitCode } from "../../grader/submissions.ts";
import { countsAsAttempt } from "../../lib/course/course-rules.ts";
import { text, textDate, renderText, type ServerText, type Text } from "../../lib/i18n/server-text.ts";
import { applyLatePolicy, submissionAllowed, type LatePolicy } from "../../lib/course/late-policy.ts";
import { db, type SessionUser } from "../context.ts";
import { examWindowClosed, startExamWindows } from "./exam.ts";
import { madeIn, type AssignmentRow } from "./roles.ts";

export interface Covering {
  a: AssignmentRow;
  tz: string;
  courseId: string;
  courseTitle: string;
  /** The course is archived: read-only, it takes no submissions. */
  archivedAt: Date | null;
}

/** Every assignment covering an exercise in the courses where the user is a learner (one per course at most). */
export function learnerAssignments(userId: string, exerciseId: string): { enrolled: boolean; matching: Covering[] } {
  coveringQuery ??= learnerCoveringQuery();
  const rows = coveringQuery.all({ userId });
  return { enrolled: rows.length > 0 || isLearnerAnywhere(userId), matching: rows.filter((r) => r.a.exerciseIds.includes(exerciseId)) };
}

/** The time zone of the learner's course that sets this exercise (the first, by course), or null when none does. */
export function exerciseTimeZone(userId: string, exerciseId: string): string | null {
  const m = learnerAssignments(userId, exerciseId).matching;
  return m.length ? [...m].sort((x, y) => x.courseId.localeCompare(y.courseId))[0].tz : null;
}

function isLearnerAnywhere(userId: string): boolean {
  learnerAnywhereQuery ??= db.select({ c: courseMembers.courseId }).from(courseMembers).where(and(eq(courseMembers.userId, sql.placeholder("userId")), eq(courseMembers.role, "learner"))).prepare();
  return !!learnerAnywhereQuery.get({ userId });
}

// Asked on every submission and exercise page: built and prepared once (issue 19).
const learnerCoveringQuery = () =>
  db
    .select({ a: assignments, tz: courses.timeZone, courseId: courses.id, courseTitle: courses.title, archivedAt: courses.archivedAt })
    .from(courseMembers)
    .innerJoin(assignments, eq(assignments.courseId, courseMembers.courseId))
    .innerJoin(courses, eq(courses.id, courseMembers.courseId))
    .where(and(eq(courseMembers.userId, sql.placeholder("userId")), eq(courseMembers.role, "learner")))
    .prepare();
let coveringQuery: ReturnType<typeof learnerCoveringQuery> | undefined;
let learnerAnywhereQuery: { get(values: { userId: string }): unknown } | undefined;

/**
 * Whether a user may open an exercise. A learner enrolled in a course sees only its released
 * assignments; someone in no course as a learner sees the open demo catalogue (every exercise);
 * staff and instructors see everything.
 */
export function mayOpenExercise(user: SessionUser, exerciseId: string, now = new Date()): boolean {
  if (user.role !== "learner") return true;
  const { enrolled, matching } = learnerAssignments(user.id, exerciseId);
  if (!enrolled) return true;
  return matching.some((r) => !r.a.releaseAt || r.a.releaseAt <= now);
}

/**
 * `courseIds`: the courses the submission is made in (recorded with it). A refusal's `error` is
 * English; `text` says the same as message keys, for the learner's language.
 */
export type Gate = { ok: true; courseIds: string[] } | { ok: false; status: 403 | 404 | 429; error: string; text: Text; retryAfter?: number };

const refuse = (status: 403 | 404 | 429, t: Text, retryAfter?: number): Gate => ({ ok: false, status, error: renderText(t), text: t, ...(retryAfter !== undefined ? { retryAfter } : {}) });
/** The words every refusal starts with: which assignment, in which course. */
const about = (r: Covering) => ({ assignment: r.a.title, course: r.courseTitle });

/**
 * The course rules for one more submission. A course takes it when its assignment is released
 * and not past a hard cutoff; the submission is made in every course that takes it, so every
 * such course's submission limit and cool-down applies (the strictest wins: a second course
 * is no way around the first one's rules). Each course counts the attempts made in it
 * (submission_courses), so work from before the learner joined costs none of its attempts.
 */
export function submissionGate(user: SessionUser, exerciseId: string, now: Date): Gate {
  if (user.role !== "learner") return { ok: true, courseIds: [] };
  const { enrolled, matching } = learnerAssignments(user.id, exerciseId);
  if (!enrolled) return { ok: true, courseIds: [] };
  if (!matching.length) return refuse(404, text("errors.gate.notInCourses", { exercise: exerciseId }));
  const open: Covering[] = [];
  const closed: ServerText[] = [];
  const notYet: Covering[] = [];
  for (const r of matching) {
    if (r.a.releaseAt && r.a.releaseAt > now) {
      notYet.push(r);
      continue;
    }
    const reason = r.archivedAt
      ? text("errors.gate.archived", about(r))
      : leftLmsCourse(user.id, r.courseId)
        ? text("errors.gate.leftLms", about(r))
        : (pastCutoff(r, user.id, now) ?? examWindowClosed(r.a, about(r), user.id, r.tz, now));
    if (reason) closed.push(reason);
    else open.push(r);
  }
  if (!open.length) {
    if (closed.length) return refuse(403, closed);
    const first = notYet.sort((x, y) => x.a.releaseAt!.getTime() - y.a.releaseAt!.getTime())[0];
    return refuse(403, text("errors.gate.notReleased", { ...about(first), opens: textDate(first.a.releaseAt!, first.tz) }));
  }
  let wait: { retryAt: Date; text: ServerText } | null = null;
  for (const r of open) {
    // Each course counts only the attempts made in it: not those from before the learner joined, nor another course's.
    const prev = attemptsInCourse(user.id, exerciseId, r.courseId);
    const last = prev.reduce<Date | null>((a, d) => (!a || d > a ? d : a), null);
    const allowed = submissionAllowed({ maxSubmissions: r.a.maxSubmissions, cooldownSeconds: r.a.cooldownSeconds }, { count: prev.length, lastAt: last }, now);
    if (allowed.ok) continue;
    if (!allowed.retryAt) return refuse(403, text("errors.gate.allUsed", { ...about(r), max: r.a.maxSubmissions ?? 0 }));
    const seconds = Math.ceil((allowed.retryAt.getTime() - now.getTime()) / 1000);
    if (!wait || allowed.retryAt > wait.retryAt) wait = { retryAt: allowed.retryAt, text: text("errors.gate.coolDown", { ...about(r), seconds, cooldown: r.a.cooldownSeconds ?? 0 }) };
  }
  if (wait) return refuse(429, wait.text, Math.ceil((wait.retryAt.getTime() - now.getTime()) / 1000));
  return { ok: true, courseIds: open.map((r) => r.courseId) };
}

/** The times of the learner's attempts at an exercise made in a course (lib/course/course-rules.ts: what counts). */
export function attemptsInCourse(userId: string, exerciseId: string, courseId: string): Date[] {
  return db
    .select({ createdAt: submissions.createdAt, maxScore: submissions.maxScore })
    .from(submissions)
    .innerJoin(submissionCourses, madeIn(courseId))
    .where(and(eq(submissions.userId, userId), eq(submissions.exerciseId, exerciseId)))
    .all()
    .filter(countsAsAttempt)
    .map((s) => s.createdAt);
}

/**
 * Whether the learner came to this course from an LMS and has left it there: the roster sync
 * (server/lti/nrps.ts) marked every LMS membership of theirs in the course inactive. Their
 * enrolment and work stay; a later sync or launch that lists them makes them active again.
 * Someone who never came through an LMS has no membership row and is not affected.
 */
export function leftLmsCourse(userId: string, courseId: string): boolean {
  const statuses = db
    .select({ status: ltiMemberships.status })
    .from(ltiMemberships)
    .innerJoin(ltiContexts, eq(ltiContexts.id, ltiMemberships.contextRowId))
    .where(and(eq(ltiMemberships.userId, userId), eq(ltiContexts.courseId, courseId)))
    .all();
  return statuses.length > 0 && statuses.every((m) => m.status === "inactive");
}

/** Why a course no longer takes submissions to this assignment (hard cutoff or too late), or null. */
function pastCutoff(r: Covering, userId: string, now: Date): ServerText | null {
  const { a, tz } = r;
  if (!a.dueAt) return null;
  const ext = db.select().from(extensions).where(and(eq(extensions.assignmentId, a.id), eq(extensions.userId, userId))).get();
  const late = applyLatePolicy({ score: 1, maxScore: 1, submittedAt: now, dueAt: a.dueAt, extensionUntil: ext?.until, policy: a.latePolicy as LatePolicy });
  if (late.accepted) return null;
  const due = ext && ext.until > a.dueAt ? ext.until : a.dueAt;
  const days = late.daysLate;
  const p = a.latePolicy as LatePolicy;
  const note = p.kind === "penalty" && p.maxDaysLate !== undefined ? text("courseRules.note.tooLate", { days, max: p.maxDaysLate }) : text("courseRules.note.afterCutoff", { days });
  return text("errors.gate.pastDue", { ...about(r), due: textDate(due, tz), note });
}

/**
 * Store a submission and queue it, after the course rules, in one immediate transaction (two
 * concurrent submissions cannot both take the last attempt), recording the courses it is made in.
 */
export function submitInCourses(user: SessionUser, ex: Exercise, code: string, now = new Date()): Gate & { id?: string } {
  return db.transaction(() => {
    const gate = submissionGate(user, ex.id, now);
    if (!gate.ok) return gate;
    // A timed assignment's window starts at the first submission when the page was never opened.
    startExamWindows(user, ex.id, now);
    const id = submitCode(db, ex, code, user.id);
    for (const courseId of gate.courseIds) db.insert(submissionCourses).values({ submissionId: id, courseId }).run();
    return { ...gate, id };
  }, { behavior: "immediate" });
}
