/**
 * Submissions across tables: store the code first, then queue it through the queue's intake, in
 * one transaction, so a submission is never lost and never orphaned. Status is derived from the
 * timestamps.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { perConnection, type Db } from "../db/client.ts";
import { gradingJobs, gradingResults, regradeBatches, submissions } from "../db/schema.ts";
import type { Exercise } from "./exercises.ts";
import { maxQueuedPerLearner, newHiddenSeed, QueueFullError } from "./intake.ts";
import type { NewJob } from "./queue/queue.ts";
import { SqliteQueue, type SqliteTx } from "./queue/sqlite-queue.ts";
import { dataFolderOf, wakeWorkers } from "./worker/wake.ts";

export { QueueFullError };

export type SubmissionRow = typeof submissions.$inferSelect;
export type SubmissionStatus = "queued" | "running" | "done";

export function submissionStatus(row: Pick<SubmissionRow, "startedAt" | "finishedAt">): SubmissionStatus {
  if (row.finishedAt) return "done";
  if (row.startedAt) return "running";
  return "queued";
}

/**
 * The queue's intake as a synchronous (better-sqlite3) transaction can use it: answers at once.
 * By default the database's own queue (SqliteQueue).
 */
export interface SqliteIntake {
  enqueue(tx: SqliteTx, job: NewJob): void;
  waiting(tx: SqliteTx, userId: string): number;
}

/**
 * Store a submission and queue its grading; returns its id. A learner with `maxQueuedPerLearner()`
 * submissions still waiting or running gets a QueueFullError instead (checked in the same
 * transaction, so concurrent requests cannot pass the cap together). Called inside a caller's
 * transaction (the course gate), all of it joins that one.
 */
export function submitCode(db: Db, ex: Exercise, code: string, userId: string | null, queue: SqliteIntake = new SqliteQueue(db)): string {
  const id = randomUUID();
  const now = new Date();
  db.transaction((tx) => {
    if (userId !== null) {
      const limit = maxQueuedPerLearner();
      const waiting = queue.waiting(tx, userId);
      if (waiting >= limit) throw new QueueFullError(waiting, limit);
    }
    insertSubmission(db).run(id, userId, ex.id, ex.version, code, newHiddenSeed(), now.getTime());
    queue.enqueue(tx, { submissionId: id, userId });
  }, { behavior: "immediate" });
  wakeAfterCommit(db);
  return id;
}

// Every submission: prepared once per connection (issue 19).
const insertSubmission = perConnection((db) =>
  db.$client.prepare<[string, string | null, string, string, string, string, number]>(
    `INSERT INTO submissions (id, user_id, exercise_id, exercise_version, code, hidden_seed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ),
);

/**
 * Wake this machine's idle workers once the job is visible: after the outermost transaction
 * commits. Transactions here are synchronous, so a microtask runs after a caller's enclosing one.
 */
function wakeAfterCommit(db: Db): void {
  queueMicrotask(() => wakeWorkers(dataFolderOf(db)));
}

/** The submission with this id (throws when missing). */
export function selectSubmission(db: Db, id: string): SubmissionRow {
  const row = selectOptionalSubmission(db, id);
  if (!row) throw new Error(`no submission ${id}`);
  return row;
}

export function selectOptionalSubmission(db: Db, id: string): SubmissionRow | null {
  return submissionById(db).get({ id }) ?? null;
}

// Read for every GET of a submission and every long poll's answer: built and prepared once per connection.
const submissionById = perConnection((db) => db.select().from(submissions).where(eq(submissions.id, sql.placeholder("id"))).prepare());

/** What a worker needs to grade a stored submission. */
export interface SubmissionToGrade {
  id: string;
  exerciseId: string;
  exerciseVersion: string;
  code: string;
  hiddenSeed: string;
}

const toGradeStatement = perConnection((db) =>
  db.$client.prepare<[string], SubmissionToGrade>(
    `SELECT id, exercise_id AS exerciseId, exercise_version AS exerciseVersion, code, hidden_seed AS hiddenSeed FROM submissions WHERE id = ?`,
  ),
);

/**
 * The submission a job grades, or null when its row is gone. Read for every job, so prepared once
 * per connection and limited to the columns grading needs (not the stored result).
 */
export function submissionToGrade(db: Db, id: string): SubmissionToGrade | null {
  return toGradeStatement(db).get(id) ?? null;
}

// ---- regrades and the grading history ------------------------------------------------------

export interface RegradeRequest {
  exerciseId: string;
  /** Only these learners' submissions (default: everyone's). */
  userIds?: string[];
  /** Only these submissions (a course regrades only the submissions made in it). */
  submissionIds?: string[];
  allowLower?: boolean;
  courseId?: string | null;
  /** The single learner asked for, recorded with the batch. */
  userId?: string | null;
  requestedBy?: string | null;
}

/**
 * Queue a regrade of every graded submission of an exercise (or of some learners) with the
 * exercise's current version, as one batch; returns its id and size. Submissions still waiting
 * for their first grading are left alone (they will be graded with the current version anyway).
 */
export function queueRegrade(db: Db, req: RegradeRequest, queue: SqliteIntake = new SqliteQueue(db)): { batchId: string; total: number } {
  const batchId = randomUUID();
  const now = new Date();
  wakeAfterCommit(db);
  return db.transaction((tx) => {
    let rows = tx
      .select({ id: submissions.id, userId: submissions.userId })
      .from(submissions)
      .where(and(eq(submissions.exerciseId, req.exerciseId), isNotNull(submissions.finishedAt)))
      .all();
    if (req.userIds) {
      const only = new Set(req.userIds);
      rows = rows.filter((r) => r.userId !== null && only.has(r.userId));
    }
    if (req.submissionIds) {
      const only = new Set(req.submissionIds);
      rows = rows.filter((r) => only.has(r.id));
    }
    tx.insert(regradeBatches)
      .values({ id: batchId, exerciseId: req.exerciseId, userId: req.userId ?? null, courseId: req.courseId ?? null, allowLower: !!req.allowLower, requestedBy: req.requestedBy ?? null, total: rows.length, createdAt: now })
      .run();
    for (const r of rows) queue.enqueue(tx, { submissionId: r.id, userId: r.userId, kind: "regrade", allowLower: !!req.allowLower, batchId });
    return { batchId, total: rows.length };
  }, { behavior: "immediate" });
}

export interface RegradeProgress {
  batchId: string;
  exerciseId: string;
  total: number;
  done: number;
  failed: number;
  /** Regrades whose new score was lower and was not applied (the old, higher score kept). */
  keptHigher: number;
  changed: number;
  finished: boolean;
  createdAt: Date;
}

export function regradeProgress(db: Db, batchId: string): RegradeProgress | null {
  const batch = db.select().from(regradeBatches).where(eq(regradeBatches.id, batchId)).get();
  if (!batch) return null;
  const jobs = db.select({ id: gradingJobs.id, state: gradingJobs.state }).from(gradingJobs).where(eq(gradingJobs.batchId, batchId)).all();
  const done = jobs.filter((j) => j.state === "done").length;
  const failed = jobs.filter((j) => j.state === "failed").length;
  const ids = jobs.map((j) => j.id);
  const results = ids.length ? db.select({ applied: gradingResults.applied }).from(gradingResults).where(inArray(gradingResults.jobId, ids)).all() : [];
  return {
    batchId,
    exerciseId: batch.exerciseId,
    total: batch.total,
    done,
    failed,
    keptHigher: results.filter((r) => !r.applied).length,
    changed: results.filter((r) => r.applied).length,
    finished: done + failed >= batch.total,
    createdAt: batch.createdAt,
  };
}

export type GradingResultRow = typeof gradingResults.$inferSelect;

/** Every verdict of a submission, oldest first (the audit trail). */
export function gradingHistory(db: Db, submissionId: string): GradingResultRow[] {
  return db.select().from(gradingResults).where(eq(gradingResults.submissionId, submissionId)).orderBy(asc(gradingResults.id)).all();
}
