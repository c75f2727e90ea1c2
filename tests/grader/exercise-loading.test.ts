// A malformed exercise gives errors that name the file and the field, all of them at once.
import { describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCatalogue } from "../../grader/exercises.ts";
import { readTranslationSource, translationSourceHash } from "../../lib/statement/translation.ts";

describe("loading exercises", () => {
  it("collects every problem with its file and field", async () => {
    const root = mkdtempSync(join(tmpdir(), "gradlab-ex-"));
    const dir = join(root, "03-layers", "dense");
    cpSync("exercises/03-layers/dense", dir, { recursive: true });
    writeFileSync(join(dir, "exercise.json"), JSON.stringify({ title: "", summary: "x", topic: "t", order: -1, exports: ["denseForward", "nope"], limits: { timeoutMs: "5s" }, extra: 1 }));
    rmSync(join(dir, "statement.md"));
    // (a copy outside the repo cannot resolve the real checks.ts imports anyway: give it a malformed one)
    writeFileSync(join(dir, "checks.ts"), "export default 42;\n");
    const cat = await loadCatalogue(root);
    const text = cat.problems.map((p) => `${p.file}: ${p.message}`).join("\n");
    expect(cat.exercises).toHaveLength(0);
    expect(text).toMatch(/dense\/statement\.md: missing/);
    expect(text).toMatch(/dense\/exercise\.json: field 'title'/);
    expect(text).toMatch(/dense\/exercise\.json: field 'order'/);
    expect(text).toMatch(/dense\/exercise\.json: field 'limits\.timeoutMs'/);
    expect(text).toMatch(/dense\/exercise\.json: field '\(root\)'.*extra/);
    expect(text).toMatch(/dense\/checks\.ts: must `export default defineChecks/);
  });

  it("names an export that exercise.json lists but the starter lacks", async () => {
    const root = mkdtempSync(join(tmpdir(), "gradlab-ex-"));
    const dir = join(root, "03-layers", "dense");
    cpSync("exercises/03-layers/dense", dir, { recursive: true });
    const meta = JSON.parse(readFileSync(join(dir, "exercise.json"), "utf8"));
    writeFileSync(join(dir, "exercise.json"), JSON.stringify({ ...meta, exports: [...meta.exports, "nope"] }));
    const cat = await loadCatalogue(root);
    const text = cat.problems.map((p) => `${p.file}: ${p.message}`).join("\n");
    expect(text).toMatch(/dense\/starter\.ts: does not export 'nope'/);
    expect(text).toMatch(/dense\/solution\.ts: does not export 'nope'/);
  });
});

describe("gradlab new", () => {
  it("scaffolds an exercise that loads and validates its solution, and refuses bad names", async () => {
    const { scaffoldExercise } = await import("../../cli/new-exercise.ts");
    const { gradeCode } = await import("../../grader/grade.ts");
    // Inside the package (so "gradlab/nd" resolves) but outside exercises/ (other tests load it).
    const root = mkdtempSync(join("tests", ".scaffold-test-"));
    try {
      scaffoldExercise(root, "09-extra/soft-sign");
      expect(() => scaffoldExercise(root, "09-extra/soft-sign")).toThrow(/already exists/);
      expect(() => scaffoldExercise(root, "extra/x")).toThrow(/must look like 03-layers/);
      expect(() => scaffoldExercise(root, "09-extra/Bad_Name")).toThrow(/lowercase words/);
      const cat = await loadCatalogue(root);
      expect(cat.problems).toEqual([]);
      const ex = cat.exercises[0];
      expect(ex).toMatchObject({ id: "soft-sign", set: "09-extra", points: 10 });
      // Both statements, the Chinese one marked with the English it translates (validate: current, not stale).
      const zh = readFileSync(join(ex.dir, "statement.zh-CN.md"), "utf8");
      expect(readTranslationSource(zh)).toBe(translationSourceHash(readFileSync(ex.files.statement, "utf8")));
      expect((await gradeCode(ex, readFileSync(ex.files.solution, "utf8"))).status).toBe("passed");
      expect((await gradeCode(ex, readFileSync(ex.files.starter, "utf8"))).status).toBe("failed");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("refreshExercise", () => {
  it("returns the same exercise while its files are unchanged, and the changed one after an edit", async () => {
    const { scaffoldExercise } = await import("../../cli/new-exercise.ts");
    const { refreshExercise } = await import("../../grader/exercises.ts");
    const root = mkdtempSync(join("tests", ".scaffold-test-"));
    try {
      scaffoldExercise(root, "09-extra/soft-sign");
      const [ex] = (await loadCatalogue(root)).exercises;
      expect(await refreshExercise(ex)).toBe(ex);
      const checks = join(ex.dir, "checks.ts");
      writeFileSync(checks, readFileSync(checks, "utf8").replace('visible("softSign matches tfjs (x [2,3])", 5', 'visible("softSign matches tfjs (x [2,3])", 7'));
      const fresh = await refreshExercise(ex);
      expect(fresh.version).not.toBe(ex.version);
      expect(fresh.points).toBe(12);
      writeFileSync(checks, "export default {};\n");
      await expect(refreshExercise(fresh)).rejects.toThrow(/changed on disk and no longer loads: .*checks\.ts: must `export default defineChecks/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
