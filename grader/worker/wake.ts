/**
 * Waking idle workers when a job is queued, instead of each polling the database every 50 ms:
 * whoever queues (the web server, a regrade, the CLI) writes the wake file in the data folder
 * after its transaction commits, and every worker on this machine watches that folder (inotify).
 * A slow poll stays as the fallback (another machine's workers, a lost event, expired leases).
 */
import { utimesSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { dirname, join } from "node:path";

export const WAKE_FILE = "queue.wake";

/** The data folder of an open SQLite database (its file's folder). */
export function dataFolderOf(db: { $client: { name: string } }): string {
  return dirname(db.$client.name);
}

/**
 * Tell the workers watching `dir` that a job is waiting. Never throws: the poll is the fallback.
 * Touching the file's times is one inotify event ("change") like a write, for ~7 µs of CPU where
 * a write (open, truncate, write, close) took ~200-270 µs and blocked the web server's event loop
 * for 1.7-3 ms on this machine's ext4 (issue 19: 2,000 calls of each). Once per submission.
 */
export function wakeWorkers(dir: string): void {
  const file = join(dir, WAKE_FILE);
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    try {
      writeFileSync(file, ""); // the first wake in this folder: make the file
    } catch {
      /* a read-only or vanished folder: workers find the job at their next poll */
    }
  }
}

/**
 * A worker's side: `arm()` before looking at the queue, then `sleep(ms)` returns at once if a wake
 * came since (the job may have been queued while we looked), else at the next wake or after `ms`.
 */
export class WakeWatcher {
  private readonly watcher: FSWatcher | undefined;
  private woken = false;
  private resume: (() => void) | undefined;
  /** Wakes seen (for tests and the bench). */
  wakes = 0;

  constructor(dir: string) {
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name !== WAKE_FILE) return; // the database's own files change on every write
        this.wakes++;
        this.woken = true;
        this.resume?.();
      });
      this.watcher.on("error", () => this.watcher?.close());
    } catch {
      this.watcher = undefined; // no inotify here: the poll alone
    }
  }

  /** Whether wakes can arrive (else callers should poll at their usual pace). */
  get watching(): boolean {
    return !!this.watcher;
  }

  arm(): void {
    this.woken = false;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<"woken" | "timeout"> {
    if (this.woken) return Promise.resolve("woken");
    return new Promise((res) => {
      const done = (why: "woken" | "timeout") => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.resume = undefined;
        res(why);
      };
      const onAbort = () => done("timeout");
      const timer = setTimeout(() => done("timeout"), ms);
      this.resume = () => done("woken");
      signal?.addEventListener("abort", onAbort);
    });
  }

  close(): void {
    this.watcher?.close();
    this.resume?.();
  }
}
