/**
 * The worker's main thread's handle on its grading thread (grading-thread-main.ts). The main
 * thread only leases, heartbeats and stores verdicts, so a submission that keeps the grading
 * thread busy (heavy synchronous host work) cannot stop the heartbeats and lose the lease; and
 * when a job outlives its wall budget, the thread is terminated (whatever it is doing) and a
 * fresh one is started for the next job.
 */
import { Worker } from "node:worker_threads";
import type { GradeResult } from "../../lib/result.ts";

export interface GradeRequest {
  id: number;
  exerciseId: string;
  code: string;
  hiddenSeed: string;
  /** Grade only at this exercise version (the job's); another version refuses the job. */
  expectedVersion?: string;
}

export type GradeReply =
  | { id: number; ok: true; result: GradeResult }
  /** beforeLearnerCode: the exercise could not be loaded (nothing of the learner's ran). */
  | { id: number; ok: false; why: string; beforeLearnerCode: boolean };

export type GradingOutcome =
  | { kind: "result"; result: GradeResult }
  | { kind: "error"; why: string; beforeLearnerCode: boolean }
  /** The wall budget ran out: the thread was terminated. */
  | { kind: "budget"; budgetMs: number }
  /** The thread ran out of heap (results too large to handle) or died. */
  | { kind: "memory"; why: string }
  | { kind: "crashed"; why: string };

const ENTRY = new URL("./grading-thread-main.ts", import.meta.url);

/** A fresh grading thread loads the catalogue and the reference engine within this (else: crashed, retried). */
const STARTUP_DEADLINE_MS = 120_000;

/** Heap for the grading thread: past it, the thread (not the worker process) dies, with a memory verdict. */
const GRADING_HEAP_MB = 2048;

export class GradingThread {
  private worker: Worker | undefined;
  /** Resolves true once the current thread has loaded what it grades with, false if it died first. */
  private ready: Promise<boolean> | undefined;
  private pending: { id: number; settle: (o: GradingOutcome) => void } | undefined;
  private nextId = 1;
  private readonly log: (line: string) => void;

  constructor(log: (line: string) => void = () => {}) {
    this.log = log;
  }

  /** Start the thread now (it loads the catalogue and warms sandbox children), not at the first job. */
  start(): void {
    this.spawn();
  }

  private spawn(): { worker: Worker; ready: Promise<boolean> } {
    if (this.worker && this.ready) return { worker: this.worker, ready: this.ready };
    const w = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: GRADING_HEAP_MB } });
    // Events of a thread already replaced (terminated at a budget) must not touch the next job.
    const current = () => this.worker === w;
    let started: (ok: boolean) => void = () => {};
    this.ready = new Promise<boolean>((r) => (started = r));
    w.on("message", (reply: GradeReply | "ready") => {
      if (!current()) return;
      if (reply === "ready") return started(true);
      if (!this.pending || reply.id !== this.pending.id) return;
      this.pending.settle(reply.ok ? { kind: "result", result: reply.result } : { kind: "error", why: reply.why, beforeLearnerCode: reply.beforeLearnerCode });
    });
    const died = (outcome: GradingOutcome) => {
      if (!current()) return;
      this.worker = undefined;
      this.ready = undefined;
      started(false);
      this.pending?.settle(outcome);
    };
    w.on("error", (e: Error & { code?: string }) => {
      const why = `the grading thread failed: ${e.message}`;
      died(e.code === "ERR_WORKER_OUT_OF_MEMORY" ? { kind: "memory", why } : { kind: "crashed", why });
    });
    w.on("exit", (code) => died({ kind: "crashed", why: `the grading thread exited (code ${code})` }));
    this.worker = w;
    return { worker: w, ready: this.ready };
  }

  /**
   * Grade in the thread; at `budgetMs` the thread is terminated and the outcome is "budget". The
   * budget starts when the thread is ready (a fresh thread first loads the catalogue and the
   * reference engine: our start-up, not the submission's time).
   */
  async grade(req: Omit<GradeRequest, "id">, budgetMs: number): Promise<GradingOutcome> {
    if (this.pending) throw new Error("the grading thread grades one submission at a time");
    const { worker: w, ready } = this.spawn();
    const startup = setTimeout(() => void this.stop(), STARTUP_DEADLINE_MS);
    const ok = await ready;
    clearTimeout(startup);
    if (!ok || this.worker !== w) return { kind: "crashed", why: `the grading thread did not start within ${STARTUP_DEADLINE_MS / 1000} s` };
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.log(`grading passed its wall budget of ${budgetMs} ms: terminating the grading thread`);
        this.pending?.settle({ kind: "budget", budgetMs });
        void this.stop();
      }, budgetMs);
      this.pending = {
        id,
        settle: (o) => {
          clearTimeout(timer);
          this.pending = undefined;
          resolve(o);
        },
      };
      w.postMessage({ ...req, id } satisfies GradeRequest);
    });
  }

  /** Terminate the thread (its sandbox children lose their channel and exit). */
  stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    return w ? w.terminate().then(() => {}) : Promise.resolve();
  }
}
