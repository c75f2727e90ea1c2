/**
 * A GradLab spread over processes, for the scale-out tests: the web server's side in this process
 * (its own SQLite database, submissions stored by submitCode as the API does, and the pg-boss
 * relay), and `gradlab worker --queue postgres://...` processes, each with a data folder of its
 * own that must stay empty (a worker never opens a GradLab database).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openDb, type Db } from "../../db/client.ts";
import { gradingJobs, gradingResults, submissions } from "../../db/schema.ts";
import { PgBossQueue } from "../../grader/queue/pgboss-queue.ts";
import type { RelayOptions } from "../../grader/queue/pgboss-relay.ts";
import { freshSchema } from "./pg.ts";

/** The lease of these tests: pg-boss's shortest heartbeat (10 s), so a dead worker's job returns soon. */
export const LEASE_MS = 10_000;

export interface Web {
  db: Db;
  queue: PgBossQueue;
  schema: string;
  logs: string[];
  stop(): Promise<void>;
}

/** The web server's side: a fresh database and the relay syncing with the engine every 100 ms. */
export async function startWeb(url: string, opts: RelayOptions & { schema?: string } = {}): Promise<Web> {
  const schema = opts.schema ?? freshSchema("scale");
  const db = openDb(mkdtempSync(join(tmpdir(), "gradlab-scale-web-")));
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);
  const queue = await PgBossQueue.connect({ url, schema, db, leaseMs: LEASE_MS, poolSize: 3, adoptEveryMs: 1_000, log, ...opts });
  const abort = new AbortController();
  const relay = queue.runRelay(abort.signal, 100);
  const reaper = setInterval(() => void queue.reapExpired().catch(() => {}), 1_000);
  return {
    db,
    queue,
    schema,
    logs,
    stop: async () => {
      clearInterval(reaper);
      abort.abort();
      await relay;
      await queue.close();
    },
  };
}

export interface WorkerProcess {
  proc: ChildProcess;
  dataDir: string;
  log(): string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

/** `gradlab worker --queue <url>` in a data folder of its own. */
export function startWorker(url: string, schema: string, env: Record<string, string> = {}): WorkerProcess {
  const dataDir = mkdtempSync(join(tmpdir(), "gradlab-scale-worker-"));
  const proc = spawn(process.execPath, ["bin/gradlab.js", "worker", "--queue", url], {
    env: { ...process.env, GRADLAB_DATA_DIR: dataDir, GRADLAB_QUEUE_SCHEMA: schema, GRADLAB_LEASE_MS: String(LEASE_MS), GRADLAB_QUEUE_URL: "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  proc.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<void>((r) => proc.on("exit", () => r()));
  return { proc, dataDir, log: () => log, exited };
}

/** What a worker left in its data folder: nothing (no database opened). */
export function leftovers(w: WorkerProcess): string[] {
  return readdirSync(w.dataDir);
}

export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How many submissions have their verdict. */
export function doneCount(db: Db, ids: string[]): number {
  const want = new Set(ids);
  return db.select({ id: submissions.id, finishedAt: submissions.finishedAt }).from(submissions).all().filter((s) => want.has(s.id) && s.finishedAt).length;
}

/** Per submission: its jobs and its stored verdicts (exactly one of each when all went well). */
export function ledger(db: Db, id: string) {
  return {
    submission: db.select().from(submissions).where(eq(submissions.id, id)).get()!,
    jobs: db.select().from(gradingJobs).where(eq(gradingJobs.submissionId, id)).all(),
    verdicts: db.select().from(gradingResults).where(eq(gradingResults.submissionId, id)).all(),
  };
}
