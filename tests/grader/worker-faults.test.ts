// Fault tests with real worker processes: kill -9 a worker mid-grade, restart everything
// mid-queue. Nothing is lost and each submission ends with exactly one verdict.
import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeAllDbs, openDb, type Db } from "../../db/client.ts";
import { gradingJobs } from "../../db/schema.ts";
import { selectSubmission, submissionStatus, submitCode } from "../../grader/submissions.ts";
import { exercise } from "../helpers.ts";

const procs: ChildProcess[] = [];

function startWorker(dataDir: string, leaseMs = 1_500): ChildProcess {
  const p = spawn(process.execPath, ["bin/gradlab.js", "worker"], {
    env: { ...process.env, GRADLAB_DATA_DIR: dataDir, GRADLAB_LEASE_MS: String(leaseMs) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  p.stderr!.on("data", (d) => (log += d));
  (p as ChildProcess & { log: () => string }).log = () => log;
  procs.push(p);
  return p;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterEach(() => {
  for (const p of procs.splice(0)) p.kill("SIGKILL");
  closeAllDbs();
});

// A correct dense solution that first spins for a while, so there is time to kill its worker.
const slowSolution = (ms: number) => readFileSync("exercises/03-layers/dense/solution.ts", "utf8") + `\nconst __end = Date.now() + ${ms}; while (Date.now() < __end) {}\n`;

const jobsOf = (db: Db, id: string) => db.select().from(gradingJobs).all().filter((j) => j.submissionId === id);

describe("worker faults", () => {
  it("a worker killed with SIGKILL mid-grade: the job completes on another worker, one verdict stored", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-wf-"));
    const db = openDb(dir);
    const ex = await exercise("dense");
    const id = submitCode(db, { ...ex }, slowSolution(1_500), "learner");
    const a = startWorker(dir);
    await until(() => submissionStatus(selectSubmission(db, id)) === "running", 30_000, "the first worker to start grading");
    a.kill("SIGKILL");
    startWorker(dir);
    await until(() => submissionStatus(selectSubmission(db, id)) === "done", 60_000, "the second worker to finish");
    const row = selectSubmission(db, id);
    expect(row.verdict).toBe("passed");
    expect(row.score).toBe(10);
    const jobs = jobsOf(db, id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: "done", attempts: 2 });
    expect(jobs[0].lastError).toMatch(/stopped responding/);
  }, 120_000);

  it("restarting every worker mid-queue loses nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-wf-"));
    const db = openDb(dir);
    const ex = await exercise("dense");
    const code = readFileSync("exercises/03-layers/dense/solution.ts", "utf8");
    const ids = Array.from({ length: 6 }, (_, i) => submitCode(db, ex, i % 2 ? code : slowSolution(300), `learner${i}`));
    const w = startWorker(dir);
    await until(() => ids.some((id) => submissionStatus(selectSubmission(db, id)) === "done"), 60_000, "a first verdict");
    w.kill("SIGKILL");
    startWorker(dir);
    startWorker(dir);
    await until(() => ids.every((id) => submissionStatus(selectSubmission(db, id)) === "done"), 120_000, "every verdict");
    for (const id of ids) {
      expect(selectSubmission(db, id)).toMatchObject({ verdict: "passed", score: 10 });
      expect(jobsOf(db, id)).toHaveLength(1);
      expect(jobsOf(db, id)[0].state).toBe("done");
    }
  }, 180_000);
});
