// Idle workers sleep until a job is queued (grader/worker/wake.ts): a submission stored with
// submitCode wakes a worker whose fallback poll is an hour away, so only the wake can explain the pickup.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeAllDbs, openDb } from "../../db/client.ts";
import { SqliteQueue } from "../../grader/queue/sqlite-queue.ts";
import { submitCode } from "../../grader/submissions.ts";
import { runWorker } from "../../grader/worker/worker.ts";
import { WakeWatcher, wakeWorkers } from "../../grader/worker/wake.ts";
import type { GradingThread } from "../../grader/worker/grading-thread.ts";
import type { Catalogue } from "../../grader/exercises.ts";
import type { GradeResult } from "../../lib/result.ts";
import { exercise } from "../helpers.ts";

const HOUR = 3_600_000;

afterEach(() => closeAllDbs());

/** A grading thread that records what it was asked to grade. */
function fakeGrading(onGrade: (code: string) => void): GradingThread {
  return {
    grade: async (req: { exerciseId: string; code: string }) => {
      onGrade(req.code);
      const result: GradeResult = { exercise: req.exerciseId, score: 1, maxScore: 1, status: "passed", tests: [], stdout: "", durationMs: 1, version: "v" };
      return { kind: "result" as const, result };
    },
  } as unknown as GradingThread;
}

describe("wake on a queued job", () => {
  it("an idle worker picks up a new submission without waiting for its poll interval", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-wake-"));
    const db = openDb(dir);
    const ex = await exercise("dense");
    const queue = new SqliteQueue(db);
    const abort = new AbortController();
    let idle!: () => void;
    const idleOnce = new Promise<void>((r) => (idle = r));
    let graded!: (code: string) => void;
    const gradedOnce = new Promise<string>((r) => (graded = r));
    const wake = new WakeWatcher(dir);
    expect(wake.watching).toBe(true);
    const worker = runWorker({
      db,
      queue,
      catalogue: { exercises: [ex], problems: [] } as unknown as Catalogue,
      grading: fakeGrading(graded),
      pollMs: HOUR,
      wakePollMs: HOUR,
      wake,
      onIdle: () => idle(),
      signal: abort.signal,
    });
    await idleOnce; // the queue was empty: the worker sleeps (for an hour, unless woken)
    const id = submitCode(db, ex, "export const x = 1; // wake me", "u1");
    expect(await gradedOnce).toContain("wake me");
    expect(wake.wakes).toBeGreaterThanOrEqual(1);
    abort.abort();
    await worker; // finishes the job it holds, then stops
    expect(db.$client.prepare("SELECT state FROM grading_jobs WHERE submission_id = ?").get(id)).toEqual({ state: "done" });
    wake.close();
  });

  it("a wake that comes while the worker looks at the queue is not lost", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-wake-"));
    const wake = new WakeWatcher(dir);
    wake.arm();
    const seen = new Promise<void>((r) => {
      const t = setInterval(() => wake.wakes > 0 && (clearInterval(t), r()), 5);
    });
    wakeWorkers(dir);
    await seen; // the event arrived before the worker went to sleep
    expect(await wake.sleep(HOUR)).toBe("woken");
    wake.close();
  });

  it("every wake is seen, the first (which makes the file) and the later ones (which touch it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-wake-"));
    const wake = new WakeWatcher(dir);
    for (let i = 1; i <= 3; i++) {
      wake.arm();
      const before = wake.wakes;
      wakeWorkers(dir);
      expect(await wake.sleep(HOUR)).toBe("woken");
      expect(wake.wakes).toBeGreaterThan(before);
    }
    wake.close();
  });
});
