/** One learner's whole history in a course: every submission, its late-adjusted score and every verdict it was given. */
import { and, desc, eq, inArray } from "drizzle-orm";
import { drafts, submissionCourses, submissions } from "../../db/schema.ts";
import { gradingHistory } from "../../grader/submissions.ts";
import { formatInZone } from "../../lib/course/dates.ts";
import { applyLatePolicy } from "../../lib/course/late-policy.ts";
import type { GradeResult } from "../../lib/result.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { db, getCatalogue, HttpError, type SessionUser } from "../context.ts";
import { gradebookParts } from "./gradebook.ts";
import { members, type MemberView } from "./members.ts";
import { commentsFor, overrideHistory, type CommentView, type OverrideView } from "./overrides.ts";
import { madeIn, requireCourse, type CourseRole } from "./roles.ts";

export interface HistoryEntry {
  id: string;
  exerciseId: string;
  exerciseTitle: string;
  createdAt: number;
  createdLocal: string;
  status: "queued" | "running" | "done";
  score: number | null;
  maxScore: number | null;
  verdict: string | null;
  /** The score after the late policy and extensions, scaled to the exercise's points. */
  adjusted: number | null;
  lateNote: string;
  /** The exercise version at submission time, and the one the current result was graded against. */
  submittedVersion: string;
  gradedVersion: string | null;
  currentVersion: string | null;
  grades: { kind: string; version: string | null; score: number; maxScore: number; verdict: string; applied: boolean; gradedLocal: string }[];
  code: string;
}

export interface LearnerHistory {
  learner: MemberView;
  course: { id: string; title: string; timeZone: string; archived: boolean };
  /** The caller's role here: instructors may override scores. */
  role: CourseRole;
  entries: HistoryEntry[];
  /** The course's exercises with what the gradebook records for this learner. */
  items: { exerciseId: string; title: string; maxScore: number; recorded: number | null; overridden: boolean }[];
  /** The learner's current editor drafts of the course's exercises (read-only for staff). */
  drafts: { exerciseId: string; title: string; code: string; savedLocal: string }[];
  overrides: OverrideView[];
  comments: CommentView[];
}

export async function learnerHistory(user: SessionUser, courseId: string, learnerId: string): Promise<LearnerHistory> {
  const { course, role } = requireCourse(user, courseId, "staff");
  const learner = members(courseId).find((m) => m.userId === learnerId);
  if (!learner) throw new HttpError(404, text("errors.course.noLearner", { id: learnerId }));
  const { items, ext, table, overridden } = await gradebookParts(courseId);
  const row = table.find((r) => r.learner.id === learnerId);
  const exIds = items.map((i) => i.exerciseId);
  const draftRows = exIds.length ? db.select().from(drafts).where(and(eq(drafts.userId, learnerId), inArray(drafts.exerciseId, exIds))).all() : [];
  const cat = await getCatalogue();
  const rows = db.select({ s: submissions }).from(submissions).innerJoin(submissionCourses, madeIn(courseId)).where(eq(submissions.userId, learnerId)).orderBy(desc(submissions.createdAt)).all();
  const entries: HistoryEntry[] = [];
  for (const { s } of rows) {
    const item = items.find((i) => i.exerciseId === s.exerciseId);
    if (!item) continue; // only this course's exercises
    const ex = cat.exercises.find((e) => e.id === s.exerciseId);
    let adjusted: number | null = null;
    let lateNote = "";
    if (s.score !== null) {
      const raw = s.maxScore ? (s.score / s.maxScore) * item.maxScore : 0;
      const out = applyLatePolicy({ score: raw, maxScore: item.maxScore, submittedAt: s.createdAt, dueAt: item.dueAt, extensionUntil: ext.get(`${learnerId}:${s.exerciseId}`), policy: item.policy });
      adjusted = Math.round(out.score * 100) / 100;
      lateNote = out.note;
    }
    entries.push({
      id: s.id,
      exerciseId: s.exerciseId,
      exerciseTitle: ex?.meta.title ?? s.exerciseId,
      createdAt: s.createdAt.getTime(),
      createdLocal: formatInZone(s.createdAt, course.timeZone),
      status: s.finishedAt ? "done" : s.startedAt ? "running" : "queued",
      score: s.score,
      maxScore: s.maxScore,
      verdict: s.verdict,
      adjusted,
      lateNote,
      submittedVersion: s.exerciseVersion,
      gradedVersion: (s.result as GradeResult | null)?.version ?? null,
      currentVersion: ex?.version ?? null,
      grades: gradingHistory(db, s.id).map((g) => ({ kind: g.kind, version: g.exerciseVersion, score: g.score, maxScore: g.maxScore, verdict: g.verdict, applied: g.applied, gradedLocal: formatInZone(g.gradedAt, course.timeZone) })),
      code: s.code,
    });
  }
  return {
    learner,
    course: { id: course.id, title: course.title, timeZone: course.timeZone, archived: !!course.archivedAt },
    role,
    entries,
    items: items.map((i) => ({ exerciseId: i.exerciseId, title: i.title, maxScore: i.maxScore, recorded: row?.cells[i.exerciseId]?.best ?? null, overridden: overridden.has(`${learnerId}:${i.exerciseId}`) })),
    drafts: draftRows.map((d) => ({ exerciseId: d.exerciseId, title: items.find((i) => i.exerciseId === d.exerciseId)?.title ?? d.exerciseId, code: d.code, savedLocal: formatInZone(d.updatedAt, course.timeZone) })),
    overrides: overrideHistory(courseId, learnerId, course.timeZone),
    comments: commentsFor(courseId, learnerId, course.timeZone),
  };
}
