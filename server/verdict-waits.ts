/**
 * "Tell me when my submission's status changes", for the long poll GET /api/submissions/:id/wait,
 * at the cost of one query for all waiting requests, not one per request every 100 ms.
 *
 * How this process learns that a verdict landed: the workers are other processes (`gradlab start`
 * spawns them), so it watches the database's folder: storing a verdict (or a lease) is a write to
 * the SQLite WAL, which inotify reports (as for the workers' wake, grader/worker/wake.ts), and each
 * report triggers one check of every waited-for id (at most one per NUDGE_MS). A slow check every
 * FALLBACK_MS covers a lost event, a folder without inotify, and verdicts written elsewhere.
 * Nothing runs while nobody waits: the watch and the timer start with the first waiter.
 *
 * Bounded: at most MAX_PER_USER waiting requests per user and MAX_WAITERS in all (past them, a
 * request is answered at once, "busy", and the client backs off); every wait has a deadline and
 * ends when its request is aborted (the client went away).
 */
import { watch, type FSWatcher } from "node:fs";
import { dirname } from "node:path";

export type WaitStatus = "queued" | "running" | "done";
/** Why a wait ended: the status differs from the one the client knew, the deadline, the client left, or too many waits. */
export type WaitOutcome = "changed" | "timeout" | "aborted" | "busy";

export interface VerdictWaitsOptions {
  /** The current status of each of `ids` that exists (one query for all of them). */
  statuses(ids: string[]): Map<string, WaitStatus>;
  /** The folder to watch for database writes (the SQLite file's folder); none: the fallback check alone. */
  watchDir?: string;
  fallbackMs?: number;
  nudgeMs?: number;
  maxPerUser?: number;
  maxWaiters?: number;
}

export const FALLBACK_MS = 1000;
/** During a surge the WAL changes continuously: one check per 100 ms serves every waiter (~1% of a core with 300 waiting, profiled). */
export const NUDGE_MS = 100;
/** A learner has one exercise page waiting per tab; GRADLAB_MAX_WAITS_PER_USER lifts it (the bench's one learner stands in for a class). */
export const MAX_PER_USER = Number(process.env.GRADLAB_MAX_WAITS_PER_USER ?? 8);
export const MAX_WAITERS = 5000;

interface Waiter {
  userId: string;
  known: WaitStatus;
  end(outcome: WaitOutcome): void;
}

export class VerdictWaits {
  private readonly opts: Required<Omit<VerdictWaitsOptions, "watchDir">> & { watchDir?: string };
  private readonly bySubmission = new Map<string, Set<Waiter>>();
  private readonly perUser = new Map<string, number>();
  private size = 0;
  private watcher: FSWatcher | undefined;
  private fallback: ReturnType<typeof setInterval> | undefined;
  private scheduled: ReturnType<typeof setTimeout> | undefined;
  private lastCheck = 0;
  /** Checks run (one query each): for tests and the bench. */
  checks = 0;

  constructor(opts: VerdictWaitsOptions) {
    this.opts = { fallbackMs: FALLBACK_MS, nudgeMs: NUDGE_MS, maxPerUser: MAX_PER_USER, maxWaiters: MAX_WAITERS, ...opts };
  }

  /** Waiting requests now. */
  get waiting(): number {
    return this.size;
  }

  /**
   * Resolves when submission `id`'s status is no longer `known`, after `timeoutMs`, when `signal`
   * aborts, or at once ("busy") when `userId` already has its share of waits or the server is full.
   */
  wait(userId: string, id: string, known: WaitStatus, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome> {
    if (signal?.aborted) return Promise.resolve("aborted");
    const mine = this.perUser.get(userId) ?? 0;
    if (mine >= this.opts.maxPerUser || this.size >= this.opts.maxWaiters) return Promise.resolve("busy");
    return new Promise((resolve) => {
      const w: Waiter = {
        userId,
        known,
        end: (outcome) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          this.remove(id, w);
          resolve(outcome);
        },
      };
      const onAbort = () => w.end("aborted");
      const timer = setTimeout(() => w.end("timeout"), Math.max(0, timeoutMs));
      signal?.addEventListener("abort", onAbort, { once: true });
      let set = this.bySubmission.get(id);
      if (!set) this.bySubmission.set(id, (set = new Set()));
      set.add(w);
      this.perUser.set(userId, mine + 1);
      this.size++;
      this.start();
      // The status may have changed between the caller's read and now: look once more, soon.
      this.nudge();
    });
  }

  /** Something may have changed (a database write seen, or this process stored a verdict): check soon. */
  nudge(): void {
    if (this.size === 0 || this.scheduled) return;
    const due = this.lastCheck + this.opts.nudgeMs - Date.now();
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.check();
    }, Math.max(0, due));
  }

  /** One query for every waited-for id; ends the waits whose status changed. */
  check(): void {
    // This check covers every nudge before it.
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    if (this.size === 0) return;
    this.lastCheck = Date.now();
    this.checks++;
    let now: Map<string, WaitStatus>;
    try {
      now = this.opts.statuses([...this.bySubmission.keys()]);
    } catch {
      return; // a busy or closing database: the next nudge or the fallback looks again
    }
    for (const [id, set] of [...this.bySubmission]) {
      const status = now.get(id);
      // A vanished submission ends its waits too: the caller's re-read answers 404.
      for (const w of [...set]) if (status !== w.known) w.end("changed");
    }
  }

  /** Ends every wait (server shutdown) and stops watching. */
  close(): void {
    for (const set of [...this.bySubmission.values()]) for (const w of [...set]) w.end("timeout");
    this.stop();
  }

  private remove(id: string, w: Waiter): void {
    const set = this.bySubmission.get(id);
    if (!set?.delete(w)) return;
    if (set.size === 0) this.bySubmission.delete(id);
    const n = (this.perUser.get(w.userId) ?? 1) - 1;
    if (n > 0) this.perUser.set(w.userId, n);
    else this.perUser.delete(w.userId);
    this.size--;
    if (this.size === 0) this.stop();
  }

  private start(): void {
    if (!this.fallback) {
      this.fallback = setInterval(() => this.check(), this.opts.fallbackMs);
      this.fallback.unref();
    }
    if (!this.watcher && this.opts.watchDir) {
      try {
        // Any file: the WAL (written on every commit, by any process); the fallback covers the rest.
        this.watcher = watch(this.opts.watchDir, { persistent: false }, () => this.nudge());
        this.watcher.on("error", () => this.stopWatching());
      } catch {
        this.watcher = undefined; // no inotify here: the fallback check alone
      }
    }
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private stop(): void {
    clearInterval(this.fallback);
    this.fallback = undefined;
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    this.stopWatching();
  }
}

const STATUSES_SQL =
  "SELECT id, started_at IS NOT NULL AS started, finished_at IS NOT NULL AS finished FROM submissions WHERE id IN (SELECT value FROM json_each(?))";

/** The statuses of `ids` in one prepared statement (derived from the timestamps, as grader/submissions.ts does). */
export function submissionStatuses(client: SqliteClient): (ids: string[]) => Map<string, WaitStatus> {
  const statement = client.prepare(STATUSES_SQL);
  return (ids) => {
    const rows = statement.all(JSON.stringify(ids)) as { id: string; started: number; finished: number }[];
    return new Map(rows.map((r) => [r.id, r.finished ? "done" : r.started ? "running" : "queued"]));
  };
}

/** The part of a better-sqlite3 database used here. */
interface SqliteClient {
  readonly name: string;
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
}

const shared = new Map<string, VerdictWaits>();

/** This process's waits on the database `client` (one per database file), watching its folder. */
export function verdictWaitsOn(client: SqliteClient): VerdictWaits {
  let w = shared.get(client.name);
  if (!w) shared.set(client.name, (w = new VerdictWaits({ statuses: submissionStatuses(client), watchDir: dirname(client.name) })));
  return w;
}
