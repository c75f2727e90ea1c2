/** The course page's data as the caller may see it: learners get released assignments and their own scores, staff the roster too. */
import { asc, eq, inArray } from "drizzle-orm";
import { assignments, courseInvitations, extensions, users } from "../../db/schema.ts";
import { formatInZone } from "../../lib/course/dates.ts";
import { db, type SessionUser } from "../context.ts";
import { assignmentView, type AssignmentView } from "./assignments.ts";
import { withheldExercises, withholdOverrides } from "./exam.ts";
import { gradebookParts } from "./gradebook.ts";
import { members, type MemberView } from "./members.ts";
import { myFeedback, type CommentView, type OverrideView } from "./overrides.ts";
import { mayExtend, requireCourse, type CourseRole } from "./roles.ts";

export interface CourseDetail {
  course: { id: string; title: string; timeZone: string; inviteToken: string | null; archived: boolean; exported: boolean };
  role: CourseRole;
  /** The caller may grant extensions (an instructor, or a TA given the right). */
  mayExtend: boolean;
  /** A learner's own: score overrides (with their history) and comments staff left on their submissions. */
  feedback: { overrides: OverrideView[]; comments: CommentView[] };
  assignments: AssignmentView[];
  /** Staff only. */
  members: MemberView[];
  /** Staff only: invitations not answered yet. */
  invitations: { email: string; role: CourseRole; section: string }[];
  extensions: { assignmentId: string; email: string; untilLocal: string }[];
  /** A learner's own gradebook cells by exercise id (what the gradebook records: best after the late policy, attempts made in this course). */
  myScores: Record<string, { best: number | null; attempts: number; overridden: boolean }>;
}

/** The course as the caller may see it: learners get released assignments only, and no roster. */
export async function courseDetail(user: SessionUser, courseId: string): Promise<CourseDetail> {
  const { course, role } = requireCourse(user, courseId, "member");
  const now = new Date();
  const rows = db.select().from(assignments).where(eq(assignments.courseId, courseId)).orderBy(asc(assignments.dueAt), asc(assignments.createdAt)).all();
  let views = await Promise.all(rows.map((a) => assignmentView(a, course.timeZone, now)));
  const staff = role !== "learner";
  if (!staff) {
    views = views.filter((v) => v.released);
    const mine = db.select().from(extensions).where(eq(extensions.userId, user.id)).all();
    for (const v of views) {
      const e = mine.find((x) => x.assignmentId === v.id);
      v.extensionLocal = e ? formatInZone(e.until, course.timeZone) : null;
    }
  }
  const ext = staff && rows.length
    ? db
        .select({ assignmentId: extensions.assignmentId, email: users.email, until: extensions.until })
        .from(extensions)
        .innerJoin(users, eq(users.id, extensions.userId))
        .where(inArray(extensions.assignmentId, rows.map((r) => r.id)))
        .all()
        .map((e) => ({ assignmentId: e.assignmentId, email: e.email, untilLocal: formatInZone(e.until, course.timeZone) }))
    : [];
  return {
    course: { id: course.id, title: course.title, timeZone: course.timeZone, inviteToken: role === "instructor" ? course.inviteToken : null, archived: !!course.archivedAt, exported: !!course.exportedAt },
    role,
    mayExtend: mayExtend(user, courseId, role),
    feedback: staff ? { overrides: [], comments: [] } : withholdOverrides(myFeedback(user, courseId), user.id),
    assignments: views,
    members: staff ? members(courseId) : [],
    invitations: staff ? db.select({ email: courseInvitations.email, role: courseInvitations.role, section: courseInvitations.section }).from(courseInvitations).where(eq(courseInvitations.courseId, courseId)).orderBy(asc(courseInvitations.email)).all() : [],
    extensions: ext,
    myScores: staff ? {} : await myScores(courseId, user.id),
  };
}

async function myScores(courseId: string, userId: string): Promise<CourseDetail["myScores"]> {
  const { table, overridden } = await gradebookParts(courseId, userId);
  const held = withheldExercises(userId); // exam mode: no score before the release time
  return Object.fromEntries(Object.entries(table[0]?.cells ?? {}).map(([k, c]) => [k, held.has(k) ? { best: null, attempts: c.attempts, overridden: false } : { best: c.best, attempts: c.attempts, overridden: overridden.has(`${userId}:${k}`) }]));
}
