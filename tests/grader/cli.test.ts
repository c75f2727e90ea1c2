// The CLI contract of DESIGN.md, exercised as a whole process.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function gradlab(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/gradlab.js", ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("gradlab CLI", () => {
  it("grade --json prints exactly one result JSON and exits 0 on a pass", () => {
    const r = gradlab("grade", "dense", "exercises/03-layers/dense/solution.ts", "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ exercise: "dense", score: 10, maxScore: 10, status: "passed" });
    expect(typeof json.durationMs).toBe("number");
    expect(typeof json.stdout).toBe("string");
    for (const t of json.tests) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(["name", "score", "maxScore", "status", "output", "visibility"]));
      expect(["visible", "hidden"]).toContain(t.visibility);
    }
  });

  it("grade exits 0 on a failing solution too, with status failed", () => {
    const r = gradlab("grade", "dense", "exercises/03-layers/dense/starter.ts", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "failed" });
  });

  it("grade exits 0 with status error on code that does not compile", () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-cli-"));
    writeFileSync(join(dir, "bad.ts"), "export function denseForward( {");
    const r = gradlab("grade", "dense", join(dir, "bad.ts"), "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "error", score: 0 });
  });

  it("exits 2 with a clear message on an unknown exercise or a missing file", () => {
    const a = gradlab("grade", "no-such-exercise", "exercises/03-layers/dense/solution.ts", "--json");
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown exercise 'no-such-exercise'.*Known exercises: .*dense/);
    const b = gradlab("grade", "dense", "/nonexistent/file.ts", "--json");
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/no such file: \/nonexistent\/file\.ts/);
    const c = gradlab("grade");
    expect(c.code).toBe(2);
  });

  it("validate accepts an exercise folder or a set folder and validates just that", () => {
    const one = gradlab("validate", "exercises/03-layers/dense", "--json");
    expect(one.code).toBe(0);
    const report = JSON.parse(one.stdout) as { ok: boolean; entries: { exercise: string; role: string }[] };
    expect(report.ok).toBe(true);
    expect(new Set(report.entries.map((e) => e.exercise))).toEqual(new Set(["dense"]));
    expect(report.entries.map((e) => e.role)).toEqual(expect.arrayContaining(["solution", "starter"]));
    const set = gradlab("validate", "exercises/03-layers/", "--only", "dense,count-params");
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/All 1 exercises valid/); // count-params is in another set
  }, 120_000);

  it("validate fails with a clear message when it finds no exercise", () => {
    const empty = mkdtempSync(join(tmpdir(), "gradlab-empty-"));
    for (const args of [[empty], ["exercises", "--only", "no-such-exercise"], ["exercises/03-layers", "--only", "count-params"]]) {
      const r = gradlab("validate", ...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stdout).toMatch(/found no exercise.* give the catalogue folder \(e\.g\. exercises\), a set folder \(exercises\/03-layers\) or an exercise folder/);
      expect(r.stdout).not.toMatch(/All \d+ exercises valid/);
    }
    const missing = gradlab("validate", "exercises/03-layers/no-such-exercise");
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/no such folder/);
  }, 120_000);

  it("list --json gives ids, titles, points and exports", () => {
    const r = gradlab("list", "--json");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; title: string; points: number; exports: string[] }[];
    expect(rows.find((e) => e.id === "dense")).toMatchObject({ title: "Dense layer", points: 10, exports: ["denseForward", "denseBackward"] });
  });
});
