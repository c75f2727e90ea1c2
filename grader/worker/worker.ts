/**
 * A grading worker: leases jobs from the queue, grades each submission with learner code in a
 * sandbox child process (the second wall), heartbeats while it grades, and stores one verdict.
 * Many workers (processes, machines) can share one queue.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Db } from "../../db/client.ts";
import type { Catalogue } from "../exercises.ts";
import { gradeCode } from "../grade.ts";
import type { GradingQueue, LeasedJob } from "../queue/queue.ts";
import { selectOptionalSubmission } from "../submissions.ts";
import { ChildTransport } from "../sandbox/child-transport.ts";
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
  openTransport?: typeof ChildTransport.open;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

function unknownExerciseResult(exerciseId: string): GradeResult {
  return {
    exercise: exerciseId,
    score: 0,
    maxScore: 0,
    status: "error",
    tests: [],
    stdout: "",
    durationMs: 0,
    message: `Exercise '${exerciseId}' is not in this GradLab's catalogue any more, so it cannot be graded. Ask your instructor.`,
  };
}

/** Lease and grade one job. Returns false when the queue was empty. */
export async function processOne(opts: WorkerOptions & { workerId: string }): Promise<boolean> {
  const leaseMs = opts.leaseMs ?? 15_000;
  const job = await opts.queue.lease(opts.workerId, leaseMs);
  if (!job) return false;
  const heartbeat = setInterval(() => void opts.queue.heartbeat(job, leaseMs), opts.heartbeatMs ?? 3_000);
  try {
    await gradeJob(opts, job);
  } finally {
    clearInterval(heartbeat);
  }
  return true;
}

async function gradeJob(opts: WorkerOptions & { workerId: string }, job: LeasedJob): Promise<void> {
  const log = opts.log ?? (() => {});
  const sub = selectOptionalSubmission(opts.db, job.submissionId);
  if (!sub) {
    await opts.queue.fail(job, "the submission row is missing");
    return;
  }
  const ex = opts.catalogue.exercises.find((e) => e.id === sub.exerciseId);
  if (!ex) {
    await opts.queue.complete(job, unknownExerciseResult(sub.exerciseId));
    return;
  }
  let result: GradeResult;
  try {
    result = await gradeCode(ex, sub.code, { hiddenSeed: sub.hiddenSeed, revealHidden: true, openTransport: opts.openTransport ?? ChildTransport.open });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    log(`job ${job.jobId} (submission ${sub.id}) could not be graded on attempt ${job.attempt}: ${why}`);
    await opts.queue.fail(job, why);
    return;
  }
  const stored = await opts.queue.complete(job, result);
  log(`job ${job.jobId} ${sub.exerciseId} → ${result.status} ${result.score}/${result.maxScore} in ${result.durationMs} ms${stored ? "" : " (lease lost: verdict discarded, another worker has it)"}`);
}

/** Run until `signal` aborts: reap expired leases, lease, grade, repeat. */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  const workerId = opts.workerId ?? newWorkerId();
  const pollMs = opts.pollMs ?? 200;
  while (!opts.signal?.aborted) {
    await opts.queue.reapExpired();
    const worked = await processOne({ ...opts, workerId });
    if (!worked) await new Promise((r) => setTimeout(r, pollMs));
  }
}
