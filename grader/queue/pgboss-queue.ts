/**
 * The grading queue on pg-boss (PostgreSQL), for grading on many machines; chosen at start-up by
 * GRADLAB_QUEUE_URL=postgres://... (queue-from-env.ts). Same contract as the SQLite queue
 * (tests/grader/queue-contract.ts), split in two:
 * - workers (lease, heartbeat, complete, fail) talk to PostgreSQL only: a job carries what grading
 *   needs, a verdict goes back as the job's output. A worker never opens the web server's database.
 * - the web server (enqueue, waiting; `sync` = pgboss-relay.ts) keeps its own database as the
 *   record: a job is stored with its submission (the outbox), sent to the engine after commit,
 *   and its verdict stored from the engine exactly once.
 * Leases are pg-boss's heartbeats; a lease is one attempt (`retryCount`), and pg-boss refuses to
 * touch, complete or fail an attempt that was retried meanwhile: a lost lease stores nothing.
 * Fair share: at most k of a learner's jobs run at once (pg-boss group concurrency) while anyone
 * else waits; priorities put live submissions before regrades, urgent deadlines first, and each
 * learner's first job before anyone's second (pgboss-engine.ts, jobPriority).
 */
import type { Db } from "../../db/client.ts";
import type { GradeResult } from "../../lib/result.ts";
import { maxRunningPerLearner } from "../intake.ts";
import { GRADING_QUEUE, startEngine, type Engine, type EngineOptions, type GradingJobData, type GradingJobOutput } from "./pgboss-engine.ts";
import { PgBossRelay, type RelayOptions, type SyncReport } from "./pgboss-relay.ts";
import type { GradingQueue, LeasedJob, NewJob, QueueStats } from "./queue.ts";
import { SqliteQueue, type SqliteTx } from "./sqlite-queue.ts";

export interface PgBossQueueOptions extends EngineOptions, RelayOptions {
  /** The web server's database: given on the web server (intake, verdicts), never on a worker. */
  db?: Db;
  maxRunningPerLearner?: number;
  /** Reap (pg-boss expiry) at most this often from one process (default 2 s; 0: every call). */
  reapEveryMs?: number;
}

export interface EngineInstance {
  /** e.g. "worker host:pid gradlab-0.1.0 exercises-<hash>" (queue-from-env.ts, instanceName). */
  name: string;
  host: string;
  pid: number;
  /** Heard from within three heartbeats. */
  live: boolean;
  startedOn: Date;
  heartbeatOn: Date;
}

/** How many jobs a pg-boss command changed (its response has `affected`; its declared type is empty). */
function affected(response: unknown): number {
  return Number((response as { affected?: unknown } | null)?.affected ?? 0);
}

export class PgBossQueue implements GradingQueue<SqliteTx> {
  readonly engine: Engine;
  private readonly intake: SqliteQueue | undefined;
  private readonly relay: PgBossRelay | undefined;
  /** At most k of a learner's jobs run at once while anyone else waits. */
  private readonly k: number;
  private readonly reapEveryMs: number;
  private lastReap = -Infinity;

  private constructor(engine: Engine, opts: PgBossQueueOptions) {
    this.engine = engine;
    this.k = Math.max(1, opts.maxRunningPerLearner ?? maxRunningPerLearner());
    this.reapEveryMs = opts.reapEveryMs ?? 2_000;
    if (opts.db) {
      this.intake = new SqliteQueue(opts.db);
      this.relay = new PgBossRelay(opts.db, engine, opts);
    }
  }

  /** Connect to PostgreSQL and set up pg-boss's schema and the grading queue (idempotent). */
  static async connect(opts: PgBossQueueOptions): Promise<PgBossQueue> {
    return new PgBossQueue(await startEngine(opts), opts);
  }

  private web(): { intake: SqliteQueue; relay: PgBossRelay } {
    if (!this.intake || !this.relay) throw new Error("this PgBossQueue is a worker's: taking submissions in needs the web server's database (the db option)");
    return { intake: this.intake, relay: this.relay };
  }

  /** Store the job with the submission (in `tx`); the relay sends it to the engine after commit. */
  enqueue(tx: SqliteTx, job: NewJob): void {
    this.web().intake.enqueue(tx, job);
  }

  waiting(tx: SqliteTx, userId: string): number {
    return this.web().intake.waiting(tx, userId);
  }

  /** The web server's side: send new jobs, mirror states, store verdicts (see pgboss-relay.ts). */
  sync(): Promise<SyncReport> {
    return this.web().relay.sync();
  }

  /** Run the web server's side until `signal` aborts. */
  runRelay(signal: AbortSignal, everyMs?: number): Promise<void> {
    return this.web().relay.run(signal, everyMs);
  }

  /**
   * The best job this worker may take: first one of a learner below their share (fewer than k
   * running), else (nobody else waiting) any, so that no worker idles while jobs wait.
   */
  async lease(workerId: string): Promise<LeasedJob | undefined> {
    const { boss } = this.engine;
    let [job] = await boss.fetch<GradingJobData>(GRADING_QUEUE, { groupConcurrency: this.k });
    if (!job) [job] = await boss.fetch<GradingJobData>(GRADING_QUEUE);
    if (!job) return undefined;
    const d = job.data;
    return { jobId: d.jobId, submissionId: d.submissionId, attempt: job.retryCount + 1, workerId, kind: d.kind, payload: d.payload, ref: job.id };
  }

  /** The attempt a handle holds: pg-boss acts on it only while that attempt holds the job. */
  private attempt(job: LeasedJob) {
    if (!job.ref) throw new Error(`job ${job.jobId} was not leased from pg-boss`);
    return { id: job.ref, retryCount: job.attempt - 1 };
  }

  async heartbeat(job: LeasedJob): Promise<boolean> {
    return affected(await this.engine.boss.touch(GRADING_QUEUE, this.attempt(job))) === 1;
  }

  async complete(job: LeasedJob, result: GradeResult): Promise<boolean> {
    const output: GradingJobOutput = { verdict: result, workerId: job.workerId };
    return affected(await this.engine.boss.complete(GRADING_QUEUE, this.attempt(job), output)) === 1;
  }

  /** pg-boss retries the job (retryLimit), then fails it; the relay then stores the give-up verdict. */
  async fail(job: LeasedJob, error: string, opts: { beforeLearnerCode?: boolean } = {}): Promise<void> {
    const output: GradingJobOutput = { error, beforeLearnerCode: !!opts.beforeLearnerCode, workerId: job.workerId };
    await this.engine.boss.fail(GRADING_QUEUE, this.attempt(job), output);
  }

  /**
   * Let pg-boss expire leases whose heartbeat stopped (retry, or fail after the last attempt);
   * returns how many were due. Every worker calls it often: at most one pass per `reapEveryMs`.
   */
  async reapExpired(): Promise<number> {
    const now = Date.now();
    if (now - this.lastReap < this.reapEveryMs) return 0;
    this.lastReap = now;
    const { boss, schema, table } = this.engine;
    const { rows } = await boss.getDb().executeSql(
      `SELECT count(*)::int AS n FROM ${schema}.${table}
       WHERE name = $1 AND state = 'active'
         AND ((heartbeat_seconds IS NOT NULL AND heartbeat_on + heartbeat_seconds * interval '1s' < ${schema}.job_now())
              OR started_on + expire_seconds * interval '1s' < ${schema}.job_now())`,
      [GRADING_QUEUE],
    );
    const due = Number(rows[0]?.n ?? 0);
    if (due) await boss.supervise(GRADING_QUEUE);
    return due;
  }

  /** Jobs per state in the engine (completed and failed ones until pg-boss deletes them). */
  async stats(): Promise<QueueStats> {
    const { boss, schema, table } = this.engine;
    const { rows } = await boss.getDb().executeSql(`SELECT state::text AS state, count(*)::int AS n FROM ${schema}.${table} WHERE name = $1 GROUP BY state`, [GRADING_QUEUE]);
    const s: QueueStats = { queued: 0, leased: 0, done: 0, failed: 0 };
    for (const r of rows as { state: string; n: number }[]) {
      if (r.state === "created" || r.state === "retry") s.queued += r.n;
      else if (r.state === "active") s.leased += r.n;
      else if (r.state === "completed") s.done += r.n;
      else if (r.state === "failed" || r.state === "cancelled") s.failed += r.n;
    }
    return s;
  }

  /** For the admin page: the processes connected to the engine (workers, relays), newest first. */
  async instances(): Promise<EngineInstance[]> {
    const all = await this.engine.boss.getInstances({ limit: 500 });
    return all
      .filter((i) => !i.stoppedOn)
      .map((i) => ({ name: i.name ?? `${i.host}:${i.pid}`, host: i.host, pid: i.pid, live: i.live, startedOn: new Date(i.startedOn), heartbeatOn: new Date(i.heartbeatOn) }))
      .sort((a, b) => b.heartbeatOn.getTime() - a.heartbeatOn.getTime());
  }

  close(): Promise<void> {
    return this.engine.stop();
  }
}
