/** `gradlab validate`: every solution gets full marks; the starter and every wrong/ variant do not. */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import kleur from "kleur";
import type { Catalogue } from "../exercises.ts";
import { gradeCode } from "../grade.ts";

export interface ValidationEntry {
  exercise: string;
  file: string;
  role: "solution" | "starter" | "wrong";
  ok: boolean;
  score: number;
  maxScore: number;
  status: string;
  problem?: string;
  ms: number;
}

export interface ValidationReport {
  ok: boolean;
  problems: { file: string; message: string }[];
  entries: ValidationEntry[];
}

export async function validateCatalogue(cat: Catalogue, opts: { only?: string[]; seeds?: number } = {}): Promise<ValidationReport> {
  const entries: ValidationEntry[] = [];
  for (const ex of cat.exercises) {
    if (opts.only && !opts.only.includes(ex.id)) continue;
    // The solution must get full marks on every hidden seed tried, not just one.
    const solutionRuns = Array.from({ length: Math.max(1, opts.seeds ?? 1) }, () => ["solution", ex.files.solution] as [ValidationEntry["role"], string]);
    const runs: [ValidationEntry["role"], string][] = [...solutionRuns, ["starter", ex.files.starter], ...ex.files.wrong.map((f) => ["wrong", f] as [ValidationEntry["role"], string])];
    for (const [role, file] of runs) {
      const r = await gradeCode(ex, readFileSync(file, "utf8"), { filename: file.split("/").pop(), revealHidden: true });
      const full = r.status === "passed";
      let problem: string | undefined;
      if (role === "solution" && !full) {
        const failed = r.tests.filter((t) => t.status === "failed").map((t) => `${t.name}: ${t.output}`);
        problem = `the solution did not get full marks with hidden seed ${r.seed} (${r.status}${r.message ? `: ${r.message}` : ""})${failed.length ? "\n    " + failed.join("\n    ") : ""}`;
      }
      if (role !== "solution" && full) problem = `the ${role} variant got full marks; it must not`;
      entries.push({ exercise: ex.id, file: relative(process.cwd(), file), role, ok: !problem, score: r.score, maxScore: r.maxScore, status: r.status, problem, ms: r.durationMs });
    }
  }
  return { ok: cat.problems.length === 0 && entries.every((e) => e.ok), problems: cat.problems, entries };
}

export function formatValidation(r: ValidationReport): string {
  const lines: string[] = [];
  for (const p of r.problems) lines.push(`${kleur.red("✗")} ${p.file}: ${p.message}`);
  for (const e of r.entries) {
    const mark = e.ok ? kleur.green("✓") : kleur.red("✗");
    lines.push(`${mark} ${e.exercise.padEnd(22)} ${e.role.padEnd(8)} ${String(e.score).padStart(5)}/${e.maxScore} ${e.status.padEnd(7)} ${kleur.dim(e.file)} ${kleur.dim(`${e.ms} ms`)}`);
    if (e.problem) lines.push(`    ${kleur.red(e.problem)}`);
  }
  const exercises = new Set(r.entries.map((e) => e.exercise)).size;
  lines.push("", r.ok ? kleur.green(`All ${exercises} exercises valid.`) : kleur.red(`Validation failed: ${r.problems.length} load problem(s), ${r.entries.filter((e) => !e.ok).length} failing run(s).`));
  return lines.join("\n");
}
