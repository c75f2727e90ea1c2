/**
 * The gradebook as CSV for spreadsheets and LMS imports: identifying columns first (the roster's
 * student ID, email, name, section), then per exercise its score, attempts and status, then the
 * total. An exercise never attempted has an empty score and the status "no attempt", so it is
 * never read as a 0. Every cell goes through lib/course/csv.ts (formula injection neutralised).
 */
import { safeCsv, type CsvCell } from "../../lib/course/csv.ts";
import type { GradebookItem, GradebookRow } from "../../lib/course/gradebook.ts";

export type CsvRow = GradebookRow & { learner: GradebookRow["learner"] & { studentId: string } };

/** One cell's status word: no attempt, not graded yet, override, late, on time. */
export function cellStatus(cell: GradebookRow["cells"][string] | undefined, overridden: boolean): string {
  if (overridden) return "override";
  if (!cell || (cell.attempts === 0 && cell.lastAt === null)) return "no attempt";
  if (cell.best === null) return "not graded";
  return cell.late ? "late" : "on time";
}

export function gradebookCsv(rows: CsvRow[], items: GradebookItem[], overridden: Set<string> = new Set()): string {
  const header: CsvCell[] = ["Student ID", "Email", "Name", "Section"];
  for (const i of items) header.push(`${i.title} (${i.maxScore})`, `${i.title} attempts`, `${i.title} status`);
  header.push("Total");
  const body = rows.map((r) => {
    const out: CsvCell[] = [r.learner.studentId, r.learner.email, r.learner.name, r.learner.section];
    for (const i of items) {
      const c = r.cells[i.exerciseId];
      out.push(c?.best ?? "", c?.attempts ?? 0, cellStatus(c, overridden.has(`${r.learner.id}:${i.exerciseId}`)));
    }
    out.push(r.total);
    return out;
  });
  return safeCsv([header, ...body]);
}
