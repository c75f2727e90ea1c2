/** The human-readable report of `gradlab grade` (without --json). */
import kleur from "kleur";
import type { GradeResult } from "../lib/result.ts";

export function formatReport(r: GradeResult): string {
  const lines: string[] = [];
  const statusColour = r.status === "passed" ? kleur.green : r.status === "failed" ? kleur.yellow : kleur.red;
  lines.push(`${kleur.bold(r.exercise)}  ${statusColour(r.status.toUpperCase())}  ${r.score}/${r.maxScore} points  (${r.durationMs} ms)`);
  if (r.message) lines.push("", kleur.red(r.message));
  lines.push("");
  for (const t of r.tests) {
    const mark = t.status === "passed" ? kleur.green("✓") : kleur.red("✗");
    const vis = t.visibility === "hidden" ? kleur.dim(" [hidden]") : "";
    lines.push(`${mark} ${t.name}${vis}  ${kleur.dim(`${t.score}/${t.maxScore}`)}`);
    if (t.output && (t.status === "failed" || t.output !== "")) {
      for (const l of t.output.split("\n")) lines.push(`    ${t.status === "failed" ? l : kleur.dim(l)}`);
    }
  }
  if (r.stdout) {
    lines.push("", kleur.bold("console output:"));
    for (const l of r.stdout.replace(/\n$/, "").split("\n")) lines.push(`  ${l}`);
  }
  return lines.join("\n");
}
