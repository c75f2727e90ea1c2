/**
 * Who may do what in a course (a global admin counts as every course's instructor):
 *   learner     see the course's released assignments, submit to them
 *   ta          + the gradebook, learners' histories and current drafts, analytics, exercise
 *                 previews, comments on submissions; extensions when an instructor allows it
 *   instructor  + course settings, assignments, extensions, roster, invites, roles, regrades,
 *                 score overrides, archive, export and delete
 * Someone outside a course gets a 404 for it, never its data.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { assignments, courseMembers, courses, submissionCourses, submissions } from "../../db/schema.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { db, HttpError, type SessionUser } from "../context.ts";

export type CourseRole = "learner" | "ta" | "instructor";
export const COURSE_ROLES: CourseRole[] = ["learner", "ta", "instructor"];
type Need = "member" | "staff" | "instructor";

export type CourseRow = typeof courses.$inferSelect;
export type AssignmentRow = typeof assignments.$inferSelect;

export function courseRole(user: SessionUser, courseId: string): CourseRole | null {
  const course = db.select({ id: courses.id }).from(courses).where(eq(courses.id, courseId)).get();
  if (!course) return null;
  if (user.role === "admin") return "instructor";
  return db.select({ role: courseMembers.role }).from(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, user.id))).get()?.role ?? null;
}


/** The course and the caller's role in it; 404 when not a member, 403 when the role is too low. */
export function requireCourse(user: SessionUser, courseId: string, need: Need): { course: CourseRow; role: CourseRole } {
  const role = courseRole(user, courseId);
  if (!role) throw new HttpError(404, text("errors.course.notYours", { id: courseId }));
  const ok = need === "member" || (need === "staff" ? role !== "learner" : role === "instructor");
  if (!ok) throw new HttpError(403, text("errors.course.onlyRole", { need: text(`errors.course.roleNames.${need}`), role: text(`errors.course.yourRole.${role}`) }));
  return { course: db.select().from(courses).where(eq(courses.id, courseId)).get()!, role };
}

/** requireCourse for a change: an archived course is read-only until it is unarchived. */
export function requireWritableCourse(user: SessionUser, courseId: string, need: Need): { course: CourseRow; role: CourseRole } {
  const out = requireCourse(user, courseId, need);
  if (out.course.archivedAt) throw new HttpError(409, text("errors.course.archived", { title: out.course.title }));
  return out;
}

/** Whether the user may grant extensions here: an instructor, or a TA an instructor gave the right. */
export function mayExtend(user: SessionUser, courseId: string, role: CourseRole): boolean {
  if (role === "instructor") return true;
  if (role !== "ta") return false;
  return !!db.select({ c: courseMembers.canExtend }).from(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, user.id))).get()?.c;
}

/** Whether the user teaches (TA or instructor) any course, or is a global instructor/admin. */
export function isStaffAnywhere(user: SessionUser): boolean {
  if (user.role !== "learner") return true;
  return !!db.select({ r: courseMembers.role }).from(courseMembers).where(and(eq(courseMembers.userId, user.id), inArray(courseMembers.role, ["ta", "instructor"]))).get();
}

// ---- submissions made in a course ------------------------------------------------------------

/** Join condition: the submission was made in this course (see db/schema.ts submissionCourses). */
export const madeIn = (courseId: string) => and(eq(submissionCourses.submissionId, submissions.id), eq(submissionCourses.courseId, courseId));

/**
 * Whether the user is course staff (TA, instructor; an admin counts) of a course this submission
 * was made in: what lets staff read a learner's submission, its code and its hidden seed.
 */
export function staffOfSubmission(user: SessionUser, submissionId: string): boolean {
  if (user.role === "admin") return true;
  staffQuery ??= staffOfSubmissionQuery();
  return !!staffQuery.get({ submissionId, userId: user.id });
}

// Asked on every read of someone else's submission: built and prepared once (issue 19).
const staffOfSubmissionQuery = () =>
  db
    .select({ c: submissionCourses.courseId })
    .from(submissionCourses)
    .innerJoin(courseMembers, eq(courseMembers.courseId, submissionCourses.courseId))
    .where(and(eq(submissionCourses.submissionId, sql.placeholder("submissionId")), eq(courseMembers.userId, sql.placeholder("userId")), inArray(courseMembers.role, ["ta", "instructor"])))
    .prepare();
let staffQuery: ReturnType<typeof staffOfSubmissionQuery> | undefined;
