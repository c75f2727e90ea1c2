// The grading queue's status for admins (server/queue-status.ts; GET /api/admin/queue and the
// /admin/queue page): depth, jobs per state, workers seen, the last hour's throughput and waits.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithPostgres, freshSchema } from "./pg.ts";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-queue-status-"));
delete process.env.GRADLAB_QUEUE_URL;
const ctx = await import("../../server/context.ts");
const { queueStatus } = await import("../../server/queue-status.ts");
const { submitCode } = await import("../../grader/submissions.ts");
const { SqliteQueue } = await import("../../grader/queue/sqlite-queue.ts");
const { PgBossQueue } = await import("../../grader/queue/pgboss-queue.ts");
const { instanceName } = await import("../../grader/queue/queue-from-env.ts");
const { exercise } = await import("../helpers.ts");

const admin = { id: "a", email: "admin@example.org", name: "Admin", role: "admin" as const };
const learner = { id: "l", email: "l@example.org", name: "L", role: "learner" as const };

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

describe("queue status (SQLite queue)", () => {
  it("admins see depth, jobs per state, the workers seen and the last hour; anyone else gets a 403", async () => {
    const ex = await exercise("dense");
    const q = new SqliteQueue(ctx.db);
    for (const u of ["u1", "u2", "u3"]) submitCode(ctx.db, ex, "export {}", u);
    const job = q.lease("vm7:1234:abc", 60_000)!;
    q.complete(job, { exercise: "dense", score: 10, maxScore: 10, status: "passed", tests: [], stdout: "", durationMs: 1 });
    q.lease("vm8:99:def", 60_000);
    const s = await queueStatus(admin);
    expect(s).toMatchObject({ engine: "sqlite", depth: 1, jobs: { queued: 1, leased: 1, done: 1, failed: 0 }, engineJobs: null });
    expect(s.lastHour).toMatchObject({ verdicts: 1, failed: 0, queueWaitMs: { n: 2 } });
    expect(s.lastHour.queueWaitMs.p50).toBeGreaterThanOrEqual(0);
    expect(s.workers.map((w) => [w.name, w.host]).sort()).toEqual([["vm7:1234:abc", "vm7"], ["vm8:99:def", "vm8"]]);
    await expect(queueStatus(learner)).rejects.toMatchObject({ status: 403 });
  });
});

describeWithPostgres("queue status (pg-boss queue)", (url) => {
  it("adds the engine's counts and the workers connected to it, with host, version and last heartbeat", async () => {
    const schema = freshSchema("status");
    process.env.GRADLAB_QUEUE_URL = url;
    process.env.GRADLAB_QUEUE_SCHEMA = schema;
    const worker = await PgBossQueue.connect({ url, schema, poolSize: 1, instanceName: instanceName("worker", ["v1", "v2"]) });
    try {
      const s = await queueStatus(admin);
      expect(s.engine).toBe("pg-boss");
      expect(s.engineJobs).toEqual({ queued: 0, leased: 0, done: 0, failed: 0 });
      expect(s.workers).toHaveLength(1);
      expect(s.workers[0]).toMatchObject({ live: true });
      expect(s.workers[0]!.version).toMatch(/^gradlab-\d+\.\d+\.\d+ exercises-[0-9a-f]{10}$/);
      expect(Date.now() - Date.parse(s.workers[0]!.lastHeartbeat)).toBeLessThan(60_000);
    } finally {
      await worker.close();
      delete process.env.GRADLAB_QUEUE_URL;
    }
  });
});
