/**
 * Bulk downloads: an assignment's final submissions as a zip (one folder per learner, each
 * exercise's code and result JSON), and the whole course (gradebook CSV and every assignment)
 * before it is deleted. "Final" is the submission whose score the gradebook records: the best
 * after the late policy, the latest of equals; with none graded, the latest.
 */
import { and, eq, inArray } from "drizzle-orm";
import { strToU8, zipSync } from "fflate";
import { courses, submissionCourses, submissions } from "../../db/schema.ts";
import { safeCsv, type CsvCell } from "../../lib/course/csv.ts";
import { applyLatePolicy, type LatePolicy } from "../../lib/course/late-policy.ts";
import { db, type SessionUser } from "../context.ts";
import { assignmentOf } from "./assignments.ts";
import { gradebookCsv } from "./gradebook-csv.ts";
import { gradebookParts, slugOf } from "./gradebook.ts";
import { madeIn, requireCourse, type AssignmentRow } from "./roles.ts";

type Files = Record<string, Uint8Array>;

/** A folder name from a student ID or email: letters, digits, @ . _ - only. */
export const folderOf = (s: string) => s.replace(/[^A-Za-z0-9@._-]+/g, "_").replace(/^\.+/, "_") || "_";

async function assignmentFiles(courseId: string, a: AssignmentRow, prefix: string): Promise<Files> {
  const { items, learners, ext } = await gradebookParts(courseId);
  const files: Files = {};
  const manifest: CsvCell[][] = [["Student ID", "Email", "Name", "Folder", "Exercise", "Submission", "Submitted (UTC)", "Raw score", "Recorded score", "Late", "Status"]];
  const ids = learners.map((l) => l.id);
  const subs = ids.length && a.exerciseIds.length
    ? db.select({ s: submissions }).from(submissions).innerJoin(submissionCourses, madeIn(courseId)).where(and(inArray(submissions.userId, ids), inArray(submissions.exerciseId, a.exerciseIds))).all().map((r) => r.s)
    : [];
  const used = new Set<string>();
  for (const l of learners) {
    let folder = folderOf(l.studentId || l.email);
    while (used.has(folder)) folder += "_";
    used.add(folder);
    for (const exerciseId of a.exerciseIds) {
      const item = items.find((i) => i.exerciseId === exerciseId);
      const mine = subs.filter((s) => s.userId === l.id && s.exerciseId === exerciseId);
      if (!item || !mine.length) {
        manifest.push([l.studentId, l.email, l.name, "", exerciseId, "", "", "", "", "", "no attempt"]);
        continue;
      }
      const scored = mine.map((s) => {
        const raw = s.score === null ? null : s.maxScore ? (s.score / s.maxScore) * item.maxScore : 0;
        const late = applyLatePolicy({ score: raw ?? 0, maxScore: item.maxScore, submittedAt: s.createdAt, dueAt: item.dueAt, extensionUntil: ext.get(`${l.id}:${exerciseId}`), policy: item.policy as LatePolicy });
        return { s, raw, recorded: raw === null ? null : Math.round(late.score * 100) / 100, note: late.note };
      });
      const graded = scored.filter((x) => x.recorded !== null);
      const pick = (graded.length ? graded : scored).reduce((best, x) => ((x.recorded ?? -1) > (best.recorded ?? -1) || ((x.recorded ?? -1) === (best.recorded ?? -1) && x.s.createdAt > best.s.createdAt) ? x : best));
      const base = `${prefix}${folder}/${exerciseId}`;
      files[`${base}.ts`] = strToU8(pick.s.code);
      const result = { submission: pick.s.id, exercise: exerciseId, learner: { studentId: l.studentId, email: l.email, name: l.name }, submittedAt: pick.s.createdAt.toISOString(), exerciseVersion: pick.s.exerciseVersion, rawScore: pick.raw, recordedScore: pick.recorded, maxScore: item.maxScore, late: pick.note, result: pick.s.result };
      files[`${base}.result.json`] = strToU8(JSON.stringify(result, null, 2) + "\n");
      manifest.push([l.studentId, l.email, l.name, folder, exerciseId, pick.s.id, pick.s.createdAt.toISOString(), pick.raw === null ? "" : Math.round(pick.raw * 100) / 100, pick.recorded ?? "", pick.note, pick.recorded === null ? "not graded" : "graded"]);
    }
  }
  files[`${prefix}manifest.csv`] = strToU8(safeCsv(manifest));
  return files;
}

/** An assignment's final submissions as a zip (TAs and instructors). */
export async function assignmentZip(user: SessionUser, courseId: string, assignmentId: string): Promise<{ filename: string; zip: Uint8Array }> {
  const { course } = requireCourse(user, courseId, "staff");
  const a = assignmentOf(courseId, assignmentId);
  const files = await assignmentFiles(courseId, a, "");
  return { filename: `${slugOf(course.title)}-${slugOf(a.title)}-submissions.zip`, zip: zipSync(files) };
}

/** The whole course as a zip (instructors): gradebook CSV and every assignment's final submissions; recorded as the course's export. */
export async function courseExport(user: SessionUser, courseId: string): Promise<{ filename: string; zip: Uint8Array }> {
  const { course } = requireCourse(user, courseId, "instructor");
  const { items, table, overridden, assignments } = await gradebookParts(courseId);
  const files: Files = { "gradebook.csv": strToU8(gradebookCsv(table, items, overridden)) };
  for (const a of assignments) Object.assign(files, await assignmentFiles(courseId, a, `assignments/${slugOf(a.title)}-${a.id.slice(0, 8)}/`));
  const zip = zipSync(files);
  db.update(courses).set({ exportedAt: new Date() }).where(eq(courses.id, courseId)).run();
  return { filename: `${slugOf(course.title)}-export.zip`, zip };
}
