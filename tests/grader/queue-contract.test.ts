// The GradingQueue contract (queue-contract.ts) run against the SQLite queue, on a real SQLite file;
// and submissions and regrades entering grading only through the queue they are given.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { closeAllDbs, openDb, type Db } from "../../db/client.ts";
import { gradingJobs, submissions } from "../../db/schema.ts";
import type { NewJob } from "../../grader/queue/queue.ts";
import { SqliteQueue, type SqliteTx } from "../../grader/queue/sqlite-queue.ts";
import { gradingHistory, queueRegrade, selectSubmission, submissionStatus, submitCode, type SqliteIntake } from "../../grader/submissions.ts";
import type { GradeResult } from "../../lib/result.ts";
import { exercise } from "../helpers.ts";
import { CONTRACT_EXERCISE, queueContract } from "./queue-contract.ts";

const freshDb = (): Db => openDb(mkdtempSync(join(tmpdir(), "gradlab-qc-")));

queueContract<SqliteTx>("SqliteQueue", (opts) => {
  let now = 1_000_000;
  const db = freshDb();
  const queue = new SqliteQueue(db, () => now, opts);
  let n = 0;
  return {
    queue,
    maxAttempts: 3, // grading_jobs.max_attempts' default
    leaseMs: 1_000,
    tick: (ms) => void (now += ms),
    transaction: async (fn) =>
      db.transaction((tx) => {
        const r = fn(tx);
        if (r instanceof Promise) throw new Error("SQLite transactions are synchronous: the body must not return a promise");
        return r;
      }, { behavior: "immediate" }),
    storeSubmission: (tx, userId) => {
      const id = `s${++n}`;
      tx.insert(submissions).values({ id, userId, exerciseId: CONTRACT_EXERCISE.id, exerciseVersion: "v1", code: "x", hiddenSeed: "0123456789abcdef", createdAt: new Date(now) }).run();
      return id;
    },
    submission: async (id) => {
      const row = selectSubmission(db, id);
      return { status: submissionStatus(row), score: row.score, maxScore: row.maxScore, verdict: row.verdict, message: (row.result as GradeResult | null)?.message };
    },
    history: async (id) => gradingHistory(db, id).map((h) => ({ kind: h.kind, score: h.score, verdict: h.verdict, applied: h.applied })),
    close: () => closeAllDbs(),
  };
});

/** The database's own queue, recording each call and whether it came inside a transaction. */
function spyQueue(db: Db) {
  const inner = new SqliteQueue(db);
  const calls: { op: "enqueue" | "waiting"; job?: NewJob; inTransaction: boolean }[] = [];
  const intake: SqliteIntake = {
    enqueue: (tx, job) => {
      calls.push({ op: "enqueue", job, inTransaction: db.$client.inTransaction });
      inner.enqueue(tx, job);
    },
    waiting: (tx, userId) => {
      calls.push({ op: "waiting", inTransaction: db.$client.inTransaction });
      return inner.waiting(tx, userId);
    },
  };
  return { intake, calls };
}

describe("submissions and regrades enter grading through the queue", () => {
  afterEach(() => closeAllDbs());

  it("submitCode checks the intake cap and queues the job through the queue, inside the transaction that stores the submission", async () => {
    const db = freshDb();
    const { intake, calls } = spyQueue(db);
    const id = submitCode(db, await exercise("dense"), "export const x = 1;", "u1", intake);
    expect(calls).toEqual([
      { op: "waiting", inTransaction: true },
      { op: "enqueue", job: { submissionId: id, userId: "u1" }, inTransaction: true },
    ]);
    expect(db.select({ userId: gradingJobs.userId, kind: gradingJobs.kind }).from(gradingJobs).where(eq(gradingJobs.submissionId, id)).all()).toEqual([{ userId: "u1", kind: "grade" }]);
  });

  it("a queue that refuses the job leaves no submission behind (stored atomically)", async () => {
    const db = freshDb();
    const refusing: SqliteIntake = { waiting: () => 0, enqueue: () => { throw new Error("queue unavailable"); } };
    const ex = await exercise("dense");
    expect(() => submitCode(db, ex, "x", "u1", refusing)).toThrow("queue unavailable");
    expect(db.select().from(submissions).all()).toEqual([]);
  });

  it("queueRegrade queues one regrade job per graded submission through the queue, with the batch and allowLower", async () => {
    const db = freshDb();
    const ex = await exercise("dense");
    const queue = new SqliteQueue(db);
    const graded = submitCode(db, ex, "a", "u1");
    queue.complete(queue.lease("w1", 10_000)!, { exercise: "dense", score: 5, maxScore: 10, status: "failed", tests: [], stdout: "", durationMs: 1 });
    submitCode(db, ex, "b", "u2"); // not graded yet: left alone
    const { intake, calls } = spyQueue(db);
    const { batchId, total } = queueRegrade(db, { exerciseId: "dense", allowLower: true }, intake);
    expect(total).toBe(1);
    expect(calls).toEqual([{ op: "enqueue", job: { submissionId: graded, userId: "u1", kind: "regrade", allowLower: true, batchId }, inTransaction: true }]);
  });
});

describe("the queue is the only way into grading jobs", () => {
  it("no source file outside grader/queue/ inserts grading_jobs rows", () => {
    const roots = ["app", "bench", "bin", "cli", "db", "grader", "lib", "server", "scripts"].filter((d) => existsSync(d));
    const writers = roots
      .flatMap((d) => readdirSync(d, { recursive: true, encoding: "utf8" }).map((f) => `${d}/${f}`))
      .filter((f) => /\.(ts|tsx)$/.test(f) && !f.startsWith("grader/queue/"))
      .filter((f) => /insert\(\s*gradingJobs\s*\)|insert\s+into\s+[`"']?grading_jobs/i.test(readFileSync(f, "utf8")));
    expect(writers).toEqual([]);
  });
});
