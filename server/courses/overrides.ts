/**
 * Manual grading on top of the autograder: an instructor's score for one learner and exercise,
 * with a required comment, replaces the gradebook's computed score; each change is kept (the
 * newest applies, a null score ends it) and the learner sees the score, the comment and the
 * history. Staff may also leave a comment on any submission made in the course.
 */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { assignments, scoreOverrides, submissionComments, submissionCourses, submissions, users } from "../../db/schema.ts";
import { formatInZone } from "../../lib/course/dates.ts";
import type { GradebookItem, GradebookRow } from "../../lib/course/gradebook.ts";
import { text as say } from "../../lib/i18n/server-text.ts";
import { db, getCatalogue, HttpError, type SessionUser } from "../context.ts";
import { memberByEmail } from "./members.ts";
import { requireCourse, requireWritableCourse } from "./roles.ts";
import { Comment, Override, parseBody } from "./schemas.ts";

export interface OverrideView {
  exerciseId: string;
  score: number | null;
  comment: string;
  by: string | null;
  atLocal: string;
}

/** The newest override row per learner and exercise of a course, where its score is set. */
export function currentOverrides(courseId: string, userIds?: string[]): Map<string, { score: number; comment: string }> {
  const rows = db
    .select()
    .from(scoreOverrides)
    .where(userIds ? and(eq(scoreOverrides.courseId, courseId), inArray(scoreOverrides.userId, userIds.length ? userIds : [""])) : eq(scoreOverrides.courseId, courseId))
    .orderBy(asc(scoreOverrides.id))
    .all();
  const latest = new Map<string, { score: number | null; comment: string }>();
  for (const r of rows) latest.set(`${r.userId}:${r.exerciseId}`, { score: r.score, comment: r.comment });
  return new Map([...latest].filter(([, v]) => v.score !== null) as [string, { score: number; comment: string }][]);
}

/** The gradebook with overrides in place of computed scores (totals recomputed); marks overridden cells. */
export function applyOverrides(table: GradebookRow[], items: GradebookItem[], overrides: Map<string, { score: number; comment: string }>): Set<string> {
  const marked = new Set<string>();
  for (const row of table) {
    let total = 0;
    for (const item of items) {
      const cell = row.cells[item.exerciseId];
      const o = overrides.get(`${row.learner.id}:${item.exerciseId}`);
      if (cell && o) {
        cell.best = Math.min(o.score, item.maxScore);
        marked.add(`${row.learner.id}:${item.exerciseId}`);
      }
      total += cell?.best ?? 0;
    }
    row.total = Math.round(total * 100) / 100;
  }
  return marked;
}

/** Set (or with score null, end) a learner's score for an exercise of the course; instructors only, a comment required. */
export async function setOverride(user: SessionUser, courseId: string, body: unknown): Promise<{ exerciseId: string; score: number | null }> {
  requireWritableCourse(user, courseId, "instructor");
  const b = parseBody(Override, body);
  const learner = memberByEmail(courseId, b.email);
  if (!db.select({ ids: assignments.exerciseIds }).from(assignments).where(eq(assignments.courseId, courseId)).all().some((a) => a.ids.includes(b.exerciseId))) throw new HttpError(404, say("errors.course.exerciseNotInCourse", { exercise: b.exerciseId }));
  const ex = (await getCatalogue()).exercises.find((e) => e.id === b.exerciseId);
  if (b.score !== null && ex && b.score > ex.points) throw new HttpError(400, say("errors.course.scoreTooHigh", { points: ex.points }));
  db.insert(scoreOverrides).values({ courseId, userId: learner.id, exerciseId: b.exerciseId, score: b.score, comment: b.comment, by: user.id, at: new Date() }).run();
  return { exerciseId: b.exerciseId, score: b.score };
}

/** Every override of a learner in the course, newest first (staff, or the learner themself). */
export function overrideHistory(courseId: string, userId: string, tz: string): OverrideView[] {
  return db
    .select({ exerciseId: scoreOverrides.exerciseId, score: scoreOverrides.score, comment: scoreOverrides.comment, by: users.email, at: scoreOverrides.at })
    .from(scoreOverrides)
    .leftJoin(users, eq(users.id, scoreOverrides.by))
    .where(and(eq(scoreOverrides.courseId, courseId), eq(scoreOverrides.userId, userId)))
    .orderBy(desc(scoreOverrides.id))
    .all()
    .map((r) => ({ exerciseId: r.exerciseId, score: r.score, comment: r.comment, by: r.by, atLocal: formatInZone(r.at, tz) }));
}

export interface CommentView {
  id: number;
  submissionId: string;
  exerciseId: string;
  body: string;
  by: string | null;
  atLocal: string;
}

/** Comment on a submission made in the course (TAs and instructors); its learner sees it. */
export function commentOnSubmission(user: SessionUser, courseId: string, submissionId: string, body: unknown): { id: number } {
  requireWritableCourse(user, courseId, "staff");
  const made = db.select({ s: submissionCourses.submissionId }).from(submissionCourses).where(and(eq(submissionCourses.courseId, courseId), eq(submissionCourses.submissionId, submissionId))).get();
  if (!made) throw new HttpError(404, say("errors.course.noSubmission", { id: submissionId }));
  const { body: text } = parseBody(Comment, body);
  const row = db.insert(submissionComments).values({ submissionId, courseId, authorId: user.id, body: text, createdAt: new Date() }).returning({ id: submissionComments.id }).get();
  return { id: row.id };
}

/** The comments on a learner's submissions in the course, newest first. */
export function commentsFor(courseId: string, learnerId: string, tz: string): CommentView[] {
  return db
    .select({ id: submissionComments.id, submissionId: submissionComments.submissionId, exerciseId: submissions.exerciseId, body: submissionComments.body, by: users.email, at: submissionComments.createdAt })
    .from(submissionComments)
    .innerJoin(submissions, eq(submissions.id, submissionComments.submissionId))
    .leftJoin(users, eq(users.id, submissionComments.authorId))
    .where(and(eq(submissionComments.courseId, courseId), eq(submissions.userId, learnerId)))
    .orderBy(desc(submissionComments.id))
    .all()
    .map((r) => ({ id: r.id, submissionId: r.submissionId, exerciseId: r.exerciseId, body: r.body, by: r.by, atLocal: formatInZone(r.at, tz) }));
}

/** What staff told the signed-in learner in a course: score overrides (with history) and comments. */
export function myFeedback(user: SessionUser, courseId: string): { overrides: OverrideView[]; comments: CommentView[] } {
  const { course } = requireCourse(user, courseId, "member");
  return { overrides: overrideHistory(courseId, user.id, course.timeZone), comments: commentsFor(courseId, user.id, course.timeZone) };
}
