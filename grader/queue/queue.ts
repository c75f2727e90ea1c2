/**
 * The grading queue, behind one small interface so that moving it onto a distributed engine is a
 * swap, not a rewrite. Semantics: at-least-once with leases. A worker leases a job, heartbeats
 * while it grades, and completes it; a lease that expires (the worker died) puts the job back,
 * until maxAttempts, after which the submission gets a final `error` verdict. Completing with a
 * lost lease is refused, so exactly one verdict is stored per job. Every verdict (first grading
 * and regrades) is also kept, with its exercise version, in the grading history.
 *
 * The queue is the only way into grading jobs. Queueing joins the caller's transaction (`Tx`: the
 * one that stores the submission or chooses a regrade's submissions), so a submission and its job
 * are stored together or not at all. Every implementation passes tests/grader/queue-contract.ts.
 */
import type { GradeResult } from "../../lib/result.ts";

export interface LeasedJob {
  jobId: number;
  submissionId: string;
  attempt: number;
  workerId: string;
  /** grade: a new submission; regrade: again, with the exercise's current version. */
  kind?: JobKind;
  /**
   * What grading needs, carried by the job (a distributed engine's workers never read the web
   * server's database); absent for the SQLite queue, whose workers read the submission row.
   */
  payload?: JobPayload;
  /** The engine's own handle on this attempt (pg-boss: the job's uuid). */
  ref?: string;
}

/** A job's payload on an engine whose workers have no access to the submissions table. */
export interface JobPayload {
  exerciseId: string;
  /** The exercise version to grade against: a worker with another version refuses the job. */
  exerciseVersion: string;
  code: string;
  hiddenSeed: string;
}

export type JobKind = "grade" | "regrade";

/** A job to queue: grading of a stored submission. */
export interface NewJob {
  submissionId: string;
  /** Whose work it is (fair share, the intake cap); null for a submission without an account. */
  userId: string | null;
  kind?: JobKind;
  /** For a regrade: store the new score even when it is lower than the current one. */
  allowLower?: boolean;
  /** Groups the jobs of one regrade request, for progress. */
  batchId?: string;
}

export interface QueueStats {
  queued: number;
  leased: number;
  done: number;
  failed: number;
}

/** The part of the queue that joins the caller's transaction `Tx`: taking submissions in. */
export interface JobIntake<Tx> {
  /**
   * Queue grading of a submission stored in `tx`, as part of `tx`. A regrade keeps the old verdict
   * in the history and, unless `allowLower`, replaces the submission's score only when the new one
   * is not lower.
   */
  enqueue(tx: Tx, job: NewJob): void | Promise<void>;
  /**
   * How many of this learner's submissions are waiting for or in their first grading (regrades do
   * not count), read in `tx`: the intake cap (intake.ts) is checked in the transaction that stores.
   */
  waiting(tx: Tx, userId: string): number | Promise<number>;
}

export interface GradingQueue<Tx = unknown> extends JobIntake<Tx> {
  /**
   * Take the next queued job, or undefined when none is waiting. Not strictly FIFO: live
   * submissions before regrades, and round-robin across learners (sqlite-queue.ts, CLAIM_ORDER).
   * `leaseMs`: how long the lease lasts without a heartbeat; an engine that fixes it per job when
   * queueing (pg-boss: heartbeatSeconds) uses its own setting instead.
   */
  lease(workerId: string, leaseMs: number): LeasedJob | undefined | Promise<LeasedJob | undefined>;
  /** Extend the lease; false when it was lost (expired and taken by another worker). */
  heartbeat(job: LeasedJob, leaseMs: number): boolean | Promise<boolean>;
  /** Store the verdict and finish the job; false (and nothing stored) when the lease was lost. */
  complete(job: LeasedJob, result: GradeResult): boolean | Promise<boolean>;
  /**
   * This attempt could not grade: retry later, or give up after maxAttempts. The give-up verdict
   * counts as an attempt unless `beforeLearnerCode` (nothing of the learner's ran: our fault).
   */
  fail(job: LeasedJob, error: string, opts?: { beforeLearnerCode?: boolean }): void | Promise<void>;
  /**
   * Requeue jobs whose lease expired (their worker died while grading); give up on those out of
   * attempts, with a verdict that counts as an attempt. Returns how many moved.
   */
  reapExpired(): number | Promise<number>;
  stats(): QueueStats | Promise<QueueStats>;
}
