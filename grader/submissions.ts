/**
 * Submissions across tables: store the code first, then queue it, in one transaction, so a
 * submission is never lost and never orphaned. Status is derived from the timestamps.
 */
import { randomUUID } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { gradingJobs, submissions } from "../db/schema.ts";
import type { GradeResult } from "../lib/result.ts";
import type { Exercise } from "./exercises.ts";
import { newHiddenSeed } from "./grade.ts";

export type SubmissionRow = typeof submissions.$inferSelect;
export type SubmissionStatus = "queued" | "running" | "done";

export function submissionStatus(row: Pick<SubmissionRow, "startedAt" | "finishedAt">): SubmissionStatus {
  if (row.finishedAt) return "done";
  if (row.startedAt) return "running";
  return "queued";
}

/** Store a submission and queue its grading; returns its id. */
export function submitCode(db: Db, ex: Exercise, code: string, userId: string | null): string {
  const id = randomUUID();
  const now = new Date();
  db.transaction((tx) => {
    tx.insert(submissions).values({ id, userId, exerciseId: ex.id, exerciseVersion: ex.version, code, hiddenSeed: newHiddenSeed(), createdAt: now }).run();
    tx.insert(gradingJobs).values({ submissionId: id, state: "queued", queuedAt: now }).run();
  });
  return id;
}

/** The submission with this id (throws when missing). */
export function selectSubmission(db: Db, id: string): SubmissionRow {
  const row = selectOptionalSubmission(db, id);
  if (!row) throw new Error(`no submission ${id}`);
  return row;
}

export function selectOptionalSubmission(db: Db, id: string): SubmissionRow | null {
  return db.select().from(submissions).where(eq(submissions.id, id)).get() ?? null;
}

export function listSubmissions(db: Db, userId: string, exerciseId?: string): SubmissionRow[] {
  const rows = db.select().from(submissions).where(eq(submissions.userId, userId)).orderBy(desc(submissions.createdAt)).all();
  return exerciseId ? rows.filter((r) => r.exerciseId === exerciseId) : rows;
}

/** The verdict stored when grading failed on every attempt (never our learner's fault). */
export function gaveUpResult(exerciseId: string, attempts: number, error: string, seed?: string, version?: string): GradeResult {
  return {
    exercise: exerciseId,
    score: 0,
    maxScore: 0,
    status: "error",
    tests: [],
    stdout: "",
    durationMs: 0,
    seed,
    version,
    message: `GradLab could not grade this submission after ${attempts} attempts (${error}). This is not a verdict on your code: it can be regraded, and it costs you no attempt.`,
  };
}

/** Hide hidden checks' details (and any picture data) from a learner. */
export function redactForLearner(result: GradeResult): GradeResult {
  return {
    ...result,
    tests: result.tests.map((t) => {
      if (t.visibility !== "hidden") return t;
      const { data: _hiddenData, ...rest } = t;
      return t.status === "failed" && !t.output.includes("Failed on a hidden case") ? { ...rest, output: redactedOutput(t.output) } : rest;
    }),
  };
}

function redactedOutput(output: string): string {
  const hint = /\nHint: (.*)$/s.exec(output)?.[1];
  return `Failed on a hidden case (its inputs are drawn fresh for each submission).${hint ? `\nHint: ${hint}` : ""}`;
}
