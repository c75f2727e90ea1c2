/**
 * The layers read top to bottom: bin → cli / app → server → grader / datasets → lib / db.
 * A module imports its own layer or one below, never one above; exercises import only
 * gradlab/nd, gradlab/checks, datasets/ and their own folder. This test reads every import.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const RANK: Record<string, number> = { bin: 5, cli: 4, app: 4, server: 3, grader: 2, datasets: 2, lib: 1, db: 1 };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === "node_modules" || n.startsWith(".")) return [];
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx|js)$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
}

/** Every module specifier a file imports: static, re-exports and dynamic imports of a literal. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\s])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

const topOf = (file: string) => relative(ROOT, file).split("/")[0]!;

/** Problems with one file's imports, as "file → target (why)". */
export function layerViolations(file: string, text: string): string[] {
  const top = topOf(file);
  const bad: string[] = [];
  for (const spec of importsOf(text)) {
    if (top === "exercises") {
      if (spec === "gradlab/nd" || spec === "gradlab/checks") continue;
      if (spec.startsWith(".")) {
        const t = resolve(dirname(file), spec);
        const exerciseDir = relative(ROOT, file).split("/").slice(0, 3).join("/");
        if (relative(ROOT, t).startsWith(exerciseDir + "/") || topOf(t) === "datasets") continue;
      }
      if (spec.startsWith("@tensorflow/")) continue; // type-only tfjs in reference helpers
      bad.push(`${relative(ROOT, file)} → ${spec} (exercises import only gradlab/nd, gradlab/checks, datasets/ and their own folder)`);
      continue;
    }
    if (!spec.startsWith(".")) continue;
    const target = topOf(resolve(dirname(file), spec));
    if (target === top || !(top in RANK) || !(target in RANK)) continue;
    if (RANK[target]! >= RANK[top]!) bad.push(`${relative(ROOT, file)} → ${spec} (${top} may not import ${target}: imports run bin → cli/app → server → grader/datasets → lib/db)`);
  }
  return bad;
}

describe("layers", () => {
  it("no module imports a layer above its own (or beside it)", () => {
    const files = [...Object.keys(RANK), "exercises"].flatMap((d) => sources(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    const bad = files.flatMap((f) => layerViolations(f, readFileSync(f, "utf8")));
    expect(bad).toEqual([]);
  });

  it("catches an upward import, a sideways one and an exercise reaching into the grader", () => {
    expect(layerViolations(join(ROOT, "grader/x.ts"), `import { a } from "../server/index.ts";`)).toHaveLength(1);
    expect(layerViolations(join(ROOT, "lib/x.ts"), `const m = await import("../grader/grade.ts");`)).toHaveLength(1);
    expect(layerViolations(join(ROOT, "server/x.ts"), `export { b } from "../cli/main.ts";`)).toHaveLength(1);
    expect(layerViolations(join(ROOT, "app/x.ts"), `import "../cli/main.ts";`)).toHaveLength(1);
    expect(layerViolations(join(ROOT, "exercises/03-layers/dense/checks.ts"), `import { run } from "../../../lib/checks/run.ts";`)).toHaveLength(1);
    expect(layerViolations(join(ROOT, "exercises/03-layers/dense/checks.ts"), `import { x } from "./ref.ts";\nimport { y } from "../../../datasets/mnist.ts";`)).toEqual([]);
    expect(layerViolations(join(ROOT, "server/x.ts"), `import { y } from "../grader/grade.ts";\nimport { z } from "../db/schema.ts";`)).toEqual([]);
  });
});
