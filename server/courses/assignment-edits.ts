/**
 * Changing and deleting an assignment. Scores are never stored per assignment: the gradebook
 * computes them from the submissions with the assignment's current dates, late policy and
 * exercises, so an edit recomputes every learner's score at once. What changed, when and by
 * whom is kept in assignment_changes (shown with the assignment), and the submissions and their
 * verdicts are never touched.
 */
import { and, desc, eq, ne } from "drizzle-orm";
import { formatInTimeZone } from "date-fns-tz";
import { assignmentChanges, assignments, users } from "../../db/schema.ts";
import { formatInZone } from "../../lib/course/dates.ts";
import type { LatePolicy } from "../../lib/course/late-policy.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { db, findExercise, HttpError, type SessionUser } from "../context.ts";
import { assignmentOf, policyText } from "./assignments.ts";
import { followedByLms } from "./lms-rescore.ts";
import { requireCourse, requireWritableCourse, type AssignmentRow } from "./roles.ts";
import { AssignmentChange, Confirmation, parseBody } from "./schemas.ts";

/** What the editor tells the instructor before they save. */
export const EDIT_EFFECT =
  "Saving recomputes every learner's score for this assignment from their submissions: a new due date or late policy applies to submissions already made, " +
  "a removed exercise leaves the gradebook (its submissions are kept and count again if you add it back), and attempt limits apply from the next submission. " +
  "Submissions and the grader's verdicts are never changed; each edit is recorded below.";

export interface AssignmentChangeView {
  at: string;
  by: string | null;
  changes: string[];
}

const when = (d: Date | null, tz: string) => (d ? formatInZone(d, tz) : "none");
const count = (n: number | null) => (n === null ? "none" : String(n));

/** Edit an assignment (instructors): any of title, exercises, dates, late policy, limits. */
export async function updateAssignment(user: SessionUser, courseId: string, assignmentId: string, body: unknown): Promise<{ assignment: AssignmentRow; changes: string[] }> {
  const { course } = requireWritableCourse(user, courseId, "instructor");
  const a = assignmentOf(courseId, assignmentId);
  const b = parseBody(AssignmentChange(course.timeZone), body);
  const next: AssignmentRow = { ...a };
  const changes: string[] = [];
  const tz = course.timeZone;
  if (b.title !== undefined && b.title !== a.title) {
    changes.push(`title: "${a.title}" → "${b.title}"`);
    next.title = b.title;
  }
  if (b.exerciseIds !== undefined) {
    const ids = [...new Set(b.exerciseIds)];
    for (const id of ids) if (!(await findExercise(id))) throw new HttpError(400, text("errors.course.unknownExercise", { exercise: id }));
    for (const other of db.select().from(assignments).where(and(eq(assignments.courseId, courseId), ne(assignments.id, a.id))).all()) {
      const clash = ids.find((id) => other.exerciseIds.includes(id));
      if (clash) throw new HttpError(400, text("errors.course.exerciseTakenRemove", { exercise: clash, assignment: other.title }));
    }
    const added = ids.filter((id) => !a.exerciseIds.includes(id));
    const removed = a.exerciseIds.filter((id) => !ids.includes(id));
    if (added.length) changes.push(`exercises added: ${added.join(", ")}`);
    if (removed.length) changes.push(`exercises removed: ${removed.join(", ")}`);
    next.exerciseIds = ids;
  }
  if (b.releaseAt !== undefined && b.releaseAt?.getTime() !== a.releaseAt?.getTime()) {
    changes.push(`release: ${when(a.releaseAt, tz)} → ${when(b.releaseAt, tz)}`);
    next.releaseAt = b.releaseAt;
  }
  if (b.dueAt !== undefined && b.dueAt?.getTime() !== a.dueAt?.getTime()) {
    changes.push(`due: ${when(a.dueAt, tz)} → ${when(b.dueAt, tz)}`);
    next.dueAt = b.dueAt;
  }
  if (b.latePolicy !== undefined && JSON.stringify(b.latePolicy) !== JSON.stringify(a.latePolicy)) {
    changes.push(`late policy: ${policyText(a.latePolicy as LatePolicy)} → ${policyText(b.latePolicy)}`);
    next.latePolicy = b.latePolicy;
  }
  if (b.maxSubmissions !== undefined && b.maxSubmissions !== a.maxSubmissions) {
    changes.push(`submission limit: ${count(a.maxSubmissions)} → ${count(b.maxSubmissions)}`);
    next.maxSubmissions = b.maxSubmissions;
  }
  if (b.cooldownSeconds !== undefined && b.cooldownSeconds !== a.cooldownSeconds) {
    changes.push(`cool-down (s): ${count(a.cooldownSeconds)} → ${count(b.cooldownSeconds)}`);
    next.cooldownSeconds = b.cooldownSeconds;
  }
  if (next.releaseAt && next.dueAt && next.dueAt < next.releaseAt) throw new HttpError(400, text("errors.course.dueBeforeRelease"));
  if (!changes.length) return { assignment: a, changes };
  // One transaction; the LMS gets every recorded score the edit changes (a due date or late policy applies to past submissions).
  await followedByLms(courseId, () => {
    const { id: _id, courseId: _c, createdAt: _t, ...set } = next;
    db.update(assignments).set(set).where(eq(assignments.id, a.id)).run();
    db.insert(assignmentChanges).values({ courseId, assignmentId: a.id, changedBy: user.id, changedAt: new Date(), changes }).run();
  });
  return { assignment: next, changes };
}

/** Delete an assignment (instructors; `confirm` repeats its title). Its submissions stay with the learners. */
export function deleteAssignment(user: SessionUser, courseId: string, assignmentId: string, body: unknown): { deleted: string } {
  requireWritableCourse(user, courseId, "instructor");
  const a = assignmentOf(courseId, assignmentId);
  const { confirm } = parseBody(Confirmation, body);
  if (confirm.trim() !== a.title) throw new HttpError(400, text("errors.course.confirmAssignment", { title: a.title }));
  db.transaction((tx) => {
    tx.delete(assignments).where(eq(assignments.id, a.id)).run();
    tx.insert(assignmentChanges).values({ courseId, assignmentId: a.id, changedBy: user.id, changedAt: new Date(), changes: [`deleted "${a.title}" (${a.exerciseIds.join(", ")})`] }).run();
  }, { behavior: "immediate" });
  return { deleted: a.title };
}

/** Every recorded edit of an assignment, newest first (staff). */
export function assignmentChangeLog(user: SessionUser, courseId: string, assignmentId: string): AssignmentChangeView[] {
  const { course } = requireCourse(user, courseId, "staff");
  return db
    .select({ at: assignmentChanges.changedAt, by: users.email, changes: assignmentChanges.changes })
    .from(assignmentChanges)
    .leftJoin(users, eq(users.id, assignmentChanges.changedBy))
    .where(and(eq(assignmentChanges.courseId, courseId), eq(assignmentChanges.assignmentId, assignmentId)))
    .orderBy(desc(assignmentChanges.id))
    .all()
    .map((r) => ({ at: formatInZone(r.at, course.timeZone), by: r.by, changes: r.changes }));
}

/** The raw assignment for the editor (staff): dates as local wall-clock text for the inputs. */
export function assignmentForEditing(user: SessionUser, courseId: string, assignmentId: string) {
  const { course } = requireCourse(user, courseId, "staff");
  const a = assignmentOf(courseId, assignmentId);
  const local = (d: Date | null) => (d ? formatInTimeZone(d, course.timeZone, "yyyy-MM-dd'T'HH:mm") : "");
  return {
    course: { id: course.id, title: course.title, timeZone: course.timeZone, archived: !!course.archivedAt },
    assignment: { id: a.id, title: a.title, exerciseIds: a.exerciseIds, releaseAt: local(a.releaseAt), dueAt: local(a.dueAt), latePolicy: a.latePolicy as LatePolicy, maxSubmissions: a.maxSubmissions, cooldownSeconds: a.cooldownSeconds },
    history: assignmentChangeLog(user, courseId, assignmentId),
    effect: EDIT_EFFECT,
  };
}

