/** The default queue: a durable table in the SQLite database, shared by every worker process. */
import { and, eq, lt, sql } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { RunResult, Statement } from "better-sqlite3";
import { perConnection, type Db } from "../../db/client.ts";
import * as schema from "../../db/schema.ts";
import { gradingJobs, gradingResults, submissions } from "../../db/schema.ts";
import type { GradeResult } from "../../lib/result.ts";
import type { GradingQueue, JobKind, LeasedJob, NewJob, QueueStats } from "./queue.ts";
import { gaveUpResult } from "../verdicts.ts";
import { maxRunningPerLearner } from "../intake.ts";

/** The database or one of its transactions: what queueing a job joins. */
export type SqliteTx = BaseSQLiteDatabase<"sync", RunResult, typeof schema>;

/**
 * The queued jobs, best first: a learner's jobs do not starve anyone else's.
 * 1. Live submissions before regrades (an instructor's batch waits for the class, not the reverse).
 * 2. Learners below their share first: fewer than k (`maxRunningPerLearner`) jobs running. A
 *    learner at k still gets an idle worker when nobody else is waiting (no worker stays idle).
 * 3. Fewest running jobs, then the learner served longest ago (never served first): round-robin.
 * 4. Oldest job. A job without a learner (CLI, no account) counts as a learner of its own.
 * The only parameter is k.
 */
const CLAIM_ORDER = `
  SELECT j.id FROM grading_jobs j
  LEFT JOIN (SELECT user_id, count(*) AS n FROM grading_jobs WHERE state = 'leased' AND user_id IS NOT NULL GROUP BY user_id) running
    ON running.user_id = j.user_id
  WHERE j.state = 'queued'
  ORDER BY j.kind = 'regrade',
    coalesce(running.n, 0) >= ?,
    coalesce(running.n, 0),
    coalesce((SELECT max(p.started_at) FROM grading_jobs p WHERE p.user_id = j.user_id), 0),
    j.id`;

/**
 * What a worker runs for every job (and every look at an idle queue), prepared once per
 * connection: building them through drizzle and having SQLite prepare them again each time was
 * most of a worker's main-thread CPU per verdict (issue 19).
 */
interface HotStatements {
  lease: Statement<[string, number, number, number]>;
  markStarted: Statement<[number, string]>;
  heartbeat: Statement<[number, number, string, number]>;
  ownedJob: Statement<[number, string, number]>;
  finish: Statement<[number, number, string, number]>;
  anyExpired: Statement<[number]>;
  anyQueued: Statement<[]>;
  waiting: Statement<[string]>;
  enqueue: Statement<[string, string | null, number, JobKind, number, string | null]>;
}

const OWNED = `id = ? AND lease_owner = ? AND state = 'leased' AND attempts = ?`;

const hot = perConnection((db): HotStatements => {
  const c = db.$client;
  return {
    lease: c.prepare(
      `UPDATE grading_jobs SET state = 'leased', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, started_at = ?
       WHERE id = (${CLAIM_ORDER} LIMIT 1)
       RETURNING id, submission_id, attempts, kind`,
    ),
    markStarted: c.prepare(`UPDATE submissions SET started_at = ? WHERE id = ?`),
    heartbeat: c.prepare(`UPDATE grading_jobs SET lease_expires_at = ? WHERE ${OWNED}`),
    ownedJob: c.prepare(`SELECT kind, allow_lower FROM grading_jobs WHERE ${OWNED}`),
    // The lease owner stays: which worker graded it (the admin page's workers seen).
    finish: c.prepare(`UPDATE grading_jobs SET state = 'done', finished_at = ? WHERE ${OWNED}`),
    anyExpired: c.prepare(`SELECT 1 FROM grading_jobs WHERE state = 'leased' AND lease_expires_at < ? LIMIT 1`),
    anyQueued: c.prepare(`SELECT 1 FROM grading_jobs WHERE state = 'queued' LIMIT 1`),
    // Every submission's job (attempts and max_attempts take the table's defaults).
    enqueue: c.prepare(`INSERT INTO grading_jobs (submission_id, user_id, state, queued_at, kind, allow_lower, batch_id) VALUES (?, ?, 'queued', ?, ?, ?, ?)`),
    // Asked on every submission (the per-learner cap), in its transaction.
    waiting: c.prepare(`SELECT count(*) AS n FROM grading_jobs WHERE user_id = ? AND kind = 'grade' AND state IN ('queued', 'leased')`),
  };
});

/**
 * Transactions begin IMMEDIATE: a deferred one that reads and then writes cannot wait for the
 * write lock under WAL (SQLite answers SQLITE_BUSY at once), so workers would fail each other.
 */
export class SqliteQueue implements GradingQueue<SqliteTx> {
  private readonly db: Db;
  private readonly now: () => number;
  private readonly maxRunningPerLearner: number;

  private readonly pointsOf: (exerciseId: string) => number | undefined;

  /**
   * `pointsOf`: an exercise's points, for give-up verdicts that count as an attempt (scored 0 out
   * of them); without it, or for an exercise it does not know, a give-up costs no attempt.
   */
  constructor(db: Db, now: () => number = Date.now, opts: { maxRunningPerLearner?: number; pointsOf?: (exerciseId: string) => number | undefined } = {}) {
    this.db = db;
    this.now = now;
    this.maxRunningPerLearner = Math.max(1, opts.maxRunningPerLearner ?? maxRunningPerLearner());
    this.pointsOf = opts.pointsOf ?? (() => undefined);
  }

  /** `tx` is a transaction on this queue's database: the insert runs on its connection, inside it. */
  enqueue(_tx: SqliteTx, job: NewJob): void {
    hot(this.db).enqueue.run(job.submissionId, job.userId, this.now(), job.kind ?? "grade", job.allowLower ? 1 : 0, job.batchId ?? null);
  }

  /** `tx` is a transaction on this queue's database: the count runs on its connection, inside it. */
  waiting(_tx: SqliteTx, userId: string): number {
    return (hot(this.db).waiting.get(userId) as { n: number } | undefined)?.n ?? 0;
  }

  /**
   * Take the next job in fair order (see CLAIM_ORDER). One statement: SQLite runs it atomically,
   * so two workers (threads, processes) never lease the same job.
   */
  lease(workerId: string, leaseMs: number): LeasedJob | undefined {
    const s = hot(this.db);
    // An empty queue (every idle look, and the workers a wake did not get the job for) is answered
    // from a read (the index on state), without the write lock.
    if (!s.anyQueued.get()) return undefined;
    const now = this.now();
    const row = s.lease.get(workerId, now + leaseMs, now, this.maxRunningPerLearner) as { id: number; submission_id: string; attempts: number; kind: JobKind } | undefined;
    if (!row) return undefined;
    // A regrade leaves the submission as it is (graded, with its current verdict) until it completes.
    if (row.kind !== "regrade") s.markStarted.run(now, row.submission_id);
    return { jobId: row.id, submissionId: row.submission_id, attempt: row.attempts, workerId, kind: row.kind };
  }

  private owns(job: LeasedJob) {
    return and(eq(gradingJobs.id, job.jobId), eq(gradingJobs.leaseOwner, job.workerId), eq(gradingJobs.state, "leased"), eq(gradingJobs.attempts, job.attempt));
  }

  heartbeat(job: LeasedJob, leaseMs: number): boolean {
    return hot(this.db).heartbeat.run(this.now() + leaseMs, job.jobId, job.workerId, job.attempt).changes === 1;
  }

  complete(job: LeasedJob, result: GradeResult): boolean {
    const s = hot(this.db);
    return this.db.transaction(() => {
      const jobRow = s.ownedJob.get(job.jobId, job.workerId, job.attempt) as { kind: JobKind; allow_lower: number } | undefined;
      if (!jobRow || s.finish.run(this.now(), job.jobId, job.workerId, job.attempt).changes !== 1) return false;
      storeVerdict(this.db, { jobId: job.jobId, submissionId: job.submissionId, kind: jobRow.kind, allowLower: !!jobRow.allow_lower }, result, this.now());
      return true;
    }, { behavior: "immediate" });
  }

  fail(job: LeasedJob, error: string, opts: { beforeLearnerCode?: boolean } = {}): void {
    this.db.transaction((tx) => {
      const row = tx.select().from(gradingJobs).where(this.owns(job)).get();
      if (!row) return;
      if (row.attempts >= row.maxAttempts) this.giveUp(tx, row.id, row.submissionId, row.attempts, error, !opts.beforeLearnerCode);
      else tx.update(gradingJobs).set({ state: "queued", leaseOwner: null, leaseExpiresAt: null, lastError: error }).where(eq(gradingJobs.id, row.id)).run();
    }, { behavior: "immediate" });
  }

  private giveUp(tx: SqliteTx, jobId: number, submissionId: string, attempts: number, error: string, countsAsAttempt: boolean): void {
    storeGiveUp(tx, { jobId, submissionId, attempts, error, countsAsAttempt }, this.pointsOf, this.now());
  }

  reapExpired(): number {
    // Almost always nothing expired: answer that from a read, without taking the write lock.
    if (!hot(this.db).anyExpired.get(this.now())) return 0;
    return this.db.transaction((tx) => {
      const expired = tx
        .select()
        .from(gradingJobs)
        .where(and(eq(gradingJobs.state, "leased"), lt(gradingJobs.leaseExpiresAt, this.now())))
        .all();
      for (const job of expired) {
        const why = `the worker grading it (${job.leaseOwner}) stopped responding (attempt ${job.attempts})`;
        if (job.attempts >= job.maxAttempts) this.giveUp(tx, job.id, job.submissionId, job.attempts, why, true);
        else tx.update(gradingJobs).set({ state: "queued", leaseOwner: null, leaseExpiresAt: null, lastError: why }).where(eq(gradingJobs.id, job.id)).run();
      }
      return expired.length;
    }, { behavior: "immediate" });
  }

  stats(): QueueStats {
    const rows = this.db
      .select({ state: gradingJobs.state, n: sql<number>`count(*)` })
      .from(gradingJobs)
      .groupBy(gradingJobs.state)
      .all();
    const s: QueueStats = { queued: 0, leased: 0, done: 0, failed: 0 };
    for (const r of rows) s[r.state] = r.n;
    return s;
  }
}

/**
 * Store a job's verdict in the submission's history and, unless a regrade keeps the higher old
 * score, on the submission. Called inside a transaction on `db` (its statements join it); the
 * caller has checked in it that this job had no verdict yet. Shared by every queue: the verdicts
 * of all of them end up in this database. Prepared statements, and the result encoded as JSON
 * once for both rows: the same rows drizzle wrote, without building and preparing three
 * statements and encoding the result twice for every verdict (issue 19).
 */
export function storeVerdict(db: Db, job: { jobId: number; submissionId: string; kind: JobKind; allowLower: boolean }, result: GradeResult, nowMs: number): void {
  const s = verdictStatements(db);
  const current = s.current.get(job.submissionId) as { score: number | null; maxScore: number | null } | undefined;
  const apply = job.kind !== "regrade" || job.allowLower || !current || !keepsOld(current, result);
  const json = JSON.stringify(result);
  s.insertResult.run(job.submissionId, job.jobId, job.kind, result.version ?? null, result.score, result.maxScore, result.status, json, apply ? 1 : 0, nowMs);
  if (apply) s.applyResult.run(nowMs, result.score, result.maxScore, result.status, json, job.submissionId);
}

interface VerdictStatements {
  current: Statement<[string]>;
  insertResult: Statement<[string, number, JobKind, string | null, number, number, string, string, number, number]>;
  applyResult: Statement<[number, number, number, string, string, string]>;
}

const verdictStatements = perConnection((db): VerdictStatements => {
  const c = db.$client;
  return {
    current: c.prepare(`SELECT score, max_score AS maxScore FROM submissions WHERE id = ?`),
    insertResult: c.prepare(
      `INSERT INTO grading_results (submission_id, job_id, kind, exercise_version, score, max_score, verdict, result, applied, graded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    applyResult: c.prepare(`UPDATE submissions SET finished_at = ?, score = ?, max_score = ?, verdict = ?, result = ? WHERE id = ?`),
  };
});

/**
 * Give up on a job after its last attempt: the job fails, and the submission gets an error verdict
 * (scored 0 out of its points when `countsAsAttempt`, else maxScore 0: no attempt). A regrade that
 * could not grade leaves the existing verdict in place (it is in the history).
 */
export function storeGiveUp(
  tx: SqliteTx,
  job: { jobId: number; submissionId: string; attempts: number; error: string; countsAsAttempt: boolean },
  pointsOf: (exerciseId: string) => number | undefined,
  nowMs: number,
): void {
  const { jobId, submissionId, attempts, error, countsAsAttempt } = job;
  const now = new Date(nowMs);
  tx.update(gradingJobs).set({ state: "failed", finishedAt: now, leaseOwner: null, lastError: error }).where(eq(gradingJobs.id, jobId)).run();
  const kind = tx.select({ kind: gradingJobs.kind }).from(gradingJobs).where(eq(gradingJobs.id, jobId)).get()?.kind ?? "grade";
  const sub = tx.select({ exerciseId: submissions.exerciseId, seed: submissions.hiddenSeed, version: submissions.exerciseVersion, finishedAt: submissions.finishedAt }).from(submissions).where(eq(submissions.id, submissionId)).get();
  const points = countsAsAttempt && sub ? (pointsOf(sub.exerciseId) ?? 0) : 0;
  const result = gaveUpResult(sub?.exerciseId ?? "unknown", attempts, error, sub?.seed, sub?.version, points);
  const apply = kind !== "regrade" || !sub?.finishedAt;
  tx.insert(gradingResults).values({ submissionId, jobId, kind, exerciseVersion: null, score: 0, maxScore: result.maxScore, verdict: "error", result, applied: apply, gradedAt: now }).run();
  if (apply) tx.update(submissions).set({ finishedAt: now, score: 0, maxScore: result.maxScore, verdict: "error", result }).where(eq(submissions.id, submissionId)).run();
}

/**
 * Whether a regrade keeps the old score: it does when the new fraction of full marks is lower
 * (fractions, since a new version may change the points). A verdict that was "could not grade"
 * (maxScore 0) never holds back a real one.
 */
export function keepsOld(old: { score: number | null; maxScore: number | null }, fresh: { score: number; maxScore: number }): boolean {
  if (old.score === null || !old.maxScore) return false;
  const before = old.score / old.maxScore;
  const after = fresh.maxScore ? fresh.score / fresh.maxScore : 0;
  return after < before;
}
