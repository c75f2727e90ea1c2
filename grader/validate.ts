/** What `gradlab validate` checks: every solution gets full marks; the starter and every wrong/ variant do not; every statement renders. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { renderStatement } from "../lib/statement/render.ts";
import { readTranslationSource, translationSourceHash } from "../lib/statement/translation.ts";
import { DEFAULT_EXERCISES_DIR, type Catalogue } from "./exercises.ts";
import { gradeCode } from "./grade.ts";

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
  /** Worth fixing, not failing: a translated statement older than its English, or with no record of which English it translates. */
  warnings: { file: string; message: string }[];
  entries: ValidationEntry[];
}

/**
 * What `gradlab validate <dir>` validates: the catalogue root (its set folders), one set folder
 * (its exercise folders) or one exercise folder (it holds exercise.json). The catalogue is always
 * loaded from its root, so ids and sets are what the app sees; `within` narrows the selection.
 */
export interface ValidationTarget {
  root: string;
  /** Only exercises (and load problems) under this folder; the whole catalogue when absent. */
  within?: string;
  /** The folder as the user gave it, for messages. */
  label: string;
}

const isExerciseDir = (d: string) => existsSync(join(d, "exercise.json"));
const subdirs = (d: string) => readdirSync(d).map((n) => join(d, n)).filter((p) => statSync(p).isDirectory());

export function validationTarget(dir?: string): ValidationTarget {
  if (dir === undefined) return { root: process.env.GRADLAB_EXERCISES_DIR ?? DEFAULT_EXERCISES_DIR, label: "the catalogue" };
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return { root: abs, label: dir };
  if (isExerciseDir(abs)) return { root: dirname(dirname(abs)), within: abs, label: dir };
  if (subdirs(abs).some(isExerciseDir)) return { root: dirname(abs), within: abs, label: dir };
  return { root: abs, label: dir };
}

/**
 * Every statement of an exercise rendered as the exercise page renders it (a KaTeX error, a literal
 * $$ or a raw table fails): the English and each translation (statement.<locale>.md). A translation
 * whose recorded hash is not its English's is older than the English: a warning, as is one without
 * a record (`<!-- translation-of: sha256:… -->` on its first line, lib/statement/translation.ts).
 */
function checkStatements(english: string, problems: ValidationReport["problems"], warnings: ValidationReport["warnings"]): void {
  const englishText = readFileSync(english, "utf8");
  const rendered = (file: string, text: string) => {
    const rel = relative(process.cwd(), file);
    for (const p of renderStatement(text).problems) problems.push({ file: p.line ? `${rel}:${p.line}` : rel, message: p.message });
  };
  rendered(english, englishText);
  const dir = dirname(english);
  for (const name of readdirSync(dir).filter((n) => /^statement\.[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\.md$/.test(n)).sort()) {
    const file = join(dir, name);
    const text = readFileSync(file, "utf8");
    rendered(file, text);
    const recorded = readTranslationSource(text);
    const current = translationSourceHash(englishText);
    const rel = relative(process.cwd(), file);
    if (!recorded) warnings.push({ file: rel, message: `no record of the English it translates: put <!-- translation-of: sha256:${current} --> on its first line once it matches statement.md` });
    else if (recorded !== current) {
      warnings.push({ file: rel, message: `older than statement.md (it translates sha256:${recorded}, the English is now sha256:${current}): bring it up to date, then record the new hash on its first line` });
    }
  }
}

const under = (file: string, dir: string) => {
  const f = resolve(file);
  return f === dir || f.startsWith(dir + sep);
};

export async function validateCatalogue(cat: Catalogue, opts: { only?: string[]; seeds?: number; target?: ValidationTarget } = {}): Promise<ValidationReport> {
  const entries: ValidationEntry[] = [];
  const within = opts.target?.within;
  const selected = cat.exercises.filter((ex) => (!opts.only || opts.only.includes(ex.id)) && (!within || under(ex.dir, within)));
  // Each statement rendered as the exercise page renders it: a KaTeX error, a literal $$ or a raw table fails.
  const problems = cat.problems.filter((p) => !within || under(p.file, within));
  // A validation that looked at nothing must not pass.
  if (selected.length === 0 && problems.length === 0) {
    const where = opts.target?.label ?? "the catalogue";
    const filter = opts.only ? ` with id ${opts.only.join(" or ")}` : "";
    problems.push({
      file: where,
      message: `found no exercise${filter} in ${where}: give the catalogue folder (e.g. exercises), a set folder (exercises/03-layers) or an exercise folder (exercises/03-layers/dense)`,
    });
  }
  const warnings: ValidationReport["warnings"] = [];
  for (const ex of selected) checkStatements(ex.files.statement, problems, warnings);
  for (const ex of selected) {
    // On every hidden seed tried, the solution must get full marks and no wrong variant may: a
    // variant that passes on some seeds is a mistake that only lucky draws catch (pin it with a fixed case).
    const seeds = Math.max(1, opts.seeds ?? 1);
    const each = (role: ValidationEntry["role"], file: string) => Array.from({ length: seeds }, () => [role, file] as [ValidationEntry["role"], string]);
    const runs: [ValidationEntry["role"], string][] = [...each("solution", ex.files.solution), ["starter", ex.files.starter], ...ex.files.wrong.flatMap((f) => each("wrong", f))];
    for (const [role, file] of runs) {
      const r = await gradeCode(ex, readFileSync(file, "utf8"), { filename: file.split("/").pop(), revealHidden: true });
      const full = r.status === "passed";
      let problem: string | undefined;
      if (role === "solution" && !full) {
        const failed = r.tests.filter((t) => t.status === "failed").map((t) => `${t.name}: ${t.output}`);
        problem = `the solution did not get full marks with hidden seed ${r.seed} (${r.status}${r.message ? `: ${r.message}` : ""})${failed.length ? "\n    " + failed.join("\n    ") : ""}`;
      }
      if (role !== "solution" && full) problem = `the ${role} variant got full marks with hidden seed ${r.seed}; it must not`;
      entries.push({ exercise: ex.id, file: relative(process.cwd(), file), role, ok: !problem, score: r.score, maxScore: r.maxScore, status: r.status, problem, ms: r.durationMs });
    }
  }
  return { ok: problems.length === 0 && entries.every((e) => e.ok), problems, warnings, entries };
}
