/**
 * The grading queue as an admin sees it (GET /api/admin/queue, the /admin/queue page): depth and
 * jobs per state, the workers seen with their host, version and last heartbeat, and the last
 * hour's throughput and queue waits. The web server's own job records (grading_jobs) answer for
 * either queue; on PostgreSQL (GRADLAB_QUEUE_URL) the engine adds its own counts and the worker
 * registry (pg-boss's instances).
 */
import { and, gte, isNotNull, sql } from "drizzle-orm";
import { readFileSync } from "node:fs";
import { gradingJobs } from "../db/schema.ts";
import type { PgBossQueue } from "../grader/queue/pgboss-queue.ts";
import { instanceName, queueSchema, queueUrl } from "../grader/queue/queue-from-env.ts";
import type { QueueStats } from "../grader/queue/queue.ts";
import { text } from "../lib/i18n/server-text.ts";
import { db, getCatalogue, HttpError, type SessionUser } from "./context.ts";

export interface WorkerSeen {
  name: string;
  host: string;
  /** The GradLab version and the exercises' hash it grades with (pg-boss); null when unknown. */
  version: string | null;
  lastHeartbeat: string;
  live: boolean;
}

export interface QueueStatus {
  engine: "sqlite" | "pg-boss";
  /** Jobs waiting for a worker. */
  depth: number;
  /** The web server's record of every job, per state. */
  jobs: QueueStats;
  /** The engine's own counts (pg-boss only). */
  engineJobs: QueueStats | null;
  workers: WorkerSeen[];
  lastHour: {
    verdicts: number;
    verdictsPerMinute: number;
    failed: number;
    /** Stored → taken by a worker, for jobs started in the last hour (ms). */
    queueWaitMs: { p50: number | null; p95: number | null; max: number | null; n: number };
  };
  generatedAt: string;
}

let engine: Promise<PgBossQueue> | undefined;

/** A connection of this web process to the engine, for reading (no database: it takes nothing in). */
async function engineQueue(url: string): Promise<PgBossQueue> {
  engine ??= (async () => {
    const { PgBossQueue } = await import("../grader/queue/pgboss-queue.ts");
    const cat = await getCatalogue();
    return PgBossQueue.connect({ url, schema: queueSchema(), poolSize: 1, instanceName: instanceName("web", cat.exercises.map((e) => e.version)) });
  })();
  engine.catch(() => (engine = undefined));
  return engine;
}

function pct(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

export async function queueStatus(user: SessionUser, now = Date.now()): Promise<QueueStatus> {
  if (user.role !== "admin") throw new HttpError(403, text("errors.admin.queueOnlyAdmins"));
  const jobs: QueueStats = { queued: 0, leased: 0, done: 0, failed: 0 };
  for (const r of db.select({ state: gradingJobs.state, n: sql<number>`count(*)` }).from(gradingJobs).groupBy(gradingJobs.state).all()) jobs[r.state] = r.n;
  const hourAgo = new Date(now - 3_600_000);
  const finished = db.select({ state: gradingJobs.state, n: sql<number>`count(*)` }).from(gradingJobs).where(and(isNotNull(gradingJobs.finishedAt), gte(gradingJobs.finishedAt, hourAgo))).groupBy(gradingJobs.state).all();
  const verdicts = finished.find((r) => r.state === "done")?.n ?? 0;
  const waits = db
    .select({ queuedAt: gradingJobs.queuedAt, startedAt: gradingJobs.startedAt })
    .from(gradingJobs)
    .where(and(isNotNull(gradingJobs.startedAt), gte(gradingJobs.startedAt, hourAgo)))
    .all()
    .map((r) => r.startedAt!.getTime() - r.queuedAt.getTime())
    .sort((a, b) => a - b);
  const lastHour = {
    verdicts,
    verdictsPerMinute: Math.round((verdicts / 60) * 100) / 100,
    failed: finished.find((r) => r.state === "failed")?.n ?? 0,
    queueWaitMs: { p50: pct(waits, 50), p95: pct(waits, 95), max: waits.at(-1) ?? null, n: waits.length },
  };
  const url = queueUrl();
  if (!url) {
    // SQLite: the workers are the lease owners seen in the last hour (id host:pid:random).
    const seen = db
      .select({ owner: gradingJobs.leaseOwner, last: sql<number>`max(${gradingJobs.startedAt})` })
      .from(gradingJobs)
      .where(and(isNotNull(gradingJobs.leaseOwner), gte(gradingJobs.startedAt, hourAgo)))
      .groupBy(gradingJobs.leaseOwner)
      .all();
    const workers = seen.map((w) => ({ name: w.owner!, host: w.owner!.split(":")[0] ?? "", version: `gradlab-${PACKAGE_VERSION}`, lastHeartbeat: new Date(Number(w.last)).toISOString(), live: now - Number(w.last) < 60_000 }));
    return { engine: "sqlite", depth: jobs.queued, jobs, engineJobs: null, workers, lastHour, generatedAt: new Date(now).toISOString() };
  }
  const q = await engineQueue(url);
  const [engineJobs, instances] = await Promise.all([q.stats(), q.instances()]);
  const workers = instances
    .filter((i) => i.name.startsWith("worker "))
    .map((i) => ({ name: i.name, host: i.host, version: i.name.split(" ").slice(2).join(" ") || null, lastHeartbeat: i.heartbeatOn.toISOString(), live: i.live }));
  return { engine: "pg-boss", depth: engineJobs.queued, jobs, engineJobs, workers, lastHour, generatedAt: new Date(now).toISOString() };
}
