/** A course itself: the caller's list, creating one (global instructors and admins), its title and time zone. */
import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { courseMembers, courses } from "../../db/schema.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { db, HttpError, type SessionUser } from "../context.ts";
import { requireCourse, type CourseRole, type CourseRow } from "./roles.ts";
import { CourseChange, NewCourse, parseBody } from "./schemas.ts";
export interface CourseSummary {
  id: string;
  title: string;
  timeZone: string;
  role: CourseRole;
  archived: boolean;
}

export function myCourses(user: SessionUser): CourseSummary[] {
  if (user.role === "admin") return db.select().from(courses).orderBy(asc(courses.createdAt)).all().map((c) => ({ id: c.id, title: c.title, timeZone: c.timeZone, role: "instructor" as const, archived: !!c.archivedAt }));
  return db
    .select({ id: courses.id, title: courses.title, timeZone: courses.timeZone, role: courseMembers.role, archivedAt: courses.archivedAt })
    .from(courseMembers)
    .innerJoin(courses, eq(courses.id, courseMembers.courseId))
    .where(eq(courseMembers.userId, user.id))
    .orderBy(asc(courses.createdAt))
    .all()
    .map(({ archivedAt, ...c }) => ({ ...c, archived: !!archivedAt }));
}

/** A global instructor or admin creates a course and becomes its instructor. */
export function createCourse(user: SessionUser, body: unknown): CourseRow {
  if (user.role === "learner") throw new HttpError(403, text("errors.course.createOnlyStaff"));
  const b = parseBody(NewCourse, body);
  const row: CourseRow = { id: randomUUID(), title: b.title, timeZone: b.timeZone, inviteToken: null, createdBy: user.id, createdAt: new Date(), archivedAt: null, exportedAt: null };
  db.transaction((tx) => {
    tx.insert(courses).values(row).run();
    tx.insert(courseMembers).values({ courseId: row.id, userId: user.id, role: "instructor", section: "", joinedAt: row.createdAt }).run();
  }, { behavior: "immediate" });
  return row;
}

export function updateCourse(user: SessionUser, courseId: string, body: unknown): CourseRow {
  requireCourse(user, courseId, "instructor");
  const b = parseBody(CourseChange, body);
  const set: Partial<CourseRow> = {};
  if (b.title !== undefined) set.title = b.title;
  if (b.timeZone !== undefined) set.timeZone = b.timeZone;
  if (Object.keys(set).length) db.update(courses).set(set).where(eq(courses.id, courseId)).run();
  return db.select().from(courses).where(eq(courses.id, courseId)).get()!;
}
