/**
 * What every submission gets before any grading, shared by the web server, the CLI and the
 * grader. Kept free of heavy imports: the web server loads it without isolated-vm or esbuild.
 */
import { randomBytes } from "node:crypto";

/** Learner source larger than this is refused before anything runs. */
export const MAX_CODE_BYTES = 256 * 1024;

/** The seed of a submission's hidden cases, from a cryptographic RNG, stored with it. */
export function newHiddenSeed(): string {
  return randomBytes(8).toString("hex");
}

/** A positive integer from the environment, or the default. */
function envCount(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/**
 * How many of one learner's submissions wait or run at once (GRADLAB_MAX_QUEUED_PER_LEARNER,
 * default 3): one more is refused at intake with a 429, so that nobody fills the queue.
 */
export function maxQueuedPerLearner(): number {
  return envCount("GRADLAB_MAX_QUEUED_PER_LEARNER", 3);
}

/**
 * How many of one learner's jobs run at once while other learners wait (GRADLAB_MAX_RUNNING_PER_LEARNER,
 * default 1). With nobody else waiting, a learner may use any idle worker.
 */
export function maxRunningPerLearner(): number {
  return envCount("GRADLAB_MAX_RUNNING_PER_LEARNER", 1);
}

/** Thrown by submitCode when the learner already has `maxQueuedPerLearner()` submissions waiting: answer 429. */
export class QueueFullError extends Error {
  readonly queued: number;
  /** Seconds after which trying again is reasonable. */
  readonly retryAfter = 30;
  constructor(queued: number, limit: number) {
    super(
      `You have ${queued} submission${queued === 1 ? "" : "s"} waiting to be graded (at most ${limit} at a time). ` +
        `Wait until one has its result, then submit again; use Run to try your code meanwhile.`,
    );
    this.name = "QueueFullError";
    this.queued = queued;
  }
}
