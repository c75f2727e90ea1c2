/**
 * The end of a course: archive (read-only: no submissions, no changes; reversible) and delete
 * (instructors, after a full export, typing the title to confirm). Deleting removes the course,
 * its assignments, members, extensions, overrides and comments; the learners' submissions stay
 * theirs.
 */
import { eq } from "drizzle-orm";
import { courses } from "../../db/schema.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { db, HttpError, type SessionUser } from "../context.ts";
import { requireCourse } from "./roles.ts";
import { Archive, Confirmation, parseBody } from "./schemas.ts";

export function archiveCourse(user: SessionUser, courseId: string, body: unknown): { archived: boolean } {
  requireCourse(user, courseId, "instructor");
  const { archived } = parseBody(Archive, body);
  db.update(courses).set({ archivedAt: archived ? new Date() : null }).where(eq(courses.id, courseId)).run();
  return { archived };
}

export function deleteCourse(user: SessionUser, courseId: string, body: unknown): { deleted: string } {
  const { course } = requireCourse(user, courseId, "instructor");
  const { confirm } = parseBody(Confirmation, body);
  if (!course.exportedAt) throw new HttpError(409, text("errors.course.exportFirst"));
  if (confirm.trim() !== course.title) throw new HttpError(400, text("errors.course.confirmCourse", { title: course.title }));
  db.delete(courses).where(eq(courses.id, courseId)).run();
  return { deleted: course.title };
}
