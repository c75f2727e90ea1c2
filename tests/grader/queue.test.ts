// The durable queue: leases, heartbeats, lost leases, reaping, bounded attempts — on a real SQLite file.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import Database from "better-sqlite3";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeAllDbs, openDb } from "../../db/client.ts";
import { SqliteQueue } from "../../grader/queue/sqlite-queue.ts";
import { gradingHistory, QueueFullError, queueRegrade, regradeProgress, selectSubmission, submissionStatus, submitCode } from "../../grader/submissions.ts";
import type { GradeResult } from "../../lib/result.ts";
import { exercise } from "../helpers.ts";

const result = (score: number, version = "v1"): GradeResult => ({ exercise: "dense", score, maxScore: 10, status: score === 10 ? "passed" : "failed", tests: [], stdout: "", durationMs: 1, version });

function fresh() {
  let now = 1_000_000;
  const db = openDb(mkdtempSync(join(tmpdir(), "gradlab-q-")));
  const queue = new SqliteQueue(db, () => now);
  return { db, queue, tick: (ms: number) => (now += ms) };
}

afterEach(() => closeAllDbs());

describe("SqliteQueue", () => {
  it("stores the submission before queueing it, and derives status from timestamps", async () => {
    const { db, queue } = fresh();
    const id = submitCode(db, await exercise("dense"), "export const x = 1;", "u1");
    const row = selectSubmission(db, id);
    expect(row).toMatchObject({ code: "export const x = 1;", userId: "u1", exerciseId: "dense" });
    expect(row.hiddenSeed).toMatch(/^[0-9a-f]{16}$/);
    expect(submissionStatus(row)).toBe("queued");
    const job = queue.lease("w1", 10_000)!;
    expect(job.submissionId).toBe(id);
    expect(submissionStatus(selectSubmission(db, id))).toBe("running");
    expect(queue.complete(job, result(7))).toBe(true);
    const done = selectSubmission(db, id);
    expect(submissionStatus(done)).toBe("done");
    expect(done).toMatchObject({ score: 7, maxScore: 10, verdict: "failed" });
    expect((done.result as GradeResult).score).toBe(7);
  });

  it("stores a verdict's rows as drizzle reads them back: the result whole, times, applied, the job", async () => {
    const { db, queue, tick } = fresh();
    const id = submitCode(db, await exercise("dense"), "export const x = 1;", "u1");
    const job = queue.lease("w1", 10_000)!;
    const at = tick(2_500);
    const full: GradeResult = { ...result(10), tests: [{ name: "shape", passed: true, message: "ok — 形状正确", points: 10, maxPoints: 10 } as never], stdout: "line 1\n\"quoted\"" };
    expect(queue.complete(job, full)).toBe(true);
    const done = selectSubmission(db, id);
    expect(done).toMatchObject({ score: 10, maxScore: 10, verdict: "passed" });
    expect(done.finishedAt).toEqual(new Date(at));
    expect(done.result).toEqual(full);
    const [h] = gradingHistory(db, id);
    expect(h).toMatchObject({ submissionId: id, jobId: job.jobId, kind: "grade", exerciseVersion: "v1", score: 10, maxScore: 10, verdict: "passed", applied: true });
    expect(h!.gradedAt).toEqual(new Date(at));
    expect(h!.result).toEqual(full);
  });

  it("never leases one job twice, and serves jobs in order", async () => {
    const { db, queue } = fresh();
    const ex = await exercise("dense");
    const ids = [submitCode(db, ex, "a", null), submitCode(db, ex, "b", null)];
    const a = queue.lease("w1", 10_000)!;
    const b = queue.lease("w2", 10_000)!;
    expect([a.submissionId, b.submissionId]).toEqual(ids);
    expect(queue.lease("w3", 10_000)).toBeUndefined();
  });

  it("requeues a job whose worker stopped heartbeating; the old worker's late verdict is refused", async () => {
    const { db, queue, tick } = fresh();
    const id = submitCode(db, await exercise("dense"), "a", null);
    const first = queue.lease("dead-worker", 1_000)!;
    tick(500);
    expect(queue.heartbeat(first, 1_000)).toBe(true);
    tick(2_000);
    expect(queue.reapExpired()).toBe(1);
    const second = queue.lease("w2", 1_000)!;
    expect(second).toMatchObject({ submissionId: id, attempt: 2 });
    expect(queue.heartbeat(first, 1_000)).toBe(false);
    expect(queue.complete(first, result(0))).toBe(false);
    expect(queue.complete(second, result(10))).toBe(true);
    expect(selectSubmission(db, id)).toMatchObject({ score: 10, verdict: "passed" });
    expect(queue.stats()).toMatchObject({ done: 1, queued: 0, leased: 0 });
  });

  it("gives a clear error verdict after the maximum number of attempts instead of hanging", async () => {
    const { db, queue, tick } = fresh();
    const id = submitCode(db, await exercise("dense"), "a", null);
    for (let i = 0; i < 3; i++) {
      expect(queue.lease(`w${i}`, 100)).toBeDefined();
      tick(1_000);
      queue.reapExpired();
    }
    expect(queue.lease("w9", 100)).toBeUndefined();
    const row = selectSubmission(db, id);
    expect(submissionStatus(row)).toBe("done");
    expect(row.verdict).toBe("error");
    expect((row.result as GradeResult).message).toMatch(/could not grade this submission after 3 attempts .*stopped responding.*not a verdict on your code/);
    expect(queue.stats()).toMatchObject({ failed: 1 });
  });

  it("a give-up after the learner's code ran counts as an attempt (0 out of the points); one before it ran does not", async () => {
    let now = 1_000_000;
    const db = openDb(mkdtempSync(join(tmpdir(), "gradlab-q-")));
    const queue = new SqliteQueue(db, () => now, { pointsOf: (id) => (id === "dense" ? 10 : undefined) });
    const ex = await exercise("dense");
    const stalled = submitCode(db, ex, "a", "u1");
    for (let i = 0; i < 3; i++) {
      queue.lease(`w${i}`, 100);
      now += 1_000;
      queue.reapExpired();
    }
    expect(selectSubmission(db, stalled)).toMatchObject({ verdict: "error", score: 0, maxScore: 10 });
    expect((selectSubmission(db, stalled).result as GradeResult).message).toMatch(/after 3 attempts: grading stopped each time while your code was being graded.*counts as an attempt/);
    const ours = submitCode(db, ex, "b", "u2");
    for (let i = 0; i < 3; i++) queue.fail(queue.lease("w", 100)!, "exercise dense no longer loads", { beforeLearnerCode: true });
    expect(selectSubmission(db, ours)).toMatchObject({ verdict: "error", maxScore: 0 });
    expect((selectSubmission(db, ours).result as GradeResult).message).toMatch(/costs you no attempt/);
  });

  it("retries an attempt that failed on the grader's side", async () => {
    const { db, queue } = fresh();
    submitCode(db, await exercise("dense"), "a", null);
    const job = queue.lease("w1", 1_000)!;
    queue.fail(job, "reference engine crashed");
    expect(queue.lease("w2", 1_000)).toMatchObject({ attempt: 2 });
  });
});

describe("SqliteQueue regrades", () => {
  async function graded(score: number, userId = "u1") {
    const env = fresh();
    const id = submitCode(env.db, await exercise("dense"), "a", userId);
    env.queue.complete(env.queue.lease("w1", 10_000)!, result(score, "v1"));
    return { ...env, id };
  }

  it("keeps every verdict with its version; a lower regrade is recorded but not applied", async () => {
    const { db, queue, id } = await graded(7);
    const { batchId, total } = queueRegrade(db, { exerciseId: "dense" });
    expect(total).toBe(1);
    const job = queue.lease("w1", 10_000)!;
    expect(job).toMatchObject({ submissionId: id, kind: "regrade" });
    // The submission stays "done" with its verdict while it is regraded.
    expect(submissionStatus(selectSubmission(db, id))).toBe("done");
    expect(queue.complete(job, result(4, "v2"))).toBe(true);
    expect(selectSubmission(db, id)).toMatchObject({ score: 7 });
    const h = gradingHistory(db, id);
    expect(h.map((r) => [r.kind, r.exerciseVersion, r.score, r.applied])).toEqual([
      ["grade", "v1", 7, true],
      ["regrade", "v2", 4, false],
    ]);
    expect(regradeProgress(db, batchId)).toMatchObject({ total: 1, done: 1, keptHigher: 1, changed: 0, finished: true });
  });

  it("applies a higher regrade, and a lower one when the instructor allows lower scores", async () => {
    const { db, queue, id } = await graded(7);
    queueRegrade(db, { exerciseId: "dense" });
    queue.complete(queue.lease("w1", 10_000)!, result(9, "v2"));
    expect(selectSubmission(db, id)).toMatchObject({ score: 9 });
    expect((selectSubmission(db, id).result as GradeResult).version).toBe("v2");
    const { batchId } = queueRegrade(db, { exerciseId: "dense", allowLower: true });
    queue.complete(queue.lease("w1", 10_000)!, result(2, "v3"));
    expect(selectSubmission(db, id)).toMatchObject({ score: 2 });
    expect(gradingHistory(db, id).map((r) => r.score)).toEqual([7, 9, 2]);
    expect(regradeProgress(db, batchId)).toMatchObject({ changed: 1, keptHigher: 0 });
  });

  it("compares fractions of full marks when the points changed", async () => {
    const { db, queue, id } = await graded(5); // 5/10
    queueRegrade(db, { exerciseId: "dense" });
    queue.complete(queue.lease("w1", 10_000)!, { ...result(6, "v2"), maxScore: 20 }); // 6/20 is lower
    expect(selectSubmission(db, id)).toMatchObject({ score: 5, maxScore: 10 });
  });

  it("regrades one learner only, skips ungraded submissions, and a regrade that cannot grade keeps the verdict", async () => {
    const { db, queue, tick, id } = await graded(7, "u1");
    const ex = await exercise("dense");
    const other = submitCode(db, ex, "b", "u2");
    queue.complete(queue.lease("w1", 10_000)!, result(3));
    submitCode(db, ex, "c", "u1"); // not graded yet
    const { batchId, total } = queueRegrade(db, { exerciseId: "dense", userIds: ["u1"] });
    expect(total).toBe(1);
    // The ungraded one is leased first (its grade job is older).
    queue.complete(queue.lease("w1", 10_000)!, result(1));
    for (let i = 0; i < 3; i++) {
      expect(queue.lease(`w${i}`, 100)).toMatchObject({ submissionId: id, kind: "regrade" });
      tick(1_000);
      queue.reapExpired();
    }
    expect(selectSubmission(db, id)).toMatchObject({ score: 7, verdict: "failed" });
    expect(selectSubmission(db, other)).toMatchObject({ score: 3 });
    expect(gradingHistory(db, id).map((r) => [r.kind, r.verdict, r.applied])).toEqual([
      ["grade", "failed", true],
      ["regrade", "error", false],
    ]);
    expect(regradeProgress(db, batchId)).toMatchObject({ total: 1, failed: 1, finished: true });
  });
});

describe("SqliteQueue fair share (claim order, no timing)", () => {
  // Each lease happens 1 ms after the previous one, so "served longest ago" is well defined.
  function fair(k?: number) {
    let now = 1_000_000;
    const db = openDb(mkdtempSync(join(tmpdir(), "gradlab-qf-")));
    const queue = new SqliteQueue(db, () => now, { maxRunningPerLearner: k });
    const owner = new Map<string, string>();
    const lease = (w: string) => {
      now += 1;
      const job = queue.lease(w, 60_000);
      return job && { job, who: owner.get(job.submissionId)! };
    };
    return { db, queue, owner, lease };
  }

  async function submitAs(env: ReturnType<typeof fair>, who: string, n: number): Promise<string[]> {
    const ex = await exercise("dense");
    return Array.from({ length: n }, () => {
      const id = submitCode(env.db, ex, who, who);
      env.owner.set(id, who);
      return id;
    });
  }

  it("one learner's backlog does not hold up another's submission (not FIFO)", async () => {
    const env = fair();
    await submitAs(env, "hog", 3);
    await submitAs(env, "quiet", 1);
    // Two workers: the hog's first job, then the quiet learner's (the hog is at its share).
    expect(env.lease("w1")!.who).toBe("hog");
    expect(env.lease("w2")!.who).toBe("quiet");
  });

  it("alternates round-robin between learners, oldest-served first", async () => {
    const env = fair();
    await submitAs(env, "a", 3);
    await submitAs(env, "b", 3);
    await submitAs(env, "c", 1);
    const order: string[] = [];
    for (let i = 0; i < 7; i++) {
      const l = env.lease("w1")!;
      order.push(l.who);
      env.queue.complete(l.job, result(10));
    }
    expect(order).toEqual(["a", "b", "c", "a", "b", "a", "b"]);
  });

  it("runs at most k of a learner's jobs while others wait, and uses idle workers when nobody else waits", async () => {
    const env = fair(2);
    await submitAs(env, "hog", 3);
    expect(env.lease("w1")!.who).toBe("hog");
    expect(env.lease("w2")!.who).toBe("hog");
    await submitAs(env, "other", 1);
    // The hog is at k = 2: the other learner goes first.
    expect(env.lease("w3")!.who).toBe("other");
    // Nobody else waits: the hog's third job gets the idle worker (no worker stays idle).
    expect(env.lease("w4")!.who).toBe("hog");
    expect(env.lease("w5")).toBeUndefined();
  });

  it("defaults to one running job per learner while others wait", async () => {
    const env = fair();
    await submitAs(env, "a", 2);
    await submitAs(env, "b", 2);
    expect([1, 2, 3, 4].map((i) => env.lease(`w${i}`)!.who)).toEqual(["a", "b", "a", "b"]);
  });

  it("serves live submissions before regrades, whatever their age", async () => {
    const env = fair();
    const [old] = await submitAs(env, "a", 1);
    env.queue.complete(env.lease("w1")!.job, result(5));
    queueRegrade(env.db, { exerciseId: "dense" });
    await submitAs(env, "b", 1);
    await submitAs(env, "a", 1);
    const first = env.lease("w1")!;
    const second = env.lease("w2")!;
    const third = env.lease("w3")!;
    expect([first.job.kind, second.job.kind, third.job.kind]).toEqual(["grade", "grade", "regrade"]);
    expect(third.job.submissionId).toBe(old);
  });

  it("refuses a learner's submission past the queued cap with a 429-style message, others unaffected", async () => {
    const env = fair();
    await submitAs(env, "hog", 3);
    const ex = await exercise("dense");
    expect(() => submitCode(env.db, ex, "x", "hog")).toThrow(QueueFullError);
    expect(() => submitCode(env.db, ex, "x", "hog")).toThrow(/You have 3 submissions waiting to be graded \(at most 3 at a time\)\. Wait until one has its result/);
    expect(() => submitCode(env.db, ex, "x", "someone-else")).not.toThrow();
    // A finished job frees a place; regrades of the learner's work never count against it.
    env.queue.complete(env.lease("w1")!.job, result(10));
    expect(() => submitCode(env.db, ex, "x", "hog")).not.toThrow();
  });

  it("looks at an empty queue and for expired leases without taking the write lock (idle workers do both every pass)", async () => {
    const { db, queue, tick } = fresh();
    submitCode(db, await exercise("dense"), "a", null);
    const job = queue.lease("w1", 1_000)!;
    // Another process (the web server) holds the write lock: a reap that wanted it would wait, then fail busy.
    db.$client.pragma("busy_timeout = 0");
    const other = new Database(db.$client.name);
    other.exec("BEGIN IMMEDIATE");
    try {
      expect(queue.lease("w2", 1_000)).toBeUndefined();
      expect(queue.reapExpired()).toBe(0);
      tick(2_000);
      expect(() => queue.reapExpired()).toThrow(/locked|busy/i);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(queue.reapExpired()).toBe(1);
    expect(queue.heartbeat(job, 1_000)).toBe(false);
  });
});
