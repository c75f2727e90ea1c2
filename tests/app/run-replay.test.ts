// Run's checks with recorded host calls (app/_run/host-calls.ts): the visible checks, bundled as
// the browser gets them (host modules are stubs that answer only the calls recorded from the
// solution's visible run), run here in Node against the solution and wrong variants, and give
// the same pass/fail per check as the server's grader on the visible checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Exercise } from "../../grader/exercises.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const { buildRunAssets, buildReplayRun, runNodeBundle } = await import("../../app/_build/run-assets.ts");
const { gradeCode } = await import("../../grader/grade.ts");
const { loadCatalogue } = await import("../../grader/exercises.ts");

/** Exercises whose references moved server-side, each with wrong variants whose hints need the server. */
const CASES: Record<string, string[]> = {
  metrics: ["ties-count-zero.ts", "pred-labels-swapped.ts"],
  "lr-schedule": ["off-by-one-step.ts", "cosine-not-clamped.ts"],
  "gradient-check": ["mean-not-max.ts", "forward-difference.ts"],
  dropout: ["inverted-condition.ts", "random-called-twice.ts"],
  "max-pool": ["ties-all-get-dy.ts", "grad-overwritten.ts"],
  "linear-regression": ["b-uses-updated-w.ts", "gradient-missing-factor-2.ts"],
};

describe("the key of a host call's arguments", async () => {
  const { argsKey } = await import("../../app/_run/host-calls.ts");
  const { Tensor } = await import("../../lib/nd/index.ts");
  it("ignores last-bit differences (libm differs between V8 builds) but not real ones; refuses what cannot be carried", () => {
    const x = new Tensor([0.1, -2.5, Math.cos(1)], [3]);
    const nudged = new Tensor([0.1, -2.5, Math.cos(1) * (1 + Number.EPSILON)], [3]);
    expect(argsKey([x, { h: 0.01, A: [1 / 3] }])).toBe(argsKey([nudged, { h: 0.01, A: [(1 / 3) * (1 + Number.EPSILON)] }]));
    expect(argsKey([x, 0.01])).not.toBe(argsKey([x, 0.011]));
    expect(argsKey([Int32Array.from([1, 2])])).not.toBe(argsKey([Int32Array.from([2, 1])]));
    expect(argsKey([() => 1])).toBeUndefined();
    expect(argsKey([{ shape: [1], data: () => [1], dataSync: () => [1] }])).toBeUndefined(); // a tfjs tensor's look
  });
});

describe("Run's visible checks replaying recorded host calls", () => {
  const out = mkdtempSync(join(ROOT, ".cache", "run-replay-test-"));
  let exercises: Exercise[];
  let tables: Awaited<ReturnType<typeof buildRunAssets>>["tables"];

  beforeAll(async () => {
    const cat = await loadCatalogue(join(ROOT, "exercises"));
    cat.exercises = cat.exercises.filter((e) => e.id in CASES);
    exercises = cat.exercises;
    const report = await buildRunAssets(cat, { root: ROOT, outDir: join(out, "assets"), minify: false });
    expect(report.recordedExercises.sort()).toEqual(Object.keys(CASES).sort());
    tables = report.tables;
    mkdirSync(join(out, "node"), { recursive: true });
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const verdicts = (tests: { name: string; status: string }[] | undefined) => Object.fromEntries((tests ?? []).map((t) => [t.name, t.status]));

  for (const [id, wrongs] of Object.entries(CASES)) {
    it(`${id}: the solution and wrong variants pass and fail the same checks as on the server`, async () => {
      const ex = exercises.find((e) => e.id === id)!;
      const file = await buildReplayRun(ROOT, ex, tables, join(out, "node", `${id}.mjs`));
      const solution = await runNodeBundle(file, ex, readFileSync(ex.files.solution, "utf8"));
      expect(solution.tests?.length).toBeGreaterThan(3);
      expect(solution.tests!.filter((t) => t.status !== "passed")).toEqual([]);
      expect(solution.misses).toEqual({});
      for (const wrong of wrongs) {
        const code = readFileSync(join(ex.dir, "wrong", wrong), "utf8");
        const run = await runNodeBundle(file, ex, code);
        const server = await gradeCode(ex, code, { only: "visible" });
        expect(verdicts(run.tests), `${id}/${wrong}`).toEqual(verdicts(server.tests));
        const failed = run.tests!.filter((t) => t.status === "failed");
        expect(failed.length, `${id}/${wrong} fails some visible check`).toBeGreaterThan(0);
        expect(run.internalError, `${id}/${wrong}`).toBeUndefined();
        // A mistake's name needs the server's simulator: Run's failure has no hint where the server's has one.
        const serverHints = server.tests.filter((t) => t.status === "failed" && t.output.includes("Hint:")).length;
        const runHints = failed.filter((t) => t.output.includes("Hint:")).length;
        expect(runHints, `${id}/${wrong}`).toBeLessThanOrEqual(serverHints);
      }
    }, 120_000);
  }
});
