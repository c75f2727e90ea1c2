/** The gradebook: learners × exercises (best score after the late policy, attempts, last submission), as JSON and as an LMS CSV. */
import { and, asc, eq, inArray } from "drizzle-orm";
import { assignments, extensions, submissionCourses, submissions } from "../../db/schema.ts";
import { formatInZone } from "../../lib/course/dates.ts";
import { buildGradebook, type GradebookItem, type GradebookLearner, type GradebookRow } from "../../lib/course/gradebook.ts";
import type { LatePolicy } from "../../lib/course/late-policy.ts";
import type { Catalogue } from "../../grader/exercises.ts";
import { db, getCatalogue, type SessionUser } from "../context.ts";
import { gradebookCsv } from "./gradebook-csv.ts";
import { members } from "./members.ts";
import { applyOverrides, currentOverrides } from "./overrides.ts";
import { madeIn, requireCourse, type CourseRole } from "./roles.ts";

/** A learner row's identity: the roster's student ID besides the gradebook's fields. */
export type CourseLearner = GradebookLearner & { studentId: string };

export interface GradebookData {
  course: { id: string; title: string; timeZone: string };
  role: CourseRole;
  items: { exerciseId: string; title: string; maxScore: number; assignment: string; dueLocal: string | null }[];
  rows: {
    learner: CourseLearner;
    total: number;
    /** `overridden`: an instructor's score replaces the computed one (overrides.ts). */
    cells: Record<string, { best: number | null; bestRaw: number | null; attempts: number; lastAt: number | null; lastLocal: string | null; late: boolean; overridden: boolean }>;
  }[];
  maxTotal: number;
  /** For the downloads of each assignment's submissions. */
  assignments: { id: string; title: string }[];
}

/** The gradebook's inputs and table for a course; `onlyUserId`: that learner's row only (same rules, same numbers). */
export async function gradebookParts(courseId: string, onlyUserId?: string) {
  return gradebookPartsWith(await getCatalogue(), courseId, onlyUserId);
}

/** The same with the catalogue given: synchronous, so it can run inside a transaction (lms-rescore.ts). */
export function gradebookPartsWith(cat: Catalogue, courseId: string, onlyUserId?: string) {
  const rows = db.select().from(assignments).where(eq(assignments.courseId, courseId)).orderBy(asc(assignments.dueAt), asc(assignments.createdAt)).all();
  const items: (GradebookItem & { assignment: string; assignmentId: string })[] = [];
  for (const a of rows) {
    for (const id of a.exerciseIds) {
      const ex = cat.exercises.find((e) => e.id === id);
      items.push({ exerciseId: id, title: ex?.meta.title ?? id, maxScore: ex?.points ?? 0, dueAt: a.dueAt, policy: a.latePolicy as LatePolicy, assignment: a.title, assignmentId: a.id });
    }
  }
  const learners: CourseLearner[] = members(courseId, "learner")
    .filter((m) => !onlyUserId || m.userId === onlyUserId)
    .map((m) => ({ id: m.userId, email: m.email, name: m.name, section: m.section, studentId: m.studentId }));
  const ids = learners.map((l) => l.id);
  const exIds = items.map((i) => i.exerciseId);
  const subs = ids.length && exIds.length
    ? db
        .select({ userId: submissions.userId, exerciseId: submissions.exerciseId, createdAt: submissions.createdAt, score: submissions.score, maxScore: submissions.maxScore })
        .from(submissions)
        .innerJoin(submissionCourses, madeIn(courseId))
        .where(and(inArray(submissions.userId, ids), inArray(submissions.exerciseId, exIds)))
        .all()
        .map((s) => ({ ...s, userId: s.userId! }))
    : [];
  const ext = new Map<string, Date>();
  if (rows.length) {
    for (const e of db.select().from(extensions).where(inArray(extensions.assignmentId, rows.map((r) => r.id))).all()) {
      const a = rows.find((r) => r.id === e.assignmentId)!;
      for (const id of a.exerciseIds) ext.set(`${e.userId}:${id}`, e.until);
    }
  }
  const table = buildGradebook(learners, items, subs, ext) as (GradebookRow & { learner: CourseLearner })[];
  const overridden = applyOverrides(table, items, currentOverrides(courseId, ids));
  return { items, learners, subs, ext, table, overridden, assignments: rows };
}

export async function gradebook(user: SessionUser, courseId: string): Promise<GradebookData> {
  const { course, role } = requireCourse(user, courseId, "staff");
  const { items, table, overridden, assignments: rows } = await gradebookParts(courseId);
  return {
    assignments: rows.map((a) => ({ id: a.id, title: a.title })),
    course: { id: course.id, title: course.title, timeZone: course.timeZone },
    role,
    items: items.map((i) => ({ exerciseId: i.exerciseId, title: i.title, maxScore: i.maxScore, assignment: i.assignment, dueLocal: i.dueAt ? formatInZone(i.dueAt, course.timeZone) : null })),
    rows: table.map((r) => ({
      learner: r.learner,
      total: r.total,
      cells: Object.fromEntries(
        Object.entries(r.cells).map(([k, c]) => [k, { best: c.best, bestRaw: c.bestRaw, attempts: c.attempts, lastAt: c.lastAt?.getTime() ?? null, lastLocal: c.lastAt ? formatInZone(c.lastAt, course.timeZone) : null, late: c.late, overridden: overridden.has(`${r.learner.id}:${k}`) }]),
      ),
    })),
    maxTotal: items.reduce((s, i) => s + i.maxScore, 0),
  };
}

/** The gradebook as an LMS-importable CSV (gradebook-csv.ts). */
export async function gradebookCsvFor(user: SessionUser, courseId: string): Promise<{ filename: string; csv: string }> {
  const { course } = requireCourse(user, courseId, "staff");
  const { items, table, overridden } = await gradebookParts(courseId);
  return { filename: `${slugOf(course.title)}-gradebook.csv`, csv: gradebookCsv(table, items, overridden) };
}

/** A file-name-safe form of a title. */
export function slugOf(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "course";
}
