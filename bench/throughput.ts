/**
 * Throughput through the real queue: submissions stored and queued (grader/submissions.ts
 * submitCode, or POST /api/submissions when the web server runs), graded by 2 `gradlab worker`
 * processes. Two scenarios: a burst of N submissions queued at once (verdicts per second), and a
 * deadline surge: 300 submissions across exercises arriving within a window, at a rate that
 * ramps up toward the deadline.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inArray, sql } from "drizzle-orm";
import { closeAllDbs, openDb, type Db } from "../db/client.ts";
import { submissions } from "../db/schema.ts";
import type { Exercise } from "../grader/exercises.ts";
import { submitCode } from "../grader/submissions.ts";
import type { ApiClient } from "./api.ts";
import { round, sleep, summarize, type Summary } from "./stats.ts";
import { sampleTree } from "./cpu-profile.ts";
import { inProcessMeanMs, sandboxSetupCpuMs, verdictBreakdown, type VerdictBreakdown } from "./efficiency.ts";
import { cpus, loadavg } from "node:os";
import { writeFileSync } from "node:fs";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

export interface ThroughputReport {
  note: string;
  via: "api" | "queue";
  workers: number;
  verdictsPerSecond: number;
  /**
   * verdictsPerSecond × inProcessMs / (cores × 1000): the share of the machine spent on the
   * grading work itself (issue 19). On a shared machine other users' load lowers it.
   */
  efficiency: number;
  /** Mean ms of grading the same mix in process (one isolate each; no child, queue or server). */
  inProcessMs: number;
  cores: number;
  /** The 1-minute load average when the burst started and when the surge ended. */
  loadAverage: { burst: number; surgeEnd: number };
  /** CPU ms per verdict during the surge, per process and phase. */
  perVerdict: VerdictBreakdown | null;
  /**
   * The bench's own CPU ms per verdict (this process: it shares the cores with GradLab): in the
   * burst (its POSTs or submitCode calls, and its look at the database every 100 ms) and in the
   * surge (POSTs, the learners' long polls, the probe GETs), the surge's CPU sampling apart.
   */
  client: { burst: number; surge: number; surgeSampling: number };
  burst: { submissions: number; wallS: number; verdict: Summary; queueWait: Summary; grading: Summary; statuses: Record<string, number> };
  surge: {
    submissions: number;
    windowS: number;
    compressed: string;
    lastVerdictS: number;
    drainAfterLastArrivalS: number;
    queueWait: Summary;
    verdict: Summary;
    maxQueueLength: number;
    serverP99Ms: number | null;
    /**
     * The web server during the surge (ms): POSTs, another page's GET every 500 ms, and how long after
     * each verdict was stored its learner's long poll answered; `all` (and serverP99Ms) pools the three.
     */
    server: { post: Summary; get: Summary; verdictDelay: Summary; waitRequestsPerVerdict: number; all: Summary } | null;
    serverNote?: string;
    statuses: Record<string, number>;
  };
}

interface Pool {
  /** Roots of the grading process tree (for the CPU profile). */
  pids: number[];
  submit(ex: Exercise, code: string): Promise<{ id: string; ms?: number }>;
  db: Db;
  stop(): Promise<void>;
  /** Why the graders stopped, if they did (a dead worker would otherwise look like a slow one). */
  failure(): string | undefined;
}

/** 2 `gradlab worker` processes on a fresh data dir. */
async function startWorkers(n: number, log: (s: string) => void): Promise<Pool> {
  const dir = mkdtempSync(join(tmpdir(), "gradlab-bench-queue-"));
  const db = openDb(dir);
  const procs: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  let stopping = false;
  let failure: string | undefined;
  for (let i = 0; i < n; i++) {
    const p = spawn(process.execPath, ["--no-node-snapshot", resolve(ROOT, "bin/gradlab.js"), "worker"], { cwd: ROOT, env: { ...process.env, GRADLAB_DATA_DIR: dir }, stdio: ["ignore", "ignore", "pipe"] });
    procs.push(p);
    ready.push(
      new Promise((res, rej) => {
        let text = "";
        p.stderr!.on("data", (d) => {
          text += d;
          if (/grading from/.test(text)) res();
        });
        p.on("exit", (code) => {
          if (!stopping) failure ??= `a worker exited (${code}): ${text.slice(-800)}`;
          rej(new Error(`worker exited (${code}): ${text.slice(-500)}`));
        });
      }),
    );
  }
  await Promise.all(ready);
  log(`throughput: ${n} workers on ${dir}`);
  return {
    db,
    pids: procs.map((p) => p.pid!),
    submit: async (ex, code) => ({ id: submitCode(db, ex, code, null) }),
    failure: () => failure,
    stop: async () => {
      stopping = true;
      for (const p of procs) p.kill("SIGTERM");
      await Promise.all(procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.on("exit", r)))));
      closeAllDbs();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function apiPool(api: ApiClient): Pool {
  return {
    db: openDb(api.dataDir),
    pids: [api.pid],
    submit: async (ex, code) => api.submit(ex.id, code),
    failure: () => undefined,
    stop: async () => closeAllDbs(),
  };
}

type Row = { id: string; createdAt: Date; startedAt: Date | null; finishedAt: Date | null; verdict: string | null; durationMs: number | null };

/** The submissions' rows, read once they are all done (of each result only its duration: SQLite reads it, not JSON.parse here). */
function rows(db: Db, ids: string[]): Row[] {
  const out: Row[] = [];
  const durationMs = sql<number | null>`json_extract(${submissions.result}, '$.durationMs')`;
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const select = { id: submissions.id, createdAt: submissions.createdAt, startedAt: submissions.startedAt, finishedAt: submissions.finishedAt, verdict: submissions.verdict, durationMs };
    out.push(...db.select(select).from(submissions).where(inArray(submissions.id, part)).all());
  }
  return out;
}

/**
 * The ids among `ids` not finished yet, and how many of those have not started: one raw SQL read
 * of only the still-pending rows. Through drizzle, reading all the ids' rows every 100 ms cost this
 * process ~1.6 ms a poll (~1 ms a verdict in the burst, CPU taken from the graders); this ~0.05 ms.
 */
function pendingRows(db: Db, ids: string[]): { pending: string[]; queued: number } {
  const pending: string[] = [];
  let queued = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const query = `SELECT id, started_at IS NULL FROM submissions WHERE finished_at IS NULL AND id IN (${part.map(() => "?").join(",")})`;
    for (const [id, notStarted] of db.$client.prepare(query).raw().all(...part) as [string, number][]) {
      pending.push(id);
      if (notStarted) queued++;
    }
  }
  return { pending, queued };
}

async function waitAll(pool: Pool, ids: string[], timeoutMs: number, onTick?: (queued: number) => void): Promise<Row[]> {
  const end = Date.now() + timeoutMs;
  const db = pool.db;
  let left = ids;
  for (;;) {
    const failed = pool.failure();
    if (failed) throw new Error(failed);
    const { pending, queued } = pendingRows(db, left);
    left = pending;
    onTick?.(queued);
    if (left.length === 0) {
      const rs = rows(db, ids);
      if (rs.length !== ids.length) throw new Error(`${ids.length - rs.length} of ${ids.length} submissions are missing from the database`);
      return rs;
    }
    if (Date.now() > end) throw new Error(`${left.length} of ${ids.length} submissions not graded after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

const count = (rs: Row[]) => rs.reduce<Record<string, number>>((m, r) => ((m[r.verdict ?? "?"] = (m[r.verdict ?? "?"] ?? 0) + 1), m), {});

/** The submission mix: correct and wrong variants across exercises (70% correct). */
export function submissionMix(exercises: Exercise[], n: number): { ex: Exercise; code: string }[] {
  const pool = exercises.flatMap((ex) => {
    const sol = readFileSync(ex.files.solution, "utf8");
    const wrong = ex.files.wrong.map((f) => readFileSync(f, "utf8"));
    return { ex, sol, wrong };
  });
  const out: { ex: Exercise; code: string }[] = [];
  for (let i = 0; i < n; i++) {
    const p = pool[i % pool.length]!;
    const correct = i % 10 < 7 || p.wrong.length === 0;
    // Each submission differs (a comment), as real ones do: no cache can serve it verbatim.
    const code = (correct ? p.sol : p.wrong[i % p.wrong.length]!) + `\n// submission ${i}\n`;
    out.push({ ex: p.ex, code });
  }
  return out;
}

export async function throughputBench(opts: {
  exercises: Exercise[];
  burst: number;
  surge: number;
  windowS: number;
  workers: number;
  api: ApiClient | null;
  log: (s: string) => void;
  /** GRADLAB_PROFILE_LOG of the workers (per-verdict CPU by phase), if set. */
  profileLog?: string;
}): Promise<ThroughputReport> {
  const pool = opts.api ? apiPool(opts.api) : await startWorkers(opts.workers, opts.log);
  try {
    // Warm-up: every worker has graded each exercise once (they are long-lived).
    const warm = submissionMix(opts.exercises, opts.exercises.length * opts.workers);
    const warmIds = [];
    for (const s of warm) warmIds.push((await pool.submit(s.ex, s.code)).id);
    await waitAll(pool, warmIds, 300_000);

    const loadBurst = loadavg()[0]!;

    // Burst: N at once.
    const burst = submissionMix(opts.exercises, opts.burst);
    const t0 = Date.now();
    const burstCpu0 = process.cpuUsage();
    const ids: string[] = [];
    for (const s of burst) ids.push((await pool.submit(s.ex, s.code)).id);
    const rs = await waitAll(pool, ids, 600_000);
    const burstClientMs = cpuMs(process.cpuUsage(burstCpu0));
    const first = Math.min(...rs.map((r) => r.createdAt.getTime()));
    const last = Math.max(...rs.map((r) => r.finishedAt!.getTime()));
    const wallS = (last - Math.min(first, t0)) / 1000;
    const burstReport = {
      submissions: ids.length,
      wallS: round(wallS, 2),
      verdict: summarize(rs.map((r) => r.finishedAt!.getTime() - r.createdAt.getTime())),
      queueWait: summarize(rs.map((r) => r.startedAt!.getTime() - r.createdAt.getTime())),
      grading: summarize(rs.map((r) => r.durationMs ?? NaN).filter(Number.isFinite)),
      statuses: count(rs),
    };
    opts.log(`throughput: burst of ${ids.length} in ${wallS.toFixed(1)} s → ${(ids.length / wallS).toFixed(2)} verdicts/s`);
    // The burst's own submissions in process (the same exercises, solutions and wrong variants in the
    // same proportions), right after it: this VM's CPU speed drifts over minutes (the same grades
    // measured 35-61 ms a verdict minutes apart), so both halves of efficiency are taken together.
    // What the in-process grades leave behind is collected during the surge, which is arrival-bound.
    const inProcessMs = await inProcessMeanMs(burst);

    // Surge: arrivals ramp up linearly toward the deadline (density ∝ t): t_i = W·sqrt(i/N).
    const surge = submissionMix(opts.exercises, opts.surge);
    const W = opts.windowS * 1000;
    const postMs: number[] = [];
    const getMs: number[] = [];
    const surgeIds: string[] = [];
    if (opts.profileLog) writeFileSync(opts.profileLog, "");
    const surgeCpu0 = process.cpuUsage();
    const sampler = sampleTree(pool.pids);
    const s0 = performance.now();
    let maxQueue = 0;
    let polling = true;
    // Each submission's learner waits for its verdict as the exercise page does
    // (app/_components/wait-for-verdict.ts: a long poll with the status it knows, asked again on each change).
    const answeredAt = new Map<string, number>();
    let waitRequests = 0;
    const learnerWaits: Promise<void>[] = [];
    const learnerWait = async (api: ApiClient, id: string) => {
      let known = "queued";
      for (;;) {
        const r = await api.wait(id, known);
        waitRequests++;
        if (r.status === "done") return void answeredAt.set(id, Date.now());
        known = r.status;
      }
    };
    // Meanwhile another page's request (the latest submission's GET, every 500 ms): the server's responsiveness.
    const poller = (async () => {
      if (!opts.api) return;
      while (polling) {
        const id = surgeIds[surgeIds.length - 1];
        if (id) getMs.push((await opts.api.get(id)).ms);
        await sleep(500);
      }
    })();
    const posts: Promise<void>[] = [];
    for (let i = 0; i < surge.length; i++) {
      const at = W * Math.sqrt((i + 1) / surge.length);
      const wait = at - (performance.now() - s0);
      if (wait > 0) await sleep(wait);
      const s = surge[i]!;
      posts.push(
        pool.submit(s.ex, s.code).then((r) => {
          surgeIds.push(r.id);
          if (r.ms !== undefined) postMs.push(r.ms);
          if (opts.api) learnerWaits.push(learnerWait(opts.api, r.id));
        }),
      );
    }
    await Promise.all(posts);
    const lastArrival = performance.now();
    const srs = await waitAll(pool, surgeIds, 900_000, (q) => (maxQueue = Math.max(maxQueue, q)));
    await Promise.all(learnerWaits);
    polling = false;
    await poller;
    const cpu = sampler.stop();
    const surgeClientMs = cpuMs(process.cpuUsage(surgeCpu0)) - (cpu.samplingMs ?? 0);
    const loadSurgeEnd = loadavg()[0]!;
    // A sandbox child's start-up alone, after the surge (what it leaves behind is collected later).
    const startUpMs = await sandboxSetupCpuMs(opts.exercises[0]!, 5);
    opts.log(`throughput: in process ${inProcessMs.toFixed(1)} ms a verdict; a sandbox child's start-up ${startUpMs.toFixed(0)} ms CPU`);
    const perVerdict = verdictBreakdown(cpu, opts.profileLog, srs.length, startUpMs, inProcessMs);
    const cores = cpus().length;
    const vps = ids.length / wallS;
    const sFirst = Math.min(...srs.map((r) => r.createdAt.getTime()));
    const sLastArr = Math.max(...srs.map((r) => r.createdAt.getTime()));
    const sLast = Math.max(...srs.map((r) => r.finishedAt!.getTime()));
    void lastArrival;
    // How long after its verdict was stored each learner's long poll answered (the server's part of "my verdict is ready").
    const verdictDelayMs = srs.flatMap((r) => (answeredAt.has(r.id) ? [answeredAt.get(r.id)! - r.finishedAt!.getTime()] : []));
    const server = opts.api
      ? { post: summarize(postMs), get: summarize(getMs), verdictDelay: summarize(verdictDelayMs), waitRequestsPerVerdict: round(waitRequests / Math.max(1, srs.length), 2), all: summarize([...postMs, ...getMs, ...verdictDelayMs]) }
      : null;
    opts.log(`throughput: surge of ${srs.length} over ${opts.windowS} s; last verdict ${((sLast - sFirst) / 1000).toFixed(1)} s after the first arrival`);
    return {
      note:
        `Queue + ${opts.workers} worker processes (${opts.api ? "started by `gradlab start`, submissions POSTed to the API" : "`gradlab worker`, submissions stored with submitCode"}), warmed up first. ` +
        `Mix: ${opts.exercises.map((e) => e.id).join(", ")}; 70% correct solutions, 30% wrong/ variants; each submission's code is distinct. ` +
        `verdictsPerSecond = burst submissions / (last verdict − first queued). Surge arrivals ramp up linearly toward the deadline.`,
      via: opts.api ? "api" : "queue",
      workers: opts.workers,
      verdictsPerSecond: round(vps, 2),
      efficiency: round((vps * inProcessMs) / (cores * 1000), 3),
      inProcessMs: round(inProcessMs, 1),
      cores,
      loadAverage: { burst: round(loadBurst, 2), surgeEnd: round(loadSurgeEnd, 2) },
      perVerdict,
      client: { burst: round(burstClientMs / ids.length, 1), surge: round(surgeClientMs / Math.max(1, srs.length), 1), surgeSampling: round((cpu.samplingMs ?? 0) / Math.max(1, srs.length), 1) },
      burst: burstReport,
      surge: {
        submissions: srs.length,
        windowS: opts.windowS,
        compressed: opts.windowS < 60 ? `a one-minute deadline surge compressed into ${opts.windowS} s (${(60 / opts.windowS).toFixed(1)}x the arrival rate)` : "not compressed",
        lastVerdictS: round((sLast - sFirst) / 1000, 2),
        drainAfterLastArrivalS: round((sLast - sLastArr) / 1000, 2),
        queueWait: summarize(srs.map((r) => r.startedAt!.getTime() - r.createdAt.getTime())),
        verdict: summarize(srs.map((r) => r.finishedAt!.getTime() - r.createdAt.getTime())),
        maxQueueLength: maxQueue,
        serverP99Ms: server ? server.all.p99 : null,
        server,
        ...(server ? {} : { serverNote: "no web server in this run: submissions were stored directly with submitCode" }),
        statuses: count(srs),
      },
    };
  } finally {
    await pool.stop();
  }
}
