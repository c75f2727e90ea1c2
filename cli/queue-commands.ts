/**
 * Commands of the grading queue:
 *   gradlab worker [--queue postgres://...] [--once]   grade queued submissions
 *   gradlab relay                                      the web server's side of a PostgreSQL queue
 * Without --queue / GRADLAB_QUEUE_URL a worker grades from the SQLite queue in GRADLAB_DATA_DIR.
 * With it, the worker talks to PostgreSQL only (jobs carry the code; verdicts return as the jobs'
 * output) and never opens a GradLab database; `gradlab relay` (started by `gradlab start`) sends
 * the web server's jobs and stores their verdicts.
 */
import type { Command } from "commander";
import { loadCatalogue } from "../grader/exercises.ts";
import { sandboxReuse } from "../grader/sandbox/child-pool.ts";
import { instanceName, queueSchema, queueUrl } from "../grader/queue/queue-from-env.ts";

function usage(message: string): never {
  process.stderr.write(`gradlab: ${message}\n`);
  process.exit(2);
}

export function registerQueueCommands(program: Command): void {
  program
    .command("worker")
    .description("grade queued submissions (run one per core; with --queue, on any machine that reaches the PostgreSQL queue)")
    .option("--queue <url>", "grade from the pg-boss queue on this PostgreSQL (default GRADLAB_QUEUE_URL; none: the SQLite queue in the data folder)")
    .option("--once", "grade until the queue is empty, then exit")
    .action(async (opts: { once?: boolean; queue?: string }) => {
      let url: string | undefined;
      try {
        url = queueUrl(opts.queue);
      } catch (e) {
        usage((e as Error).message);
      }
      const { runWorker, processOne, newWorkerId } = await import("../grader/worker/worker.ts");
      const { GradingThread } = await import("../grader/worker/grading-thread.ts");
      const { detectContainment } = await import("../grader/sandbox/child-transport.ts");
      const c = detectContainment();
      for (const w of c.warnings) process.stderr.write(`\n*** WARNING: ${w}\n\n`);
      const catalogue = await loadCatalogue();
      for (const p of catalogue.problems) process.stderr.write(`warning: ${p.file}: ${p.message}\n`);
      const pointsOf = (id: string) => catalogue.exercises.find((e) => e.id === id)?.points;
      const workerId = newWorkerId();
      const log = (l: string) => process.stderr.write(`[worker ${workerId}] ${l}\n`);
      const leaseMs = Number(process.env.GRADLAB_LEASE_MS ?? 15_000);
      const heartbeatMs = Math.max(50, Math.floor(leaseMs / 5));
      let db;
      let queue;
      let close = async () => {};
      if (url) {
        // Stateless: PostgreSQL only. The web server's database is never opened here.
        const { PgBossQueue } = await import("../grader/queue/pgboss-queue.ts");
        const pg = await PgBossQueue.connect({ url, schema: queueSchema(), instanceName: instanceName("worker", catalogue.exercises.map((e) => e.version)), log });
        queue = pg;
        close = () => pg.close();
        log(`grading from the PostgreSQL queue ${url.replace(/:[^:@/]*@/, ":***@")} (schema ${queueSchema()})`);
      } else {
        const { openDb, dataDir } = await import("../db/client.ts");
        const { SqliteQueue } = await import("../grader/queue/sqlite-queue.ts");
        db = openDb();
        queue = new SqliteQueue(db, Date.now, { pointsOf });
        log(`grading from ${dataDir()}`);
      }
      // A wrong GRADLAB_SANDBOX_REUSE stops the worker here, not on every job.
      const reuse = sandboxReuse();
      log(`sandbox: ${c.bwrap ? "bubblewrap" : "plain child process"}${c.prlimit ? " + rlimits" : ""}; a child serves ${reuse === 1 ? "one submission" : `up to ${reuse} submissions, each in a fresh isolate`}; ${catalogue.exercises.length} exercises`);
      const abort = new AbortController();
      for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => abort.abort());
      // Grading (and its sandbox children) runs in a worker thread; this thread heartbeats.
      const grading = new GradingThread(log);
      grading.start();
      // PostgreSQL is polled less eagerly than a local file: many workers share it.
      const pollMs = url ? 250 : 50;
      try {
        if (opts.once) {
          await queue.reapExpired();
          while (await processOne({ db, queue, catalogue, grading, workerId, log, leaseMs, heartbeatMs })) {}
        } else {
          await runWorker({ db, queue, catalogue, grading, workerId, log, leaseMs, heartbeatMs, pollMs, signal: abort.signal });
        }
      } finally {
        await grading.stop();
        await close();
      }
    });

  program
    .command("relay")
    .description("the web server's side of the PostgreSQL queue (GRADLAB_QUEUE_URL): send stored jobs, store verdicts, re-queue what the engine lost (`gradlab start` runs it)")
    .action(async () => {
      let url: string | undefined;
      try {
        url = queueUrl();
      } catch (e) {
        usage((e as Error).message);
      }
      if (!url) usage("gradlab relay needs GRADLAB_QUEUE_URL=postgres://... (without it the SQLite queue needs no relay)");
      const { openDb } = await import("../db/client.ts");
      const { PgBossQueue } = await import("../grader/queue/pgboss-queue.ts");
      const catalogue = await loadCatalogue();
      const log = (l: string) => process.stderr.write(`[relay] ${l}\n`);
      const db = openDb();
      const queue = await PgBossQueue.connect({
        url,
        schema: queueSchema(),
        db,
        instanceName: instanceName("relay", catalogue.exercises.map((e) => e.version)),
        pointsOf: (id) => catalogue.exercises.find((e) => e.id === id)?.points,
        versionOf: (id) => catalogue.exercises.find((e) => e.id === id)?.version,
        leaseMs: Number(process.env.GRADLAB_LEASE_MS ?? 15_000),
        log,
      });
      log(`relaying between ${url.replace(/:[^:@/]*@/, ":***@")} and the web server's database`);
      const abort = new AbortController();
      for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => abort.abort());
      // Expired leases are reaped here too, so jobs of dead workers return even when no worker runs.
      const reaper = setInterval(() => void queue.reapExpired().catch((e: Error) => log(`reap failed: ${e.message}`)), 5_000);
      try {
        await queue.runRelay(abort.signal);
      } finally {
        clearInterval(reaper);
        await queue.close();
      }
    });
}
