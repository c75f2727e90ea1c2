/**
 * What every GradingQueue implementation must do, as one suite: call `queueContract(name, create)`
 * with a factory for the implementation and the submission store it joins (SQLite today:
 * queue-contract.test.ts; a PostgreSQL queue runs through the same suite). Every queue call is
 * awaited, so synchronous and asynchronous implementations pass the same tests.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { GradingQueue, JobKind, LeasedJob, NewJob } from "../../grader/queue/queue.ts";
import type { GradeResult } from "../../lib/result.ts";

/** The exercise every contract submission is for, and its points. */
export const CONTRACT_EXERCISE = { id: "dense", points: 10 };

export interface QueueOptions {
  maxRunningPerLearner?: number;
  /** An exercise's points: a give-up after the learner's code ran scores 0 out of them. */
  pointsOf?: (exerciseId: string) => number | undefined;
}

export interface StoredSubmission {
  status: "queued" | "running" | "done";
  score: number | null;
  maxScore: number | null;
  verdict: string | null;
  message: string | undefined;
}

/** A queue, the submission store whose transactions it joins, and the clock it reads. */
export interface QueueUnderTest<Tx> {
  queue: GradingQueue<Tx>;
  /**
   * Run `fn` in one transaction of the store: committed when it returns, rolled back when it
   * throws. `fn` returns a promise only for a store whose transactions are asynchronous.
   */
  transaction<R>(fn: (tx: Tx) => R | Promise<R>): Promise<R>;
  /** Store a submission of CONTRACT_EXERCISE in `tx`, without a job: its id. */
  storeSubmission(tx: Tx, userId: string | null): string | Promise<string>;
  submission(id: string): Promise<StoredSubmission>;
  /** Every verdict stored for the submission, oldest first. */
  history(id: string): Promise<{ kind: JobKind; score: number; verdict: string; applied: boolean }[]>;
  /** Move the queue's clock on by `ms`. */
  tick(ms: number): void | Promise<void>;
  /** Attempts before the queue gives up on a job. */
  maxAttempts: number;
  /**
   * The lease the tests take (and heartbeat): the times below are fractions and multiples of it.
   * An engine that fixes the lease per job (pg-boss: heartbeatSeconds, at least 10 s) uses its own.
   */
  leaseMs: number;
  close?(): void | Promise<void>;
}

export type QueueFactory<Tx> = (opts: QueueOptions) => QueueUnderTest<Tx> | Promise<QueueUnderTest<Tx>>;

/** `f(a)`, after `a` when it is a promise: lets one transaction body serve sync and async stores. */
function then<A, B>(a: A | Promise<A>, f: (a: A) => B | Promise<B>): B | Promise<B> {
  return a instanceof Promise ? a.then(f) : f(a);
}

const verdict = (score: number, version = "v1"): GradeResult => ({
  exercise: CONTRACT_EXERCISE.id,
  score,
  maxScore: CONTRACT_EXERCISE.points,
  status: score === CONTRACT_EXERCISE.points ? "passed" : "failed",
  tests: [],
  stdout: "",
  durationMs: 1,
  version,
});

export function queueContract<Tx>(name: string, create: QueueFactory<Tx>): void {
  const open: QueueUnderTest<Tx>[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close?.();
  });

  /** A fresh queue with helpers; every lease happens 1 ms after the previous call (served order is defined). */
  async function setUp(opts: QueueOptions = {}) {
    const t = await create({ pointsOf: (id) => (id === CONTRACT_EXERCISE.id ? CONTRACT_EXERCISE.points : undefined), ...opts });
    open.push(t);
    const q = t.queue;
    const owner = new Map<string, string | null>();
    /** Store and queue one submission in one transaction. */
    const submit = (userId: string | null = null): Promise<string> =>
      t.transaction((tx) => then(t.storeSubmission(tx, userId), (id) => then(q.enqueue(tx, { submissionId: id, userId }), () => (owner.set(id, userId), id))));
    const regrade = (submissionId: string, extra: Partial<NewJob> = {}) =>
      t.transaction((tx) => q.enqueue(tx, { submissionId, userId: owner.get(submissionId) ?? null, kind: "regrade", ...extra }));
    const L = t.leaseMs;
    const lease = async (workerId: string, leaseMs = L): Promise<LeasedJob | undefined> => {
      await t.tick(1);
      return q.lease(workerId, leaseMs);
    };
    const leased = async (workerId: string, leaseMs?: number): Promise<LeasedJob> => {
      const job = await lease(workerId, leaseMs);
      if (!job) throw new Error(`${workerId} found no job to lease`);
      return job;
    };
    const who = (job: LeasedJob | undefined) => (job ? owner.get(job.submissionId) : undefined);
    /** A submission graded once with `score`. */
    const graded = async (score: number, userId: string | null = "u1") => {
      const id = await submit(userId);
      expect(await q.complete(await leased("w-grade"), verdict(score))).toBe(true);
      return id;
    };
    /** Let `job`'s lease expire and reap it. */
    const expire = async (ms = 2 * L) => {
      await t.tick(ms);
      return q.reapExpired();
    };
    return { t, q, L, submit, regrade, lease, leased, who, graded, expire };
  }

  describe(`${name} passes the GradingQueue contract`, () => {
    it("enqueue joins the caller's transaction: rolled back, neither the submission's job nor anything else is left", async () => {
      const { t, q, lease, submit } = await setUp();
      await expect(
        t.transaction((tx) =>
          then(t.storeSubmission(tx, "u1"), (id) =>
            then(q.enqueue(tx, { submissionId: id, userId: "u1" }), () => {
              throw new Error("the course gate said no");
            }),
          ),
        ),
      ).rejects.toThrow("the course gate said no");
      expect(await q.stats()).toEqual({ queued: 0, leased: 0, done: 0, failed: 0 });
      expect(await lease("w1")).toBeUndefined();
      const id = await submit("u1");
      expect(await q.stats()).toEqual({ queued: 1, leased: 0, done: 0, failed: 0 });
      expect((await lease("w1"))?.submissionId).toBe(id);
    });

    it("lease: each job goes to one worker, oldest first, as attempt 1, and its submission is running", async () => {
      const { t, q, submit, lease, leased } = await setUp();
      const ids = [await submit(), await submit()];
      expect((await t.submission(ids[0])).status).toBe("queued");
      const a = await leased("w1");
      const b = await leased("w2");
      expect([a, b]).toMatchObject([
        { submissionId: ids[0], attempt: 1, workerId: "w1", kind: "grade" },
        { submissionId: ids[1], attempt: 1, workerId: "w2", kind: "grade" },
      ]);
      expect(a.jobId).not.toBe(b.jobId);
      expect(await lease("w3")).toBeUndefined();
      expect((await t.submission(ids[0])).status).toBe("running");
      expect(await q.stats()).toEqual({ queued: 0, leased: 2, done: 0, failed: 0 });
    });

    it("heartbeat: a heartbeating worker keeps its job past the first lease's end", async () => {
      const { t, q, L, submit, leased, lease } = await setUp();
      const id = await submit();
      const job = await leased("w1", L);
      await t.tick(0.8 * L);
      expect(await q.heartbeat(job, L)).toBe(true);
      await t.tick(0.8 * L); // past the first lease, within the extended one
      expect(await q.reapExpired()).toBe(0);
      expect(await lease("w2")).toBeUndefined();
      expect(await q.complete(job, verdict(10))).toBe(true);
      expect(await t.submission(id)).toMatchObject({ status: "done", score: 10, verdict: "passed" });
    });

    it("lost lease: reaped and leased again as attempt 2; the first worker's heartbeat and verdict are refused", async () => {
      const { t, q, L, submit, leased, expire } = await setUp();
      const id = await submit();
      const first = await leased("dead-worker", L);
      expect(await expire(2 * L)).toBe(1);
      const second = await leased("w2", L);
      expect(second).toMatchObject({ submissionId: id, attempt: 2, workerId: "w2" });
      expect(await q.heartbeat(first, L)).toBe(false);
      expect(await q.complete(first, verdict(0))).toBe(false);
      expect(await q.complete(second, verdict(10))).toBe(true);
      expect(await t.submission(id)).toMatchObject({ status: "done", score: 10, verdict: "passed" });
      expect(await t.history(id)).toEqual([{ kind: "grade", score: 10, verdict: "passed", applied: true }]);
    });

    it("reap: only expired leases go back to the queue, and it says how many", async () => {
      const { t, q, L, submit, leased, lease } = await setUp();
      const short = await submit("a");
      await submit("b");
      await leased("w1", L);
      const kept = await leased("w2", L);
      await t.tick(0.6 * L);
      expect(await q.heartbeat(kept, L)).toBe(true);
      await t.tick(0.6 * L); // w1's lease is over; w2's runs on from its heartbeat
      expect(await q.reapExpired()).toBe(1);
      expect(await q.stats()).toEqual({ queued: 1, leased: 1, done: 0, failed: 0 });
      expect(await q.reapExpired()).toBe(0);
      expect(await lease("w3")).toMatchObject({ submissionId: short, attempt: 2 });
      expect(await q.heartbeat(kept, L)).toBe(true);
    });

    it("fail: the attempt is retried by the next lease", async () => {
      const { q, submit, leased } = await setUp();
      const id = await submit();
      await q.fail(await leased("w1"), "reference engine crashed");
      expect(await q.stats()).toMatchObject({ queued: 1, leased: 0 });
      expect(await leased("w2")).toMatchObject({ submissionId: id, attempt: 2 });
    });

    it("give-up: after maxAttempts lost leases, one error verdict that counts as an attempt (0 out of the points)", async () => {
      const { t, q, submit, leased, lease, expire } = await setUp();
      const id = await submit("u1");
      for (let i = 0; i < t.maxAttempts; i++) {
        expect(await leased(`w${i}`)).toMatchObject({ submissionId: id, attempt: i + 1 });
        expect(await expire()).toBe(1);
      }
      expect(await lease("w-next")).toBeUndefined();
      const s = await t.submission(id);
      expect(s).toMatchObject({ status: "done", verdict: "error", score: 0, maxScore: CONTRACT_EXERCISE.points });
      expect(s.message).toMatch(new RegExp(`after ${t.maxAttempts} attempts: grading stopped each time while your code was being graded.*stopped responding.*counts as an attempt`));
      expect(await q.stats()).toEqual({ queued: 0, leased: 0, done: 0, failed: 1 });
      expect(await t.history(id)).toEqual([{ kind: "grade", score: 0, verdict: "error", applied: true }]);
    });

    it("give-up before the learner's code ran: an error verdict that costs no attempt (maxScore 0)", async () => {
      const { t, q, submit, leased } = await setUp();
      const id = await submit("u1");
      for (let i = 0; i < t.maxAttempts; i++) await q.fail(await leased(`w${i}`), "exercise dense no longer loads", { beforeLearnerCode: true });
      const s = await t.submission(id);
      expect(s).toMatchObject({ status: "done", verdict: "error", score: 0, maxScore: 0 });
      expect(s.message).toMatch(/after \d+ attempts \(exercise dense no longer loads\)\. This is not a verdict on your code.*costs you no attempt/);
      expect(await q.stats()).toMatchObject({ failed: 1, queued: 0 });
    });

    it("exactly one verdict per job: a second complete, or one from an attempt already retried, stores nothing", async () => {
      const { t, q, submit, leased } = await setUp();
      const id = await submit();
      const job = await leased("w1");
      expect(await q.complete(job, verdict(7))).toBe(true);
      expect(await q.complete(job, verdict(10))).toBe(false);
      expect(await q.heartbeat(job, t.leaseMs)).toBe(false);
      const other = await submit();
      const failed = await leased("w1");
      await q.fail(failed, "a worker's own error");
      expect(await q.complete(failed, verdict(10))).toBe(false);
      // The same worker takes the retry: the first attempt's handle still stores nothing.
      const retry = await leased("w1");
      expect(retry).toMatchObject({ submissionId: other, attempt: 2 });
      expect(await q.heartbeat(failed, t.leaseMs)).toBe(false);
      expect(await q.complete(failed, verdict(10))).toBe(false);
      expect(await q.complete(retry, verdict(3))).toBe(true);
      expect(await t.submission(id)).toMatchObject({ score: 7 });
      expect(await t.submission(other)).toMatchObject({ score: 3 });
      expect((await t.history(id)).length).toBe(1);
      expect((await t.history(other)).map((h) => h.score)).toEqual([3]);
      expect(await q.stats()).toEqual({ queued: 0, leased: 0, done: 2, failed: 0 });
    });

    it("regrade keeps the higher score: a lower one is recorded but not applied, a higher one is, and allowLower applies a lower one", async () => {
      const { t, q, graded, regrade, leased } = await setUp();
      const id = await graded(7);
      await regrade(id);
      const job = await leased("w1");
      expect(job).toMatchObject({ submissionId: id, kind: "regrade" });
      expect((await t.submission(id)).status).toBe("done"); // the old verdict stands while it runs
      expect(await q.complete(job, verdict(4, "v2"))).toBe(true);
      expect(await t.submission(id)).toMatchObject({ score: 7 });
      await regrade(id);
      expect(await q.complete(await leased("w1"), verdict(9, "v3"))).toBe(true);
      expect(await t.submission(id)).toMatchObject({ score: 9 });
      await regrade(id, { allowLower: true });
      expect(await q.complete(await leased("w1"), verdict(2, "v4"))).toBe(true);
      expect(await t.submission(id)).toMatchObject({ score: 2 });
      expect((await t.history(id)).map((h) => [h.kind, h.score, h.applied])).toEqual([
        ["grade", 7, true],
        ["regrade", 4, false],
        ["regrade", 9, true],
        ["regrade", 2, true],
      ]);
    });

    it("a regrade that cannot grade keeps the submission's verdict (the give-up is in the history only)", async () => {
      const { t, graded, regrade, leased, expire } = await setUp();
      const id = await graded(7);
      await regrade(id);
      for (let i = 0; i < t.maxAttempts; i++) {
        await leased(`w${i}`);
        await expire();
      }
      expect(await t.submission(id)).toMatchObject({ status: "done", score: 7, verdict: "failed" });
      expect((await t.history(id)).map((h) => [h.kind, h.verdict, h.applied])).toEqual([
        ["grade", "failed", true],
        ["regrade", "error", false],
      ]);
    });

    it("waiting: a learner's submissions queued or in their first grading, not regrades or finished ones", async () => {
      const { t, q, submit, graded, regrade, leased } = await setUp();
      const inTx = (userId: string) => t.transaction((tx) => q.waiting(tx, userId));
      const done = await graded(5, "u1");
      await regrade(done);
      expect(await inTx("u1")).toBe(0);
      await submit("u1");
      await submit("u1");
      await submit("u2");
      expect(await inTx("u1")).toBe(2);
      await leased("w1"); // one of them starts: a running first grading still counts
      expect(await inTx("u1")).toBe(2);
      expect(await inTx("u2")).toBe(1);
      expect(await inTx("nobody")).toBe(0);
    });
  });

  describe(`${name} claims in fair-share order`, () => {
    async function submitAs(env: Awaited<ReturnType<typeof setUp>>, userId: string, n: number) {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(await env.submit(userId));
      return ids;
    }

    it("live submissions before regrades, whatever their age", async () => {
      const env = await setUp();
      const old = await env.graded(5, "a");
      await env.regrade(old);
      await submitAs(env, "b", 1);
      await submitAs(env, "a", 1);
      const kinds = [await env.leased("w1"), await env.leased("w2"), await env.leased("w3")];
      expect(kinds.map((j) => j.kind)).toEqual(["grade", "grade", "regrade"]);
      expect(kinds[2].submissionId).toBe(old);
    });

    it("one learner's backlog does not hold up another's submission (not FIFO)", async () => {
      const env = await setUp();
      await submitAs(env, "hog", 3);
      await submitAs(env, "quiet", 1);
      expect(env.who(await env.lease("w1"))).toBe("hog");
      expect(env.who(await env.lease("w2"))).toBe("quiet");
    });

    it("round-robin between learners, the one served longest ago first", async () => {
      const env = await setUp();
      await submitAs(env, "a", 3);
      await submitAs(env, "b", 3);
      await submitAs(env, "c", 1);
      const order: (string | null | undefined)[] = [];
      for (let i = 0; i < 7; i++) {
        const job = await env.leased("w1");
        order.push(env.who(job));
        await env.q.complete(job, verdict(10));
      }
      expect(order).toEqual(["a", "b", "c", "a", "b", "a", "b"]);
    });

    it("at most k of a learner's jobs run while others wait; an idle worker still takes the k+1st when nobody else waits", async () => {
      const env = await setUp({ maxRunningPerLearner: 2 });
      await submitAs(env, "hog", 3);
      expect(env.who(await env.lease("w1"))).toBe("hog");
      expect(env.who(await env.lease("w2"))).toBe("hog");
      await submitAs(env, "other", 1);
      expect(env.who(await env.lease("w3"))).toBe("other");
      expect(env.who(await env.lease("w4"))).toBe("hog");
      expect(await env.lease("w5")).toBeUndefined();
    });
  });
}
