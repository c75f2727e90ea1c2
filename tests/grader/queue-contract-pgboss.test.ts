// The GradingQueue contract (queue-contract.ts) run against the pg-boss queue, on a real PostgreSQL
// (GRADLAB_TEST_PG_URL, see tests/scale/pg.ts) and a real SQLite file for the web server's side.
// Time is pg-boss's TestClock: PostgreSQL and the queue read the same fake "now".
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { TestClock } from "pg-boss";
import { closeAllDbs, openDb } from "../../db/client.ts";
import { assignments, courses, submissionCourses, submissions } from "../../db/schema.ts";
import { deadlineUrgency, jobPriority } from "../../grader/queue/pgboss-engine.ts";
import { PgBossQueue } from "../../grader/queue/pgboss-queue.ts";
import type { SqliteTx } from "../../grader/queue/sqlite-queue.ts";
import { gradingHistory, selectSubmission, submissionStatus } from "../../grader/submissions.ts";
import type { GradeResult } from "../../lib/result.ts";
import { describeWithPostgres, freshSchema } from "../scale/pg.ts";
import { CONTRACT_EXERCISE, queueContract } from "./queue-contract.ts";

describeWithPostgres("pg-boss queue", (url) => {
  queueContract<SqliteTx>("PgBossQueue", async (opts) => {
    const clock = new TestClock(Date.now());
    const db = openDb(mkdtempSync(join(tmpdir(), "gradlab-qc-pg-")));
    const leaseMs = 20_000; // pg-boss heartbeats: at least 10 s
    const queue = await PgBossQueue.connect({ url, schema: freshSchema("qc"), clock, db, leaseMs, maxAttempts: 3, reapEveryMs: 0, poolSize: 2, now: () => clock.now(), ...opts });
    let n = 0;
    return {
      queue,
      maxAttempts: 3,
      leaseMs,
      tick: (ms) => clock.tick(ms),
      // The web server's transaction, then what follows its commit: the relay sends the job.
      transaction: async (fn) => {
        const r = db.transaction((tx) => {
          const out = fn(tx);
          if (out instanceof Promise) throw new Error("SQLite transactions are synchronous: the body must not return a promise");
          return out;
        }, { behavior: "immediate" });
        await queue.sync();
        return r;
      },
      storeSubmission: (tx, userId) => {
        const id = `s${++n}-${Math.random().toString(36).slice(2)}`;
        tx.insert(submissions).values({ id, userId, exerciseId: CONTRACT_EXERCISE.id, exerciseVersion: "v1", code: "x", hiddenSeed: "0123456789abcdef", createdAt: new Date(clock.now()) }).run();
        return id;
      },
      // What the web server shows once its relay has synced with the engine.
      submission: async (id) => {
        await queue.sync();
        const row = selectSubmission(db, id);
        return { status: submissionStatus(row), score: row.score, maxScore: row.maxScore, verdict: row.verdict, message: (row.result as GradeResult | null)?.message };
      },
      history: async (id) => {
        await queue.sync();
        return gradingHistory(db, id).map((h) => ({ kind: h.kind, score: h.score, verdict: h.verdict, applied: h.applied }));
      },
      close: async () => {
        await queue.close();
        closeAllDbs();
      },
    };
  });
});

describeWithPostgres("pg-boss queue: deadlines and fair share on the engine", (url) => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const q of open.splice(0)) await q.close();
    closeAllDbs();
  });

  async function setUp(maxRunningPerLearner = 1) {
    const db = openDb(mkdtempSync(join(tmpdir(), "gradlab-qc-pg-")));
    const queue = await PgBossQueue.connect({ url, schema: freshSchema("qd"), db, maxRunningPerLearner, reapEveryMs: 0, poolSize: 2 });
    open.push(queue);
    const now = Date.now();
    db.insert(courses).values({ id: "c1", title: "Course", timeZone: "UTC", createdAt: new Date(now) }).run();
    db.insert(assignments).values({ id: "due-soon", courseId: "c1", title: "Due in 30 minutes", exerciseIds: [CONTRACT_EXERCISE.id], dueAt: new Date(now + 30 * 60_000), latePolicy: { kind: "none" }, createdAt: new Date(now) }).run();
    let n = 0;
    const owner = new Map<string, string>();
    /** A submission of `userId`, in the course (whose assignment is due soon) or not. */
    const submit = async (userId: string, inCourse: boolean) => {
      const id = `s${++n}-${Math.random().toString(36).slice(2)}`;
      db.transaction((tx) => {
        tx.insert(submissions).values({ id, userId, exerciseId: CONTRACT_EXERCISE.id, exerciseVersion: "v1", code: "x", hiddenSeed: "0123456789abcdef", createdAt: new Date() }).run();
        if (inCourse) tx.insert(submissionCourses).values({ submissionId: id, courseId: "c1" }).run();
        queue.enqueue(tx, { submissionId: id, userId });
      });
      owner.set(id, userId);
      await queue.sync();
      return id;
    };
    const who = async (workerId: string) => {
      const job = await queue.lease(workerId);
      return job ? owner.get(job.submissionId) : undefined;
    };
    return { submit, who };
  }

  it("a submission for an assignment due soon goes before older ones without a deadline", async () => {
    const { submit, who } = await setUp();
    await submit("early", false);
    await submit("deadline", true);
    expect(await who("w1")).toBe("deadline");
    expect(await who("w2")).toBe("early");
  });

  it("fair share holds over urgency: a learner at k running jobs waits while another learner's job is queued", async () => {
    const { submit, who } = await setUp(1);
    await submit("hog", true);
    await submit("hog", true);
    await submit("other", false);
    expect(await who("w1")).toBe("hog");
    expect(await who("w2")).toBe("other"); // hog's second job is more urgent, but hog already has k=1 running
    expect(await who("w3")).toBe("hog"); // nobody else waits: an idle worker takes it
  });

  it("priorities: live before regrades, then deadlines, then each learner's place in line", () => {
    expect(jobPriority({ kind: "grade", rank: 50, dueInMs: null })).toBeGreaterThan(jobPriority({ kind: "regrade", rank: 0, dueInMs: 60_000 }));
    expect(jobPriority({ kind: "grade", rank: 3, dueInMs: 30 * 60_000 })).toBeGreaterThan(jobPriority({ kind: "grade", rank: 0, dueInMs: 48 * 3_600_000 }));
    expect(jobPriority({ kind: "grade", rank: 0, dueInMs: null })).toBeGreaterThan(jobPriority({ kind: "grade", rank: 1, dueInMs: null }));
    expect(deadlineUrgency(-1)).toBe(0);
    expect([0.5, 2, 6, 20, 48, 100, 500].map((h) => deadlineUrgency(h * 3_600_000))).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });
});
