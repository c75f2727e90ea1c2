/** `gradlab validate`'s report for a terminal (the checks themselves: grader/validate.ts). */
import kleur from "kleur";
import type { ValidationReport } from "../grader/validate.ts";

export function formatValidation(r: ValidationReport): string {
  const lines: string[] = [];
  for (const p of r.problems) lines.push(`${kleur.red("✗")} ${p.file}: ${p.message}`);
  for (const w of r.warnings) lines.push(`${kleur.yellow("!")} ${w.file}: ${w.message}`);
  for (const e of r.entries) {
    const mark = e.ok ? kleur.green("✓") : kleur.red("✗");
    lines.push(`${mark} ${e.exercise.padEnd(22)} ${e.role.padEnd(8)} ${String(e.score).padStart(5)}/${e.maxScore} ${e.status.padEnd(7)} ${kleur.dim(e.file)} ${kleur.dim(`${e.ms} ms`)}`);
    if (e.problem) lines.push(`    ${kleur.red(e.problem)}`);
  }
  const exercises = new Set(r.entries.map((e) => e.exercise)).size;
  lines.push("", r.ok ? kleur.green(`All ${exercises} exercises valid.`) : kleur.red(`Validation failed: ${r.problems.length} load or statement problem(s), ${r.entries.filter((e) => !e.ok).length} failing run(s).`));
  return lines.join("\n");
}
