/**
 * The grading queue's engine beyond one machine: pg-boss on PostgreSQL. It holds one queue of
 * grading jobs; pg-boss gives each job its lease (heartbeats: heartbeatSeconds), retries
 * (retryLimit), priorities and per-learner concurrency (groups), across any number of machines.
 * This module only connects and names things; pgboss-queue.ts (workers) and pgboss-relay.ts (the
 * web server's side) use it.
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { PgBoss, type Clock } from "pg-boss";
import type { JobKind, JobPayload } from "./queue.ts";

export const GRADING_QUEUE = "gradlab-grading";

/** What a job carries: the web server's job row, whose it is, and what grading needs. */
export interface GradingJobData {
  /** grading_jobs.id in the web server's database. */
  jobId: number;
  submissionId: string;
  userId: string | null;
  kind: JobKind;
  payload: JobPayload;
}

/** A job's output: a verdict (completed), or why an attempt could not grade (failed). */
export type GradingJobOutput = { verdict: import("../../lib/result.ts").GradeResult; workerId: string } | { error: string; beforeLearnerCode: boolean; workerId: string };

export interface EngineOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** The PostgreSQL schema holding pg-boss's tables (default pgboss); the tests use one each. */
  schema?: string;
  /** A pg-boss TestClock in the contract tests; the system clock otherwise. */
  clock?: Clock;
  /** This process in the engine's instance registry (the admin page lists workers by it). */
  instanceName?: string;
  /** Connections this process keeps open (default 4: a worker needs 1-2 at a time). */
  poolSize?: number;
  log?: (line: string) => void;
}

export interface Engine {
  boss: PgBoss;
  schema: string;
  /** The table pg-boss keeps the grading queue's jobs in (read by the relay and for stats). */
  table: string;
  stop(): Promise<void>;
}

/** Only letters, digits and underscores: the schema name is written into SQL. */
function checkSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid pg-boss schema name '${schema}' (lower-case letters, digits, _)`);
  return schema;
}

/** Connect, install or migrate pg-boss's schema (pg-boss serialises that itself), create the queue. */
export async function startEngine(opts: EngineOptions): Promise<Engine> {
  const schema = checkSchema(opts.schema ?? "pgboss");
  const log = opts.log ?? (() => {});
  const boss = new PgBoss({
    connectionString: opts.url,
    schema,
    max: opts.poolSize ?? 4,
    application_name: "gradlab",
    ...(opts.clock ? { clock: opts.clock } : {}),
    // Expiry runs when queue.reapExpired() asks for it (every worker and the relay do, a few times
    // a minute); pg-boss's own timers would only add connections. Cron schedules are unused.
    supervise: false,
    schedule: false,
    monitorIntervalSeconds: 1,
    instanceName: opts.instanceName ?? `gradlab ${hostname()}:${process.pid}`,
    instanceHeartbeatSeconds: 10,
  });
  // pg-boss reports connection trouble as events: without a listener Node would end the process.
  boss.on("error", (e: Error) => log(`pg-boss: ${e.message}`));
  await boss.start();
  if (!(await boss.getQueue(GRADING_QUEUE))) {
    try {
      await boss.createQueue(GRADING_QUEUE);
    } catch (e) {
      if (!(await boss.getQueue(GRADING_QUEUE))) throw e; // else another process created it first
    }
  }
  const table = (await boss.getQueue(GRADING_QUEUE))!.table;
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`unexpected pg-boss table name '${table}'`);
  return { boss, schema, table, stop: () => boss.stop({ graceful: false, close: true }) };
}

/**
 * The engine's id of a web server job: derived, so that sending a job again (the relay after a
 * crash, the reconciler) is a no-op while the engine still has it. The submission id (a random
 * UUID) keeps ids apart across databases.
 */
export function engineJobId(submissionId: string, jobId: number): string {
  const h = createHash("sha256").update(`gradlab-grading-job:${submissionId}:${jobId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const HOUR = 3_600_000;

/**
 * How urgent a job is by its assignment's deadline: 6 when due within the hour, down to 1 within
 * a week, 0 without a deadline (or past it).
 */
export function deadlineUrgency(dueInMs: number | null): number {
  if (dueInMs === null || dueInMs < 0) return 0;
  const steps = [1, 3, 12, 24, 72, 168];
  const i = steps.findIndex((h) => dueInMs <= h * HOUR);
  return i < 0 ? 0 : steps.length - i;
}

/**
 * A job's pg-boss priority (higher first; ties: oldest first). Live submissions before regrades;
 * then the assignment due soonest; then the learner's place in their own line (`rank`: how many
 * of their jobs of this kind were queued before it and are still open), which serves learners
 * round-robin: everyone's first job before anyone's second.
 */
export function jobPriority(job: { kind: JobKind; rank: number; dueInMs: number | null }): number {
  return (job.kind === "grade" ? 1_000_000 : 0) + deadlineUrgency(job.dueInMs) * 10_000 - Math.min(job.rank, 9_999);
}

/** The fair-share group of a job: its learner; a job without one is a group of its own. */
export function groupOf(userId: string | null, submissionId: string): string {
  return userId ?? `anonymous:${submissionId}`;
}
