/** Assignments (exercises with release and due dates, a late policy and attempt rules) and learners' extensions. */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { assignments, extensions } from "../../db/schema.ts";
import { formatInZone } from "../../lib/course/dates.ts";
import type { LatePolicy } from "../../lib/course/late-policy.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { db, findExercise, getCatalogue, HttpError, type SessionUser } from "../context.ts";
import { followedByLms } from "./lms-rescore.ts";
import { memberByEmail } from "./members.ts";
import { mayExtend, requireWritableCourse, type AssignmentRow } from "./roles.ts";
import { Extension, NewAssignment, parseBody } from "./schemas.ts";

export interface AssignmentView {
  id: string;
  title: string;
  exercises: { id: string; title: string; points: number }[];
  releaseAt: number | null;
  dueAt: number | null;
  /** Dates as wall-clock time in the course's zone. */
  releaseLocal: string | null;
  dueLocal: string | null;
  latePolicy: LatePolicy;
  latePolicyText: string;
  maxSubmissions: number | null;
  cooldownSeconds: number | null;
  released: boolean;
  /** The caller's extension, when a learner has one. */
  extensionLocal?: string | null;
}

export function policyText(p: LatePolicy): string {
  if (p.kind === "none") return "late work accepted at full credit";
  if (p.kind === "cutoff") return "hard cutoff: nothing accepted after the due date";
  return `−${p.percentPerDay}% per day late${p.maxDaysLate !== undefined ? `, not accepted after ${p.maxDaysLate} days` : ""}`;
}


export async function createAssignment(user: SessionUser, courseId: string, body: unknown): Promise<AssignmentRow> {
  const { course } = requireWritableCourse(user, courseId, "instructor");
  const b = parseBody(NewAssignment(course.timeZone), body);
  const ids = b.exerciseIds;
  for (const id of ids) if (!(await findExercise(id))) throw new HttpError(400, text("errors.course.unknownExercise", { exercise: id }));
  const taken = new Map<string, string>();
  for (const a of db.select().from(assignments).where(eq(assignments.courseId, courseId)).all()) for (const id of a.exerciseIds) taken.set(id, a.title);
  for (const id of ids) if (taken.has(id)) throw new HttpError(400, text("errors.course.exerciseTaken", { exercise: id, assignment: taken.get(id) ?? "" }));
  if (b.releaseAt && b.dueAt && b.dueAt < b.releaseAt) throw new HttpError(400, text("errors.course.dueBeforeRelease"));
  const row: AssignmentRow = {
    id: randomUUID(),
    courseId,
    title: b.title,
    exerciseIds: [...new Set(ids)],
    releaseAt: b.releaseAt,
    dueAt: b.dueAt,
    latePolicy: b.latePolicy,
    maxSubmissions: b.maxSubmissions,
    cooldownSeconds: b.cooldownSeconds,
    createdAt: new Date(),
    feedbackAt: null,
    timeLimitMinutes: null,
  };
  db.insert(assignments).values(row).run();
  return row;
}

export async function assignmentView(a: AssignmentRow, tz: string, now: Date): Promise<AssignmentView> {
  const cat = await getCatalogue();
  return {
    id: a.id,
    title: a.title,
    exercises: a.exerciseIds.map((id) => {
      const ex = cat.exercises.find((e) => e.id === id);
      return { id, title: ex?.meta.title ?? id, points: ex?.points ?? 0 };
    }),
    releaseAt: a.releaseAt?.getTime() ?? null,
    dueAt: a.dueAt?.getTime() ?? null,
    releaseLocal: a.releaseAt ? formatInZone(a.releaseAt, tz) : null,
    dueLocal: a.dueAt ? formatInZone(a.dueAt, tz) : null,
    latePolicy: a.latePolicy as LatePolicy,
    latePolicyText: policyText(a.latePolicy as LatePolicy),
    maxSubmissions: a.maxSubmissions,
    cooldownSeconds: a.cooldownSeconds,
    released: !a.releaseAt || a.releaseAt <= now,
  };
}

export function assignmentOf(courseId: string, assignmentId: string): AssignmentRow {
  const a = db.select().from(assignments).where(and(eq(assignments.id, assignmentId), eq(assignments.courseId, courseId))).get();
  if (!a) throw new HttpError(404, text("errors.course.noAssignment", { id: assignmentId }));
  return a;
}

/**
 * Give one learner their own due date for an assignment (empty `until` removes it). A refusal
 * (role, unknown learner, bad date) is thrown at once; the change itself resolves the promise.
 */
export function setExtension(user: SessionUser, courseId: string, assignmentId: string, body: unknown): Promise<{ until: string | null }> {
  const { course, role } = requireWritableCourse(user, courseId, "staff");
  if (!mayExtend(user, courseId, role)) throw new HttpError(403, text("errors.course.extendOnly"));
  const a = assignmentOf(courseId, assignmentId);
  const b = parseBody(Extension(course.timeZone), body);
  const learner = memberByEmail(courseId, b.email);
  const until = b.until;
  const now = new Date();
  // The learner's recorded scores move with their due date: the LMS gets the ones that changed.
  return followedByLms(
    courseId,
    () => {
      if (!until) db.delete(extensions).where(and(eq(extensions.assignmentId, a.id), eq(extensions.userId, learner.id))).run();
      else
        db.insert(extensions)
          .values({ assignmentId: a.id, userId: learner.id, until, grantedBy: user.id, grantedAt: now })
          .onConflictDoUpdate({ target: [extensions.assignmentId, extensions.userId], set: { until, grantedBy: user.id, grantedAt: now } })
          .run();
    },
    learner.id,
    now,
  ).then(() => ({ until: until ? formatInZone(until, course.timeZone) : null }));
}
