/**
 * The web server's side of the pg-boss queue: its database stays the record of every submission,
 * job and verdict; the engine only carries jobs to workers and verdicts back.
 *
 * A job is stored first, in the web server's database (grading_jobs, in the transaction that
 * stores the submission: the outbox). Each `sync()` then, for every job still open there:
 * - sends it to the engine when the engine does not have it: first dispatch, an enqueue that
 *   crashed between commit and send, an engine that was wiped (the reconciler). Engine ids derive
 *   from the job, so sending twice is a no-op;
 * - mirrors its state (queued, or leased once a worker took it: the submission shows "running");
 * - stores its verdict when a worker completed it, or a give-up verdict when the engine failed it
 *   for good: once, in a transaction that first checks the job is still open.
 * Stored submissions without any job (written before a crash by older code, or by hand) get one.
 */
import { and, asc, eq, inArray, isNull, notExists, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { gradingJobs, submissions } from "../../db/schema.ts";
import type { GradeResult } from "../../lib/result.ts";
import { engineJobId, GRADING_QUEUE, groupOf, jobPriority, type Engine, type GradingJobData, type GradingJobOutput } from "./pgboss-engine.ts";
import { SqliteQueue, storeGiveUp, storeVerdict } from "./sqlite-queue.ts";
import type { JobKind } from "./queue.ts";

export interface RelayOptions {
  /** An exercise's points: a give-up after the learner's code ran scores 0 out of them. */
  pointsOf?: (exerciseId: string) => number | undefined;
  /** The version workers must grade an exercise at (the web server's catalogue); else the submission's. */
  versionOf?: (exerciseId: string) => string | undefined;
  /** A lease without heartbeat (pg-boss heartbeatSeconds, at least 10 s). */
  leaseMs?: number;
  /** Attempts before giving up (pg-boss retryLimit + 1). */
  maxAttempts?: number;
  /** The longest a job may be active, heartbeats or not (beyond every exercise's wall budget). */
  maxActiveMs?: number;
  /** How often to look for stored submissions without a job (a scan of the unfinished ones; default 30 s). */
  adoptEveryMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export interface SyncReport {
  open: number;
  sent: number;
  stored: number;
  gaveUp: number;
}

type OpenJob = { id: number; submissionId: string; userId: string | null; kind: JobKind; allowLower: boolean; state: "queued" | "leased" | "done" | "failed"; attempts: number };
type EngineRow = { id: string; state: string; retryCount: number; startedOn: Date | null; output: unknown };

/** How many ids go into one statement. */
const CHUNK = 500;

function chunks<T>(xs: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export class PgBossRelay {
  private readonly db: Db;
  private readonly engine: Engine;
  private readonly opts: Required<Omit<RelayOptions, "versionOf">> & Pick<RelayOptions, "versionOf">;
  private running: Promise<SyncReport> | undefined;
  private lastAdopt = -Infinity;

  constructor(db: Db, engine: Engine, opts: RelayOptions = {}) {
    this.db = db;
    this.engine = engine;
    this.opts = {
      pointsOf: opts.pointsOf ?? (() => undefined),
      versionOf: opts.versionOf,
      leaseMs: opts.leaseMs ?? 15_000,
      maxAttempts: opts.maxAttempts ?? 3,
      maxActiveMs: opts.maxActiveMs ?? 2 * 3_600_000,
      adoptEveryMs: opts.adoptEveryMs ?? 30_000,
      now: opts.now ?? Date.now,
      log: opts.log ?? (() => {}),
    };
  }

  /** One pass; concurrent callers share the pass in flight and, when they came during it, one more. */
  sync(): Promise<SyncReport> {
    if (this.running) {
      return this.running.then(() => this.sync());
    }
    this.running = this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Sync every `everyMs` until `signal` aborts; errors (PostgreSQL restarting...) are logged and retried. */
  async run(signal: AbortSignal, everyMs = 250): Promise<void> {
    let failing = false;
    while (!signal.aborted) {
      try {
        await this.sync();
        if (failing) this.opts.log("relay: the grading engine answers again");
        failing = false;
      } catch (e) {
        if (!failing) this.opts.log(`relay: sync failed (retrying): ${(e as Error).message}`);
        failing = true;
      }
      await new Promise((r) => setTimeout(r, failing ? 1_000 : everyMs));
    }
  }

  private async pass(): Promise<SyncReport> {
    if (Date.now() - this.lastAdopt >= this.opts.adoptEveryMs) {
      this.lastAdopt = Date.now();
      this.adoptOrphans();
    }
    const open = this.db
      .select({ id: gradingJobs.id, submissionId: gradingJobs.submissionId, userId: gradingJobs.userId, kind: gradingJobs.kind, allowLower: gradingJobs.allowLower, state: gradingJobs.state, attempts: gradingJobs.attempts })
      .from(gradingJobs)
      .where(inArray(gradingJobs.state, ["queued", "leased"]))
      .orderBy(asc(gradingJobs.id))
      .all() as OpenJob[];
    const report: SyncReport = { open: open.length, sent: 0, stored: 0, gaveUp: 0 };
    if (!open.length) return report;
    const seen = new Map<string, EngineRow>();
    for (const part of chunks(open)) for (const r of await this.engineRows(part)) seen.set(r.id, r);
    const missing: OpenJob[] = [];
    for (const job of open) {
      const row = seen.get(engineJobId(job.submissionId, job.id));
      if (!row) missing.push(job);
      else if (row.state === "completed") report.stored += this.storeCompleted(job, row) ? 1 : 0;
      else if (row.state === "failed" || row.state === "cancelled") report.gaveUp += this.storeFailed(job, row) ? 1 : 0;
      else this.mirror(job, row);
    }
    if (missing.length) report.sent = await this.send(missing, open);
    return report;
  }

  /** The engine's rows of these jobs: state, attempt, and output once settled. */
  private async engineRows(jobs: OpenJob[]): Promise<EngineRow[]> {
    const { schema, table, boss } = this.engine;
    const ids = jobs.map((j) => engineJobId(j.submissionId, j.id));
    const { rows } = await boss.getDb().executeSql(
      `SELECT id::text AS id, state::text AS state, retry_count AS "retryCount", started_on AS "startedOn",
              CASE WHEN state IN ('completed', 'failed', 'cancelled') THEN output END AS output
       FROM ${schema}.${table} WHERE name = $1 AND id = ANY($2::uuid[])`,
      [GRADING_QUEUE, ids],
    );
    return rows as EngineRow[];
  }

  /** queued ⇄ leased as the engine says; a live submission shows "running" once a worker has it. */
  private mirror(job: OpenJob, row: EngineRow): void {
    const active = row.state === "active";
    const state = active ? "leased" : "queued";
    const attempts = active ? row.retryCount + 1 : job.attempts;
    if (job.state === state && job.attempts === attempts) return;
    const startedAt = active ? (row.startedOn ? new Date(row.startedOn) : new Date(this.opts.now())) : null;
    this.db.transaction((tx) => {
      tx.update(gradingJobs).set({ state, attempts, ...(startedAt ? { startedAt } : {}) }).where(and(eq(gradingJobs.id, job.id), inArray(gradingJobs.state, ["queued", "leased"]))).run();
      if (startedAt && job.kind !== "regrade") tx.update(submissions).set({ startedAt }).where(and(eq(submissions.id, job.submissionId), isNull(submissions.startedAt))).run();
    }, { behavior: "immediate" });
  }

  /** Store a worker's verdict, once: the job must still be open here. */
  private storeCompleted(job: OpenJob, row: EngineRow): boolean {
    const out = row.output as Partial<Extract<GradingJobOutput, { verdict: unknown }>> | null;
    const verdict = out?.verdict as GradeResult | undefined;
    if (!verdict || typeof verdict.score !== "number") return this.storeFailed(job, { ...row, output: { error: "the worker completed the job without a verdict", beforeLearnerCode: true } });
    return this.db.transaction((tx) => {
      const r = tx.update(gradingJobs)
        .set({ state: "done", attempts: row.retryCount + 1, finishedAt: new Date(this.opts.now()), leaseOwner: out?.workerId ?? null })
        .where(and(eq(gradingJobs.id, job.id), inArray(gradingJobs.state, ["queued", "leased"])))
        .run();
      if (r.changes !== 1) return false;
      // A quick job can finish between two passes: its start is recorded from the engine's.
      const startedAt = row.startedOn ? new Date(row.startedOn) : null;
      if (startedAt) {
        tx.update(gradingJobs).set({ startedAt }).where(and(eq(gradingJobs.id, job.id), isNull(gradingJobs.startedAt))).run();
        if (job.kind !== "regrade") tx.update(submissions).set({ startedAt }).where(and(eq(submissions.id, job.submissionId), isNull(submissions.startedAt))).run();
      }
      storeVerdict(this.db, { jobId: job.id, submissionId: job.submissionId, kind: job.kind, allowLower: job.allowLower }, verdict, this.opts.now());
      return true;
    }, { behavior: "immediate" });
  }

  /** The engine gave up on the job (its attempts are spent): one give-up verdict, once. */
  private storeFailed(job: OpenJob, row: EngineRow): boolean {
    const out = (row.output ?? {}) as { error?: unknown; beforeLearnerCode?: unknown; workerId?: unknown; message?: unknown; value?: { message?: unknown } };
    const attempts = row.retryCount + 1;
    const engineMessage = String(out.message ?? out.value?.message ?? "");
    const error = typeof out.error === "string"
      ? out.error
      : /timeout|timed out/i.test(engineMessage)
        ? `the worker grading it stopped responding (attempt ${attempts})`
        : row.state === "cancelled" ? "the grading job was cancelled in the engine" : engineMessage || "the grading engine failed the job";
    const countsAsAttempt = out.beforeLearnerCode !== true && row.state !== "cancelled";
    return this.db.transaction((tx) => {
      const open = tx.select({ id: gradingJobs.id }).from(gradingJobs).where(and(eq(gradingJobs.id, job.id), inArray(gradingJobs.state, ["queued", "leased"]))).get();
      if (!open) return false;
      tx.update(gradingJobs).set({ attempts }).where(eq(gradingJobs.id, job.id)).run();
      storeGiveUp(tx, { jobId: job.id, submissionId: job.submissionId, attempts, error, countsAsAttempt }, this.opts.pointsOf, this.opts.now());
      return true;
    }, { behavior: "immediate" });
  }

  /** Send the jobs the engine lacks, with what grading needs and their priority. */
  private async send(missing: OpenJob[], open: OpenJob[]): Promise<number> {
    const rank = ranks(open);
    const now = this.opts.now();
    let sent = 0;
    for (const part of chunks(missing)) {
      const ids = part.map((j) => j.submissionId);
      const subs = new Map(this.db.select({ id: submissions.id, exerciseId: submissions.exerciseId, exerciseVersion: submissions.exerciseVersion, code: submissions.code, hiddenSeed: submissions.hiddenSeed }).from(submissions).where(inArray(submissions.id, ids)).all().map((s) => [s.id, s]));
      const due = this.dueDates(ids, now);
      const jobs = [];
      for (const job of part) {
        const sub = subs.get(job.submissionId);
        if (!sub) {
          this.db.transaction((tx) => storeGiveUp(tx, { jobId: job.id, submissionId: job.submissionId, attempts: job.attempts, error: "the submission row is missing", countsAsAttempt: false }, this.opts.pointsOf, now));
          continue;
        }
        const data: GradingJobData = {
          jobId: job.id,
          submissionId: job.submissionId,
          userId: job.userId,
          kind: job.kind,
          payload: { exerciseId: sub.exerciseId, exerciseVersion: this.opts.versionOf?.(sub.exerciseId) ?? sub.exerciseVersion, code: sub.code, hiddenSeed: sub.hiddenSeed },
        };
        const dueAt = due.get(job.submissionId);
        jobs.push({
          id: engineJobId(job.submissionId, job.id),
          data,
          priority: jobPriority({ kind: job.kind, rank: rank.get(job.id) ?? 0, dueInMs: dueAt === undefined ? null : dueAt - now }),
          group: { id: groupOf(job.userId, job.submissionId) },
          retryLimit: this.opts.maxAttempts - 1,
          heartbeatSeconds: Math.max(10, Math.ceil(this.opts.leaseMs / 1000)),
          expireInSeconds: Math.ceil(this.opts.maxActiveMs / 1000),
        });
      }
      if (!jobs.length) continue;
      try {
        await this.engine.boss.insert(GRADING_QUEUE, jobs);
        sent += jobs.length;
      } catch {
        // One of them arrived meanwhile (another relay): send one by one, an existing id is skipped.
        for (const j of jobs) if (await this.engine.boss.send(GRADING_QUEUE, j.data, { id: j.id, priority: j.priority, group: j.group, retryLimit: j.retryLimit, heartbeatSeconds: j.heartbeatSeconds, expireInSeconds: j.expireInSeconds })) sent++;
      }
    }
    if (sent) this.opts.log(`relay: sent ${sent} job${sent === 1 ? "" : "s"} to the grading engine`);
    return sent;
  }

  /** The soonest deadline (ms) still ahead of an assignment, in the submission's courses, that includes its exercise. */
  private dueDates(submissionIds: string[], now: number): Map<string, number> {
    const rows = this.db.all<{ id: string; due: number }>(sql`
      SELECT sc.submission_id AS id, min(a.due_at) AS due
      FROM submission_courses sc
      JOIN submissions s ON s.id = sc.submission_id
      JOIN assignments a ON a.course_id = sc.course_id
      WHERE sc.submission_id IN (${sql.join(submissionIds.map((id) => sql`${id}`), sql`, `)})
        AND a.due_at IS NOT NULL AND a.due_at >= ${now}
        AND EXISTS (SELECT 1 FROM json_each(a.exercise_ids) e WHERE e.value = s.exercise_id)
      GROUP BY sc.submission_id`);
    return new Map(rows.map((r) => [r.id, Number(r.due)]));
  }

  /** Stored submissions never graded and without any job: queue them (the reconciler's other half). */
  private adoptOrphans(): void {
    const orphans = this.db
      .select({ id: submissions.id, userId: submissions.userId })
      .from(submissions)
      .where(and(isNull(submissions.finishedAt), notExists(this.db.select({ one: sql`1` }).from(gradingJobs).where(eq(gradingJobs.submissionId, submissions.id)))))
      .limit(1000)
      .all();
    if (!orphans.length) return;
    const intake = new SqliteQueue(this.db);
    this.db.transaction((tx) => {
      for (const o of orphans) intake.enqueue(tx, { submissionId: o.id, userId: o.userId });
    }, { behavior: "immediate" });
    this.opts.log(`relay: queued ${orphans.length} stored submission${orphans.length === 1 ? "" : "s"} that had no grading job`);
  }
}

/** Each open job's place among its learner's open jobs of the same kind (0: their oldest). */
function ranks(open: OpenJob[]): Map<number, number> {
  const seen = new Map<string, number>();
  const out = new Map<number, number>();
  for (const j of open) {
    if (j.userId === null) continue;
    const key = `${j.kind}:${j.userId}`;
    const n = seen.get(key) ?? 0;
    out.set(j.id, n);
    seen.set(key, n + 1);
  }
  return out;
}
