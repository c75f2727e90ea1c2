// Issue 11.8: a submission that keeps the worker's host side busy longer than the lease must not
// lose its lease (and be graded again by other workers), and a job ends with a verdict at its
// wall budget. Real worker processes; the host-side work is simulated by the grading thread's test
// hook (GRADLAB_TEST_HOST_STALL_MS, for submissions carrying its marker).
import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeAllDbs, openDb, type Db } from "../../db/client.ts";
import { gradingJobs } from "../../db/schema.ts";
import { selectSubmission, submissionStatus, submitCode } from "../../grader/submissions.ts";
import type { GradeResult } from "../../lib/result.ts";
import { exercise } from "../helpers.ts";

interface Worker {
  proc: ChildProcess;
  /** Log lines with the time they arrived. */
  lines: { at: number; text: string }[];
}

const workers: Worker[] = [];

function startWorker(dataDir: string, env: Record<string, string>): Worker {
  const proc = spawn(process.execPath, ["bin/gradlab.js", "worker"], {
    env: { ...process.env, GRADLAB_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const w: Worker = { proc, lines: [] };
  let rest = "";
  proc.stderr!.on("data", (d) => {
    const parts = (rest + d).split("\n");
    rest = parts.pop()!;
    for (const text of parts) w.lines.push({ at: Date.now(), text });
  });
  workers.push(w);
  return w;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(() => {
  for (const w of workers.splice(0)) w.proc.kill("SIGKILL");
  closeAllDbs();
});

const solution = readFileSync("exercises/03-layers/dense/solution.ts", "utf8");
const stalling = solution + "\n// __gradlab_test_host_stall__\n";

/**
 * Watch one job until its verdict is stored and every worker that leased it has let go of it;
 * returns the worker-seconds spent on it (each attempt: from its lease, seen in the table, to
 * its worker's log line about the job).
 */
async function workerSeconds(db: Db, all: Worker[], submissionId: string, ms: number): Promise<{ seconds: number; attempts: number }> {
  const starts: { attempt: number; owner: string; at: number }[] = [];
  const end = Date.now() + ms;
  const job = () => db.select().from(gradingJobs).all().find((j) => j.submissionId === submissionId)!;
  const ended = (s: { owner: string; at: number }, jobId: number) =>
    all.flatMap((w) => w.lines).find((l) => l.at >= s.at && l.text.includes(s.owner) && new RegExp(`\\bjob ${jobId}\\b`).test(l.text));
  for (;;) {
    const j = job();
    if (j.leaseOwner && j.state === "leased" && !starts.some((s) => s.attempt === j.attempts)) starts.push({ attempt: j.attempts, owner: j.leaseOwner, at: Date.now() });
    const done = submissionStatus(selectSubmission(db, submissionId)) === "done";
    if (done && starts.every((s) => ended(s, j.id))) {
      const seconds = starts.reduce((sum, s) => sum + (ended(s, j.id)!.at - s.at) / 1000, 0);
      return { seconds: Math.round(seconds * 10) / 10, attempts: starts.length };
    }
    if (Date.now() > end) throw new Error(`timed out watching job ${j.id}: ${JSON.stringify(starts)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Start two workers and let each grade one submission first, so that start-up is not measured. */
async function warmWorkers(db: Db, dir: string, env: Record<string, string>): Promise<Worker[]> {
  const all = [startWorker(dir, env), startWorker(dir, env)];
  const ex = await exercise("dense");
  const warm = [submitCode(db, ex, solution, "warm-1"), submitCode(db, ex, solution, "warm-2")];
  await until(() => warm.every((n) => submissionStatus(selectSubmission(db, n)) === "done"), 120_000, "the warm-up verdicts");
  return all;
}

describe("stalled workers (issue 11.8)", () => {
  it("host-side work far longer than the lease: one worker grades it once, the lease is never lost", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-stall-"));
    const db = openDb(dir);
    const env = { GRADLAB_LEASE_MS: "1500", GRADLAB_TEST_HOST_STALL_MS: "6000" };
    const all = await warmWorkers(db, dir, env);
    const id = submitCode(db, await exercise("dense"), stalling, "learner");
    const spent = await workerSeconds(db, all, id, 120_000);
    console.log(`[11.8] 6 s of host work, 1.5 s lease, 2 workers: ${spent.attempts} attempt(s), ${spent.seconds} worker-seconds`);
    const jobs = db.select().from(gradingJobs).all().filter((j) => j.submissionId === id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: "done", attempts: 1, lastError: null });
    expect(selectSubmission(db, id)).toMatchObject({ verdict: "passed", score: 10 });
    expect(spent.attempts).toBe(1);
  }, 300_000);

  it("a job past its wall budget ends with a timeout verdict that counts as an attempt; the worker goes on grading", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-stall-"));
    const db = openDb(dir);
    const env = { GRADLAB_LEASE_MS: "1500", GRADLAB_TEST_HOST_STALL_MS: "30000", GRADLAB_JOB_WALL_MS: "8000" };
    const all = await warmWorkers(db, dir, env);
    const ex = await exercise("dense");
    const id = submitCode(db, ex, stalling, "learner");
    const spent = await workerSeconds(db, all, id, 240_000);
    console.log(`[11.8] 30 s of host work, 8 s wall budget, 2 workers: ${spent.attempts} attempt(s), ${spent.seconds} worker-seconds`);
    const row = selectSubmission(db, id);
    expect(row).toMatchObject({ verdict: "timeout", score: 0, maxScore: ex.points });
    expect((row.result as GradeResult).message).toMatch(/took longer than the 8 s a submission may take in all.*counts as an attempt/s);
    expect(db.select().from(gradingJobs).all().find((j) => j.submissionId === id)).toMatchObject({ state: "done", attempts: 1 });
    expect(spent.attempts).toBe(1);
    expect(spent.seconds).toBeLessThan(30);
    // The same workers (a fresh grading thread) grade the next submissions.
    const next = [submitCode(db, ex, solution, "someone"), submitCode(db, ex, solution, "someone-else")];
    await until(() => next.every((n) => submissionStatus(selectSubmission(db, n)) === "done"), 90_000, "the next verdicts");
    for (const n of next) expect(selectSubmission(db, n)).toMatchObject({ verdict: "passed", score: 10 });
  }, 400_000);
});
