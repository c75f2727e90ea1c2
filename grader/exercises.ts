/**
 * Loading exercises from `exercises/<set>/<id>/`. Every problem is collected (not just the
 * first) and names its file and field, so an author fixes them all in one pass.
 *
 * Files, by role (who sees what):
 *   exercise.json   metadata                                  → browser
 *   statement.md    the statement, Markdown + KaTeX math      → browser
 *   starter.ts      what the learner starts from              → browser
 *   checks.ts       the checks (visible ones run in the browser's Run; hidden inputs are drawn
 *                   per submission, so the code holds no secret values)
 *   solution.ts     the instructor's solution                 → never leaves the server
 *   driver.ts       optional trusted code run inside the sandbox next to learner code
 *   wrong/*.ts      known-wrong variants that must not get full marks (validation)
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { exerciseMetaSchema, type ExerciseMeta } from "../lib/exercise.ts";
import type { CheckSuite } from "../lib/checks/define.ts";

export const DEFAULT_EXERCISES_DIR = resolve(fileURLToPath(new URL("../exercises", import.meta.url)));

export interface Exercise {
  id: string;
  set: string;
  dir: string;
  meta: ExerciseMeta;
  /** Total points (the sum of the checks' points). */
  points: number;
  /** Content hash of every file of the exercise: the version a submission is graded against. */
  version: string;
  suite: CheckSuite;
  files: { statement: string; starter: string; solution: string; checks: string; driver?: string; wrong: string[] };
}

export interface ExerciseSet {
  id: string;
  title: string;
  exercises: Exercise[];
}

export interface LoadProblem {
  file: string;
  message: string;
}

export interface Catalogue {
  sets: ExerciseSet[];
  exercises: Exercise[];
  problems: LoadProblem[];
}

function listDirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith(".") && statSync(join(dir, n)).isDirectory())
    .sort();
}

function hashFiles(paths: string[]): string {
  const h = createHash("sha256");
  for (const p of paths.sort()) {
    h.update(p.split("/").slice(-3).join("/"));
    h.update("\0");
    h.update(readFileSync(p));
    h.update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

/**
 * The exercise as it is on disk now: the same object when its files have not changed, else it
 * loaded anew (a long-running worker grades regrades against the current version). Modules that
 * checks.ts imports from elsewhere are not reloaded: changing those needs a worker restart.
 */
export async function refreshExercise(ex: Exercise): Promise<Exercise> {
  if (!existsSync(ex.dir)) return ex;
  const version = hashFiles(gradingFiles(ex.dir));
  if (version === ex.version) return ex;
  const problems: LoadProblem[] = [];
  const fresh = await loadExercise(ex.set, ex.dir, "", problems, version);
  if (!fresh) throw new Error(`exercise ${ex.id} changed on disk and no longer loads: ${problems.map((p) => `${p.file}: ${p.message}`).join("; ")}`);
  return fresh;
}

/** Every file that can change how a submission is graded: all but the solution and wrong/ variants. */
function gradingFiles(dir: string, sub = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, sub)).sort()) {
    const rel = join(sub, name);
    if (rel === "solution.ts" || rel === "wrong" || name.startsWith(".")) continue;
    const full = join(dir, rel);
    if (statSync(full).isDirectory()) out.push(...gradingFiles(dir, rel));
    else out.push(full);
  }
  return out;
}

function setTitle(setId: string, dir: string): string {
  const meta = join(dir, "set.json");
  if (existsSync(meta)) {
    try {
      const t = (JSON.parse(readFileSync(meta, "utf8")) as { title?: unknown }).title;
      if (typeof t === "string") return t;
    } catch {
      /* reported by validate via the exercises themselves; a title falls back to the id */
    }
  }
  return setId.replace(/^\d+-/, "").replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
}

async function loadExercise(setId: string, dir: string, root: string, problems: LoadProblem[], version?: string): Promise<Exercise | undefined> {
  const id = dir.split("/").pop()!;
  const rel = (f: string) => relative(process.cwd(), join(dir, f)) || join(dir, f);
  const before = problems.length;
  const need = ["exercise.json", "statement.md", "starter.ts", "solution.ts", "checks.ts"];
  for (const f of need) if (!existsSync(join(dir, f))) problems.push({ file: rel(f), message: `missing: every exercise needs ${need.join(", ")}` });
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) problems.push({ file: rel(""), message: `folder name "${id}" is not a valid exercise id (lowercase words joined by '-')` });

  let meta: ExerciseMeta | undefined;
  if (existsSync(join(dir, "exercise.json"))) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, "exercise.json"), "utf8"));
    } catch (e) {
      problems.push({ file: rel("exercise.json"), message: `not valid JSON: ${(e as Error).message}` });
    }
    if (raw !== undefined) {
      const parsed = exerciseMetaSchema.safeParse(raw);
      if (parsed.success) meta = parsed.data;
      else for (const issue of parsed.error.issues) problems.push({ file: rel("exercise.json"), message: `field '${issue.path.join(".") || "(root)"}': ${issue.message}` });
    }
  }

  let suite: CheckSuite | undefined;
  if (existsSync(join(dir, "checks.ts"))) {
    try {
      // A version in the URL loads changed checks anew (Node caches modules by URL).
      const url = pathToFileURL(join(dir, "checks.ts")).href + (version ? `?v=${version}` : "");
      const mod = (await import(url)) as { default?: CheckSuite };
      if (!mod.default || !Array.isArray(mod.default.checks)) problems.push({ file: rel("checks.ts"), message: "must `export default defineChecks({ checks: [...] })`" });
      else suite = mod.default;
    } catch (e) {
      problems.push({ file: rel("checks.ts"), message: `could not be loaded: ${(e as Error).message}` });
    }
  }
  for (const f of ["starter.ts", "solution.ts"]) {
    if (meta && existsSync(join(dir, f))) {
      const text = readFileSync(join(dir, f), "utf8");
      for (const name of meta.exports) {
        if (!new RegExp(`export\\s+(async\\s+)?(function|class|const|let)\\s+${name}\\b`).test(text)) {
          problems.push({ file: rel(f), message: `does not export '${name}' (listed in exercise.json 'exports')` });
        }
      }
    }
  }
  if (problems.length > before || !meta || !suite) return undefined;

  const wrongDir = join(dir, "wrong");
  const wrong = existsSync(wrongDir) ? readdirSync(wrongDir).filter((f) => /\.(ts|js)$/.test(f)).sort().map((f) => join(wrongDir, f)) : [];
  const driver = existsSync(join(dir, "driver.ts")) ? join(dir, "driver.ts") : undefined;
  const files = {
    statement: join(dir, "statement.md"),
    starter: join(dir, "starter.ts"),
    solution: join(dir, "solution.ts"),
    checks: join(dir, "checks.ts"),
    driver,
    wrong,
  };
  void root;
  return {
    id,
    set: setId,
    dir,
    meta,
    points: suite.checks.reduce((s, c) => s + c.points, 0),
    version: hashFiles(gradingFiles(dir)),
    suite,
    files,
  };
}

/**
 * Load every exercise under `root` (default: the repo's exercises/). `only`: load just the
 * exercise with that id (what `gradlab grade` needs; loading every exercise's checks is slow).
 */
export async function loadCatalogue(root = process.env.GRADLAB_EXERCISES_DIR ?? DEFAULT_EXERCISES_DIR, opts: { only?: string } = {}): Promise<Catalogue> {
  const problems: LoadProblem[] = [];
  const sets: ExerciseSet[] = [];
  const byId = new Map<string, Exercise>();
  if (!existsSync(root)) return { sets, exercises: [], problems: [{ file: root, message: "no such folder" }] };
  for (const setId of listDirs(root)) {
    const setDir = join(root, setId);
    const exercises: Exercise[] = [];
    for (const exId of listDirs(setDir)) {
      if (opts.only !== undefined && exId !== opts.only) continue;
      const ex = await loadExercise(setId, join(setDir, exId), root, problems);
      if (!ex) continue;
      const dup = byId.get(ex.id);
      if (dup) {
        problems.push({ file: relative(process.cwd(), ex.dir), message: `exercise id '${ex.id}' is also used by ${relative(process.cwd(), dup.dir)}; ids must be unique` });
        continue;
      }
      byId.set(ex.id, ex);
      exercises.push(ex);
    }
    exercises.sort((a, b) => a.meta.order - b.meta.order || a.id.localeCompare(b.id));
    if (exercises.length) sets.push({ id: setId, title: setTitle(setId, setDir), exercises });
  }
  return { sets, exercises: sets.flatMap((s) => s.exercises), problems };
}
