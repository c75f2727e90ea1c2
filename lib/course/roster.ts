/**
 * Roster CSV import: `email,name,section[,student_id]` (a header row, any column order, extra columns
 * ignored). Every bad row is reported with its line and field; a file with any bad row imports
 * nothing (the caller applies rows only when `errors` is empty).
 */
import { parse } from "csv-parse/sync";

export interface RosterRow {
  email: string;
  name: string;
  section: string;
  /** The institution's student ID (optional column `student_id`), exported with the gradebook. */
  studentId: string;
  line: number;
}

export interface RosterError {
  line: number;
  field?: string;
  message: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_ROSTER_ROWS = 5000;

export function parseRoster(csv: string): { rows: RosterRow[]; errors: RosterError[] } {
  let records: string[][];
  try {
    records = parse(csv.replace(/^\uFEFF/, ""), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    return { rows: [], errors: [{ line: line ?? 1, message: `the file is not valid CSV: ${(e as Error).message}` }] };
  }
  if (records.length === 0) return { rows: [], errors: [{ line: 1, message: "the file is empty: expected a header row `email,name,section` and one row per learner" }] };
  const header = records[0].map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const missing = ["email", "name"].filter((c) => col(c) < 0);
  if (missing.length) return { rows: [], errors: [{ line: 1, message: `the header row lacks ${missing.map((m) => `'${m}'`).join(" and ")} (found: ${records[0].join(", ")}); expected email,name,section` }] };
  if (records.length - 1 > MAX_ROSTER_ROWS) return { rows: [], errors: [{ line: 1, message: `the file has ${records.length - 1} rows; at most ${MAX_ROSTER_ROWS} per import` }] };
  const rows: RosterRow[] = [];
  const errors: RosterError[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((r, i) => {
    const line = i + 2;
    const email = (r[col("email")] ?? "").toLowerCase();
    const name = r[col("name")] ?? "";
    const section = col("section") >= 0 ? (r[col("section")] ?? "") : "";
    const idCol = ["student_id", "student id", "studentid"].map(col).find((c) => c >= 0) ?? -1;
    const studentId = idCol >= 0 ? (r[idCol] ?? "").slice(0, 64) : "";
    if (!email) errors.push({ line, field: "email", message: "email is empty" });
    else if (!EMAIL.test(email)) errors.push({ line, field: "email", message: `"${email}" is not an email address` });
    else if (seen.has(email)) errors.push({ line, field: "email", message: `${email} is already on line ${seen.get(email)}` });
    if (!name) errors.push({ line, field: "name", message: "name is empty" });
    if (email) seen.set(email, seen.get(email) ?? line);
    rows.push({ email, name, section, studentId, line });
  });
  return { rows: errors.length ? [] : rows, errors };
}
