// Scale-out fault tests against real PostgreSQL and real `gradlab worker --queue` processes: a
// worker killed mid-grade, a worker cut off from the network, PostgreSQL restarted mid-surge, the
// engine losing its jobs, a worker at another exercise version. Every submission ends with
// exactly one verdict, stored by the web server's side; no worker ever opens a GradLab database.
import { afterEach, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { closeAllDbs } from "../../db/client.ts";
import { submissions } from "../../db/schema.ts";
import { GRADING_QUEUE } from "../../grader/queue/pgboss-engine.ts";
import { selectSubmission, submissionStatus, submitCode } from "../../grader/submissions.ts";
import type { GradeResult } from "../../lib/result.ts";
import { exercise } from "../helpers.ts";
import { doneCount, leftovers, ledger, startWeb, startWorker, until, type Web, type WorkerProcess } from "./cluster.ts";
import { describeWithPostgres, freshSchema } from "./pg.ts";
import { startPrivateCluster, type PrivateCluster } from "./pg-cluster.ts";
import { startProxy, type CuttableProxy } from "./tcp-proxy.ts";

const solution = readFileSync("exercises/03-layers/dense/solution.ts", "utf8");
/** A correct dense solution that first spins, so that there is time to interfere with its worker. */
const slow = (ms: number) => `${solution}\nconst __end = Date.now() + ${ms}; while (Date.now() < __end) {}\n`;

describeWithPostgres("scale-out faults: pg-boss queue, worker processes", (url) => {
  const workers: WorkerProcess[] = [];
  const webs: Web[] = [];
  const clusters: PrivateCluster[] = [];
  const proxies: CuttableProxy[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) w.proc.kill("SIGKILL");
    for (const p of proxies.splice(0)) await p.close();
    for (const w of webs.splice(0)) await w.stop().catch(() => {});
    for (const c of clusters.splice(0)) c.stop();
    closeAllDbs();
  });
  const web = async (...args: Parameters<typeof startWeb>) => {
    const w = await startWeb(...args);
    webs.push(w);
    return w;
  };
  const worker = (...args: Parameters<typeof startWorker>) => {
    const w = startWorker(...args);
    workers.push(w);
    return w;
  };
  const status = (w: Web, id: string) => submissionStatus(selectSubmission(w.db, id));

  it("a worker killed with SIGKILL mid-grade: its lease expires, another worker grades the job, one verdict", async () => {
    const w = await web(url);
    const ex = await exercise("dense");
    const id = submitCode(w.db, ex, slow(4_000), "learner");
    const a = worker(url, w.schema);
    await until(() => status(w, id) === "running", 60_000, "the first worker to start grading");
    a.proc.kill("SIGKILL");
    const b = worker(url, w.schema);
    await until(() => status(w, id) === "done", 90_000, "the second worker's verdict");
    const { submission, jobs, verdicts } = ledger(w.db, id);
    expect(submission).toMatchObject({ verdict: "passed", score: 10 });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: "done", attempts: 2 });
    expect(verdicts).toHaveLength(1);
    expect(leftovers(a)).toEqual([]);
    expect(leftovers(b)).toEqual([]);
  }, 180_000);

  it("a worker cut off from the network mid-grade: another worker takes over; the cut-off worker's late verdict is refused", async () => {
    const w = await web(url);
    const pgPort = Number(new URL(url).port || 5432);
    const proxy = await startProxy(pgPort);
    proxies.push(proxy);
    const viaProxy = url.replace(`:${pgPort}/`, `:${proxy.port}/`);
    const ex = await exercise("dense");
    const id = submitCode(w.db, ex, slow(3_000), "learner");
    const a = worker(viaProxy, w.schema);
    await until(() => status(w, id) === "running", 60_000, "the first worker to start grading");
    proxy.cut();
    worker(url, w.schema);
    await until(() => ledger(w.db, id).jobs[0]?.attempts === 2, 90_000, "the job's second attempt, on the other worker");
    await until(() => status(w, id) === "done", 60_000, "the verdict");
    proxy.restore();
    await until(() => /lease lost/.test(a.log()), 60_000, "the cut-off worker to come back and find its lease lost");
    const { submission, jobs, verdicts } = ledger(w.db, id);
    expect(submission).toMatchObject({ verdict: "passed", score: 10 });
    expect(jobs).toMatchObject([{ state: "done", attempts: 2 }]);
    expect(verdicts).toHaveLength(1);
    expect(a.proc.exitCode).toBeNull(); // it waited for the network instead of dying
  }, 240_000);

  it("PostgreSQL restarted mid-surge: every submission ends with exactly one verdict", async () => {
    const pg = await startPrivateCluster();
    clusters.push(pg);
    const w = await web(pg.url);
    const ex = await exercise("dense");
    const ids = Array.from({ length: 24 }, (_, i) => submitCode(w.db, ex, i % 4 ? solution : slow(400), `learner${i % 20}`));
    worker(pg.url, w.schema);
    worker(pg.url, w.schema);
    await until(() => doneCount(w.db, ids) >= 6, 120_000, "the first verdicts");
    pg.restart();
    await until(() => doneCount(w.db, ids) === ids.length, 180_000, "every verdict after the restart");
    for (const id of ids) {
      const { submission, jobs, verdicts } = ledger(w.db, id);
      expect(submission).toMatchObject({ verdict: "passed", score: 10 });
      expect(jobs.map((j) => j.state)).toEqual(["done"]);
      expect(verdicts).toHaveLength(1);
    }
    expect(w.logs.join("\n")).toMatch(/sync failed|answers again|sent/);
  }, 300_000);

  it("the reconciler: jobs the engine lost, and a stored submission without a job, are queued again and graded once", async () => {
    const w = await web(url);
    const ex = await exercise("dense");
    const ids = Array.from({ length: 5 }, (_, i) => submitCode(w.db, ex, solution, `learner${i}`));
    await until(async () => (await w.queue.stats()).queued === ids.length, 10_000, "the jobs to reach the engine");
    // The engine is wiped (as by a restore from an old backup), and a submission was stored without its job.
    await w.queue.engine.boss.deleteAllJobs(GRADING_QUEUE);
    expect((await w.queue.stats()).queued).toBe(0);
    w.db.insert(submissions).values({ id: "orphan", userId: "learner9", exerciseId: ex.id, exerciseVersion: ex.version, code: solution, hiddenSeed: "00112233aabbccdd", createdAt: new Date() }).run();
    ids.push("orphan");
    const a = worker(url, w.schema);
    await until(() => doneCount(w.db, ids) === ids.length, 120_000, "every verdict");
    for (const id of ids) {
      const { submission, jobs, verdicts } = ledger(w.db, id);
      expect(submission).toMatchObject({ verdict: "passed", score: 10 });
      expect(jobs).toHaveLength(1);
      expect(verdicts).toHaveLength(1);
    }
    expect(w.logs.join("\n")).toMatch(/queued 1 stored submission that had no grading job/);
    expect(leftovers(a)).toEqual([]);
  }, 180_000);

  it("a worker at another exercise version refuses the job, and the verdict names both versions (no attempt spent)", async () => {
    const w = await web(url, { schema: freshSchema("ver"), versionOf: () => "0123456789ab-web", maxAttempts: 2 });
    const ex = await exercise("dense");
    const id = submitCode(w.db, ex, solution, "learner");
    const a = worker(url, w.schema);
    await until(() => status(w, id) === "done", 120_000, "the give-up verdict");
    const { submission, verdicts } = ledger(w.db, id);
    expect(submission).toMatchObject({ verdict: "error", score: 0, maxScore: 0 });
    const message = (submission.result as GradeResult).message ?? "";
    expect(message).toContain(`version ${ex.version}`);
    expect(message).toContain("version 0123456789ab-web");
    expect(message).toMatch(/costs you no attempt/);
    expect(verdicts).toHaveLength(1);
    expect(a.log()).toMatch(/could not be graded.*the job needs version 0123456789ab-web/);
  }, 180_000);
});
