// A deadline surge on the pg-boss queue: 1,000 submissions from 100 learners, graded by 4
// `gradlab worker --queue` processes; every submission ends with exactly one verdict, and the
// workers never open a GradLab database.
import { afterAll, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { closeAllDbs } from "../../db/client.ts";
import { gradingJobs, gradingResults, submissions } from "../../db/schema.ts";
import { submitCode } from "../../grader/submissions.ts";
import { exercise } from "../helpers.ts";
import { doneCount, leftovers, startWeb, startWorker, until, type Web, type WorkerProcess } from "./cluster.ts";
import { describeWithPostgres } from "./pg.ts";

// Ten submissions per learner are queued at once here (the API would cap them at 3 in flight).
process.env.GRADLAB_MAX_QUEUED_PER_LEARNER = "10";

describeWithPostgres("scale-out surge: pg-boss queue, 4 worker processes", (url) => {
  const workers: WorkerProcess[] = [];
  let web: Web | undefined;
  afterAll(async () => {
    for (const w of workers) w.proc.kill("SIGKILL");
    await web?.stop();
    closeAllDbs();
  });

  it("1,000 submissions from 100 learners: each ends with exactly one verdict, graded across all 4 workers", async () => {
    web = await startWeb(url);
    const w = web;
    // count-params: a cheap exercise, so the test measures the queue rather than the grading.
    const ex = await exercise("count-params");
    const code = readFileSync("exercises/01-depth-and-parameters/count-params/solution.ts", "utf8");
    for (let i = 0; i < 4; i++) workers.push(startWorker(url, w.schema));
    const ids: string[] = [];
    for (let round = 0; round < 10; round++) for (let learner = 0; learner < 100; learner++) ids.push(submitCode(w.db, ex, code, `learner${learner}`));
    const t0 = Date.now();
    await until(() => doneCount(w.db, ids) === ids.length, 1_200_000, "1,000 verdicts");
    const seconds = (Date.now() - t0) / 1000;
    process.stderr.write(`surge: 1,000 verdicts in ${seconds.toFixed(1)} s (${(1000 / seconds).toFixed(1)}/s) with 4 workers on pg-boss\n`);

    const subs = w.db.select({ id: submissions.id, verdict: submissions.verdict, score: submissions.score, maxScore: submissions.maxScore }).from(submissions).all();
    expect(subs).toHaveLength(1000);
    // When some are not full marks, say which verdicts they got (a timeout under load, an error...).
    const others = subs.filter((s) => !(s.verdict === "passed" && s.score === s.maxScore)).map((s) => `${s.verdict} ${s.score}/${s.maxScore}`);
    const tally = [...new Set(others)].map((o) => `${others.filter((x) => x === o).length} × ${o}`);
    expect(subs.filter((s) => s.verdict === "passed" && s.score === s.maxScore), `not full marks: ${tally.join(", ")}`).toHaveLength(1000);
    const jobs = w.db.select({ submissionId: gradingJobs.submissionId, state: gradingJobs.state }).from(gradingJobs).all();
    expect(jobs).toHaveLength(1000);
    expect(new Set(jobs.map((j) => j.submissionId)).size).toBe(1000);
    expect(jobs.every((j) => j.state === "done")).toBe(true);
    const verdicts = w.db.select({ submissionId: gradingResults.submissionId }).from(gradingResults).all();
    expect(verdicts).toHaveLength(1000);
    expect(new Set(verdicts.map((v) => v.submissionId)).size).toBe(1000);
    // Each worker graded its share, and none opened a database.
    for (const worker of workers) {
      expect((worker.log().match(/ → passed /g) ?? []).length).toBeGreaterThan(50);
      expect(leftovers(worker)).toEqual([]);
    }
  }, 1_500_000);
});
