/**
 * Scale-out: the same deadline surge through the SQLite queue and through pg-boss on PostgreSQL,
 * with the same number of `gradlab worker` processes, side by side in one run: verdicts per
 * second and queue wait (stored → a worker took it) p50/p95. And the fairness figure for each:
 * the wait of a learner's one quick job while another learner has 20 long ones queued.
 *
 * PostgreSQL: GRADLAB_BENCH_PG_URL, else GRADLAB_TEST_PG_URL, else scripts/postgres.sh starts a
 * throwaway cluster (as the tests do); without one the pg-boss column says why it is empty.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inArray } from "drizzle-orm";
import { closeAllDbs, openDb, type Db } from "../db/client.ts";
import { submissions } from "../db/schema.ts";
import type { Exercise } from "../grader/exercises.ts";
import { PgBossQueue } from "../grader/queue/pgboss-queue.ts";
import { submitCode } from "../grader/submissions.ts";
import { round, sleep, summarize, type Summary } from "./stats.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

export interface EngineRun {
  verdictsPerSecond: number;
  wallS: number;
  queueWait: Summary;
  /** The quick learner's wait (ms) while another learner has `longJobs` long jobs queued. */
  fairnessWaitMs: number;
}

export interface ScaleOutReport {
  note: string;
  workers: number;
  submissions: number;
  learners: number;
  exercise: string;
  longJobs: number;
  longJobMs: number;
  sqlite: EngineRun;
  pgboss: EngineRun | null;
  pgbossReason?: string;
}

interface Cluster {
  db: Db;
  stop(): Promise<void>;
}

function spawnWorkers(n: number, args: string[], env: (i: number) => Record<string, string>): { procs: ChildProcess[]; ready: Promise<void> } {
  const procs: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const p = spawn(process.execPath, ["--no-node-snapshot", resolve(ROOT, "bin/gradlab.js"), "worker", ...args], { cwd: ROOT, env: { ...process.env, ...env(i) }, stdio: ["ignore", "ignore", "pipe"] });
    procs.push(p);
    ready.push(new Promise((res, rej) => {
      let text = "";
      p.stderr!.on("data", (d) => {
        text += d;
        if (/sandbox:/.test(text)) res();
      });
      p.on("exit", (code) => rej(new Error(`a worker exited (${code}): ${text.slice(-500)}`)));
    }));
  }
  return { procs, ready: Promise.all(ready).then(() => {}) };
}

const stopAll = async (procs: ChildProcess[]) => {
  for (const p of procs) p.kill("SIGTERM");
  await Promise.all(procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.on("exit", r)))));
};

async function sqliteCluster(n: number): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "gradlab-bench-scale-sqlite-"));
  const db = openDb(dir);
  const { procs, ready } = spawnWorkers(n, [], () => ({ GRADLAB_DATA_DIR: dir, GRADLAB_QUEUE_URL: "" }));
  await ready;
  return { db, stop: async () => (await stopAll(procs), rmSync(dir, { recursive: true, force: true })) };
}

async function pgbossCluster(n: number, url: string): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "gradlab-bench-scale-pg-"));
  const db = openDb(dir);
  const schema = `bench_${Date.now().toString(36)}`;
  const queue = await PgBossQueue.connect({ url, schema, db, poolSize: 3 });
  const abort = new AbortController();
  const relay = queue.runRelay(abort.signal, 100);
  const { procs, ready } = spawnWorkers(n, ["--queue", url], () => ({ GRADLAB_DATA_DIR: mkdtempSync(join(tmpdir(), "gradlab-bench-scale-w-")), GRADLAB_QUEUE_SCHEMA: schema, GRADLAB_QUEUE_URL: "" }));
  await ready;
  return {
    db,
    stop: async () => {
      await stopAll(procs);
      abort.abort();
      await relay;
      await queue.engine.boss.getDb().executeSql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await queue.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Row = { id: string; createdAt: Date; startedAt: Date | null; finishedAt: Date | null };

function rows(db: Db, ids: string[]): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    out.push(...db.select({ id: submissions.id, createdAt: submissions.createdAt, startedAt: submissions.startedAt, finishedAt: submissions.finishedAt }).from(submissions).where(inArray(submissions.id, ids.slice(i, i + 500))).all());
  }
  return out;
}

async function waitAll(db: Db, ids: string[], timeoutMs: number): Promise<Row[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const rs = rows(db, ids);
    if (rs.length === ids.length && rs.every((r) => r.finishedAt)) return rs;
    if (Date.now() > end) throw new Error(`${rs.filter((r) => !r.finishedAt).length} of ${ids.length} not graded after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** One engine: warm-up, the surge, then the fairness scenario. */
async function runOn(c: Cluster, o: { workers: number; submissions: number; learners: number; ex: Exercise; code: string; long: string; longJobs: number }): Promise<EngineRun> {
  const warm = Array.from({ length: o.workers * 2 }, (_, i) => submitCode(c.db, o.ex, o.code + `\n// warm ${i}\n`, `warm${i}`));
  await waitAll(c.db, warm, 300_000);
  const ids: string[] = [];
  for (let i = 0; i < o.submissions; i++) ids.push(submitCode(c.db, o.ex, o.code + `\n// ${i}\n`, `learner${i % o.learners}`));
  const rs = await waitAll(c.db, ids, 1_800_000);
  const first = Math.min(...rs.map((r) => r.createdAt.getTime()));
  const last = Math.max(...rs.map((r) => r.finishedAt!.getTime()));
  const wallS = (last - first) / 1000;
  // Fairness: 20 long jobs from one learner, then one quick job from another.
  const longIds = Array.from({ length: o.longJobs }, (_, i) => submitCode(c.db, o.ex, o.long + `\n// long ${i}\n`, "hog"));
  await sleep(300);
  const quick = submitCode(c.db, o.ex, o.code + "\n// quick\n", "quick");
  const [q] = await waitAll(c.db, [quick], 600_000);
  await waitAll(c.db, longIds, 1_200_000);
  return {
    verdictsPerSecond: round(o.submissions / wallS, 2),
    wallS: round(wallS, 1),
    queueWait: summarize(rs.map((r) => r.startedAt!.getTime() - r.createdAt.getTime())),
    fairnessWaitMs: q!.startedAt!.getTime() - q!.createdAt.getTime(),
  };
}

/** A PostgreSQL to bench on, or why there is none. */
function postgresUrl(log: (s: string) => void): { url: string } | { reason: string } {
  const given = process.env.GRADLAB_BENCH_PG_URL ?? process.env.GRADLAB_TEST_PG_URL;
  if (given) return { url: given };
  try {
    const out = execFileSync("bash", [resolve(ROOT, "scripts/postgres.sh")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] }).toString();
    const url = /GRADLAB_TEST_PG_URL=(\S+)/.exec(out)?.[1];
    if (url) {
      log(`scaleOut: PostgreSQL from scripts/postgres.sh (${url})`);
      return { url };
    }
    return { reason: "scripts/postgres.sh printed no URL" };
  } catch (e) {
    return { reason: `no PostgreSQL (scripts/postgres.sh: ${(e as Error).message.split("\n")[0]})` };
  }
}

export async function scaleOutBench(opts: { ex: Exercise; longEx: Exercise; workers: number; submissions: number; learners: number; longJobs: number; longJobMs: number; log: (s: string) => void }): Promise<ScaleOutReport> {
  // The surge queues many submissions per learner at once; the intake cap would refuse them.
  process.env.GRADLAB_MAX_QUEUED_PER_LEARNER = String(Math.max(opts.longJobs, Math.ceil(opts.submissions / opts.learners)) + 1);
  const code = readFileSync(opts.ex.files.solution, "utf8");
  const long = `${readFileSync(opts.longEx.files.solution, "utf8")}\nconst __end = Date.now() + ${opts.longJobMs}; while (Date.now() < __end) {}\n`;
  const o = { workers: opts.workers, submissions: opts.submissions, learners: opts.learners, ex: opts.ex, code, long, longJobs: opts.longJobs };
  const base = {
    note: `The same surge (${opts.submissions} correct ${opts.ex.id} submissions from ${opts.learners} learners, queued at once) through each queue with ${opts.workers} worker processes on this machine, one after the other. Queue wait: stored → a worker took it. Fairness: the wait of one quick job from a learner while another learner has ${opts.longJobs} jobs of ~${opts.longJobMs / 1000} s queued (FIFO would make it wait for all of them).`,
    workers: opts.workers,
    submissions: opts.submissions,
    learners: opts.learners,
    exercise: opts.ex.id,
    longJobs: opts.longJobs,
    longJobMs: opts.longJobMs,
  };
  opts.log(`scaleOut: SQLite queue, ${opts.workers} workers, ${opts.submissions} submissions…`);
  const sq = await sqliteCluster(opts.workers);
  let sqlite: EngineRun;
  try {
    sqlite = await runOn(sq, o);
  } finally {
    await sq.stop();
    closeAllDbs();
  }
  opts.log(`scaleOut: SQLite ${sqlite.verdictsPerSecond} verdicts/s`);
  const pg = postgresUrl(opts.log);
  if ("reason" in pg) return { ...base, sqlite, pgboss: null, pgbossReason: pg.reason };
  opts.log(`scaleOut: pg-boss queue, ${opts.workers} workers, ${opts.submissions} submissions…`);
  const pc = await pgbossCluster(opts.workers, pg.url);
  let pgboss: EngineRun;
  try {
    pgboss = await runOn(pc, o);
  } finally {
    await pc.stop();
    closeAllDbs();
  }
  opts.log(`scaleOut: pg-boss ${pgboss.verdictsPerSecond} verdicts/s`);
  return { ...base, sqlite, pgboss };
}
