/**
 * A grading worker: leases jobs from the queue, grades each submission in its grading thread
 * (grading-thread.ts; learner code itself runs in a sandbox child process, the second wall), and
 * stores one verdict. This (main) thread only talks to the queue: its heartbeats keep the lease
 * however busy grading is, and it ends a job that outlives its wall budget with a timeout verdict.
 * Many workers (processes, machines) can share one queue.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Db } from "../../db/client.ts";
import type { Catalogue, Exercise } from "../exercises.ts";
import type { GradingQueue, JobPayload, LeasedJob } from "../queue/queue.ts";
import { submissionToGrade } from "../submissions.ts";
import { learnerStoppedResult } from "../verdicts.ts";
import { verdictMessages } from "../../lib/messages/verdict-texts.ts";
import { GradingThread } from "./grading-thread.ts";
import { profileRecord, profiling, threadCpuMs } from "./profile-log.ts";
import { dataFolderOf, WakeWatcher } from "./wake.ts";

export interface WorkerOptions {
  /**
   * The web server's database, to read submissions from: only for a queue whose jobs do not carry
   * them (SQLite). A pg-boss worker has none (jobs carry their payload).
   */
  db?: Db;
  queue: GradingQueue;
  /** For each job's wall budget and verdicts written here; the grading thread loads its own. */
  catalogue: Catalogue;
  /** Where submissions are graded (one job at a time). */
  grading: GradingThread;
  workerId?: string;
  /** A lease outlives a missed heartbeat or two, no more. */
  leaseMs?: number;
  heartbeatMs?: number;
  /** Between looks at an empty queue when nothing wakes this worker (default 50 ms). */
  pollMs?: number;
  /**
   * With a wake signal (a local SQLite queue: wake.ts), an idle worker sleeps until a job is
   * queued, looking anyway this often (expired leases, a missed wake); default 2 s.
   */
  wakePollMs?: number;
  /** Where wakes come from; default: the SQLite database's folder when `db` is given. */
  wake?: WakeWatcher;
  /** Called each time the worker finds the queue empty and goes to sleep (tests). */
  onIdle?: () => void;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/**
 * The longest one job may hold a worker, from lease to verdict: GRADLAB_JOB_WALL_MS, else twice
 * the exercise's time limit plus 30 s (the reference checks, sandbox start, decoding results).
 */
export function jobWallBudgetMs(ex: Pick<Exercise, "meta"> | undefined): number {
  const fixed = Number(process.env.GRADLAB_JOB_WALL_MS);
  if (Number.isFinite(fixed) && fixed > 0) return fixed;
  return 2 * (ex?.meta.limits.timeoutMs ?? 10_000) + 30_000;
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

/**
 * SQLite reports "database is locked" (SQLITE_BUSY) when two processes' write transactions race
 * in a way its busy timeout cannot wait out; the operation can simply be tried again. Without
 * this, a busy queue under load killed a worker (found by the bench's throughput runs).
 */
function isBusy(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  return /SQLITE_BUSY/.test(String(err?.code ?? "")) || /database is locked/i.test(String(err?.message ?? ""));
}

/**
 * PostgreSQL (the pg-boss queue) restarting or out of reach: connection refused or reset, the
 * server shutting down (57P01-57P03) or starting up. A worker waits for it rather than exiting.
 */
function isUnreachable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = String(err?.code ?? "");
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|57P0[123]|08\d\d\d)$/.test(code) ||
    /Connection terminated|connection timeout|terminating connection|the database system is (starting up|shutting down)|Client has encountered a connection error/i.test(String(err?.message ?? ""));
}

async function retryBusy<T>(fn: () => T | Promise<T>, log?: (line: string) => void): Promise<T> {
  const start = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (isBusy(e) && attempt < 50) {
        await new Promise((r) => setTimeout(r, Math.min(200, 5 * attempt) + Math.random() * 20));
        continue;
      }
      // Up to 5 minutes for the queue's server to come back (a restart, a network cut), then give up.
      if (!isUnreachable(e) || Date.now() - start > 300_000) throw e;
      if (attempt === 1 || attempt % 30 === 0) log?.(`the queue is unreachable (${(e as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * attempt)));
    }
  }
}

/** Lease and grade one job. Returns false when the queue was empty. */
export async function processOne(opts: WorkerOptions & { workerId: string }): Promise<boolean> {
  const leaseMs = opts.leaseMs ?? 15_000;
  const job = await retryBusy(() => opts.queue.lease(opts.workerId, leaseMs), opts.log);
  if (!job) return false;
  const cpu0 = profiling() ? threadCpuMs() : 0;
  const heartbeat = setInterval(() => {
    // A missed heartbeat is harmless (the lease outlives it); a busy database must not crash the worker.
    Promise.resolve()
      .then(() => opts.queue.heartbeat(job, leaseMs))
      .catch((e) => (opts.log ?? (() => {}))(`heartbeat for job ${job.jobId} failed: ${(e as Error).message}`));
  }, opts.heartbeatMs ?? 3_000);
  try {
    await gradeJob(opts, job);
  } finally {
    clearInterval(heartbeat);
    if (profiling()) profileRecord("main", { cpuMs: threadCpuMs() - cpu0 });
  }
  return true;
}

/** What grading needs: carried by the job (pg-boss), else read from the web server's database. */
async function jobPayload(opts: WorkerOptions, job: LeasedJob): Promise<(JobPayload & { id: string; fromJob: boolean }) | undefined> {
  if (job.payload) return { ...job.payload, id: job.submissionId, fromJob: true };
  const db = opts.db;
  if (!db) throw new Error(`job ${job.jobId} carries no submission and this worker has no database to read it from`);
  const sub = await retryBusy(() => submissionToGrade(db, job.submissionId));
  return sub ? { ...sub, fromJob: false } : undefined;
}

async function gradeJob(opts: WorkerOptions & { workerId: string }, job: LeasedJob): Promise<void> {
  const log = opts.log ?? (() => {});
  const sub = await jobPayload(opts, job);
  if (!sub) {
    await retryBusy(() => opts.queue.fail(job, "the submission row is missing", { beforeLearnerCode: true }), log);
    return;
  }
  const ex = opts.catalogue.exercises.find((e) => e.id === sub.exerciseId);
  const budgetMs = jobWallBudgetMs(ex);
  const t0 = performance.now();
  // A job that names its version is graded at that version or refused (another worker may have it).
  const outcome = await opts.grading.grade({ exerciseId: sub.exerciseId, code: sub.code, hiddenSeed: sub.hiddenSeed, ...(sub.fromJob ? { expectedVersion: sub.exerciseVersion } : {}) }, budgetMs);
  let result;
  switch (outcome.kind) {
    case "result":
      result = outcome.result;
      break;
    case "budget":
      result = learnerStoppedResult(ex, sub.exerciseId, "timeout", verdictMessages.overBudget(Math.round(budgetMs / 1000)));
      break;
    case "memory":
      result = learnerStoppedResult(ex, sub.exerciseId, "memory", verdictMessages.tooLargeToRead());
      break;
    default: {
      const why = outcome.why;
      log(`job ${job.jobId} (submission ${sub.id}) could not be graded on attempt ${job.attempt}: ${why}`);
      await retryBusy(() => opts.queue.fail(job, why, { beforeLearnerCode: outcome.kind === "error" && outcome.beforeLearnerCode }), log);
      return;
    }
  }
  const stored = await retryBusy(() => opts.queue.complete(job, result), log);
  const took = Math.round(performance.now() - t0);
  log(`job ${job.jobId} ${sub.exerciseId} → ${result.status} ${result.score}/${result.maxScore} in ${took} ms${stored ? "" : " (lease lost: verdict discarded, another worker has it)"}`);
}

/** Run until `signal` aborts: reap expired leases, lease, grade, repeat. */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  const workerId = opts.workerId ?? newWorkerId();
  // Jobs queued into this machine's SQLite file wake us; a distributed queue's workers (no db) keep polling.
  const wake = opts.wake ?? (opts.db ? new WakeWatcher(dataFolderOf(opts.db)) : undefined);
  const idleMs = wake?.watching ? (opts.wakePollMs ?? 2_000) : (opts.pollMs ?? 50);
  try {
    while (!opts.signal?.aborted) {
      wake?.arm();
      await retryBusy(() => opts.queue.reapExpired(), opts.log);
      const worked = await processOne({ ...opts, workerId });
      if (worked) continue;
      opts.onIdle?.();
      if (wake?.watching) await wake.sleep(idleMs, opts.signal);
      else await new Promise((r) => setTimeout(r, idleMs));
    }
  } finally {
    if (wake !== opts.wake) wake?.close();
  }
}
