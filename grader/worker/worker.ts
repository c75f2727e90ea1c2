/**
 * A grading worker: leases jobs from the queue, grades each submission with learner code in a
 * sandbox child process (the second wall), heartbeats while it grades, and stores one verdict.
 * Many workers (processes, machines) can share one queue.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Db } from "../../db/client.ts";
import { refreshExercise, type Catalogue } from "../exercises.ts";
import { gradeCode, sandboxLimits, type GradeOptions } from "../grade.ts";
import type { GradingQueue, LeasedJob } from "../queue/queue.ts";
import { notGradedResult, selectOptionalSubmission } from "../submissions.ts";
import { sharedChildPool, type ChildPool } from "../sandbox/child-pool.ts";
import type { GradeResult } from "../../lib/result.ts";

export interface WorkerOptions {
  db: Db;
  queue: GradingQueue;
  catalogue: Catalogue;
  workerId?: string;
  /** A lease outlives a missed heartbeat or two, no more. */
  leaseMs?: number;
  heartbeatMs?: number;
  pollMs?: number;
  /** Where learner code runs (default: a sandbox child from the warm pool, child-pool.ts). */
  openTransport?: GradeOptions["openTransport"];
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

function unknownExerciseResult(exerciseId: string): GradeResult {
  return notGradedResult(exerciseId, `Exercise '${exerciseId}' is not in this GradLab's catalogue any more, so it cannot be graded. Ask your instructor.`);
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

async function retryBusy<T>(fn: () => T | Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusy(e) || attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, Math.min(200, 5 * attempt) + Math.random() * 20));
    }
  }
}

/** Lease and grade one job. Returns false when the queue was empty. */
export async function processOne(opts: WorkerOptions & { workerId: string }): Promise<boolean> {
  const leaseMs = opts.leaseMs ?? 15_000;
  const job = await retryBusy(() => opts.queue.lease(opts.workerId, leaseMs));
  if (!job) return false;
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
  }
  return true;
}

async function gradeJob(opts: WorkerOptions & { workerId: string }, job: LeasedJob): Promise<void> {
  const log = opts.log ?? (() => {});
  const sub = await retryBusy(() => selectOptionalSubmission(opts.db, job.submissionId));
  if (!sub) {
    await retryBusy(() => opts.queue.fail(job, "the submission row is missing"));
    return;
  }
  const known = opts.catalogue.exercises.find((e) => e.id === sub.exerciseId);
  // Grade against the exercise as it is now (an instructor may have changed it: regrades).
  let ex = known;
  try {
    ex = known && (await refreshExercise(known));
  } catch (e) {
    await retryBusy(() => opts.queue.fail(job, (e as Error).message));
    return;
  }
  if (known && ex && ex !== known) opts.catalogue.exercises[opts.catalogue.exercises.indexOf(known)] = ex;
  if (!ex) {
    await retryBusy(() => opts.queue.complete(job, unknownExerciseResult(sub.exerciseId)));
    return;
  }
  let result: GradeResult;
  try {
    result = await gradeCode(ex, sub.code, { hiddenSeed: sub.hiddenSeed, revealHidden: true, openTransport: opts.openTransport ?? sharedChildPool().open });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    log(`job ${job.jobId} (submission ${sub.id}) could not be graded on attempt ${job.attempt}: ${why}`);
    await retryBusy(() => opts.queue.fail(job, why));
    return;
  }
  const stored = await retryBusy(() => opts.queue.complete(job, result));
  log(`job ${job.jobId} ${sub.exerciseId} → ${result.status} ${result.score}/${result.maxScore} in ${result.durationMs} ms${stored ? "" : " (lease lost: verdict discarded, another worker has it)"}`);
}

/** Run until `signal` aborts: reap expired leases, lease, grade, repeat. */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  const workerId = opts.workerId ?? newWorkerId();
  const pollMs = opts.pollMs ?? 50;
  while (!opts.signal?.aborted) {
    await retryBusy(() => opts.queue.reapExpired());
    const worked = await processOne({ ...opts, workerId });
    if (!worked) await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Start sandbox children for the limits most of the catalogue uses, so that the first
 * submissions after a start do not wait for one.
 */
export async function prewarmSandboxes(pool: ChildPool, catalogue: Catalogue, keys = 2): Promise<void> {
  const byKey = new Map<string, { limits: ReturnType<typeof sandboxLimits>; n: number }>();
  for (const ex of catalogue.exercises) {
    const limits = sandboxLimits(ex);
    const k = JSON.stringify(limits);
    const e = byKey.get(k) ?? { limits, n: 0 };
    e.n++;
    byKey.set(k, e);
  }
  const top = [...byKey.values()].sort((a, b) => b.n - a.n).slice(0, keys);
  // Least common first: the pool keeps the most recently used limits.
  for (const { limits } of top.reverse()) await pool.prewarm(limits);
}
