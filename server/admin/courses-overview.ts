/** Every course with its staff and size, for the admin console (admins see all courses). */
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { courseMembers, courses, users } from "../../db/schema.ts";

export interface CourseOverview {
  id: string;
  title: string;
  archived: boolean;
  instructors: string[];
  tas: string[];
  learners: number;
}

export function coursesOverview(db: Db): CourseOverview[] {
  const rows = db.select().from(courses).orderBy(asc(courses.title)).all();
  const members = db.select({ courseId: courseMembers.courseId, role: courseMembers.role, email: users.email }).from(courseMembers).innerJoin(users, eq(users.id, courseMembers.userId)).orderBy(asc(users.email)).all();
  return rows.map((c) => {
    const mine = members.filter((m) => m.courseId === c.id);
    return {
      id: c.id,
      title: c.title,
      archived: !!c.archivedAt,
      instructors: mine.filter((m) => m.role === "instructor").map((m) => m.email),
      tas: mine.filter((m) => m.role === "ta").map((m) => m.email),
      learners: mine.filter((m) => m.role === "learner").length,
    };
  });
}
