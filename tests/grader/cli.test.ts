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

  it("list --json gives ids, titles, points and exports", () => {
    const r = gradlab("list", "--json");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; title: string; points: number; exports: string[] }[];
    expect(rows.find((e) => e.id === "dense")).toMatchObject({ title: "Dense layer", points: 10, exports: ["denseForward", "denseBackward"] });
  });
});
