/**
 * `gradlab` — the command line. Contracts (DESIGN.md): `grade <id> <file> --json` prints one
 * result JSON and exits 0 whenever grading completed (2 on a usage error); `validate [dir]`;
 * `list --json`.
 */
import { Command, CommanderError } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadCatalogue, type Catalogue } from "../grader/exercises.ts";
import { gradeCode } from "../grader/grade.ts";
import { formatReport, reportLocale } from "./report.ts";
import { graderCatalog } from "../lib/messages/translations.ts";
import { ChildPool } from "../grader/sandbox/child-pool.ts";
import { IsolateTransport } from "../grader/sandbox/isolate-transport.ts";
import { validateCatalogue, validationTarget } from "../grader/validate.ts";
import { formatValidation } from "./validate.ts";
import { peekLimits } from "./peek-limits.ts";

class UsageError extends Error {}

async function catalogueOrDie(dir?: string): Promise<Catalogue> {
  const cat = await loadCatalogue(dir ? resolve(dir) : undefined);
  return cat;
}

const program = new Command("gradlab")
  .description("GradLab: deep learning from scratch, graded.")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command("grade")
  .description("grade one file against an exercise")
  .argument("<exercise-id>", "the exercise id (see `gradlab list`)")
  .argument("<file>", "the learner's .ts or .js file")
  .option("--json", "print the result JSON only")
  .option("--seed <hex>", "seed for the hidden cases (default: fresh random)")
  .option("--reveal-hidden", "show hidden checks' details (instructors)")
  .option("--in-process", "run learner code in this process (faster; trusted code only)")
  .option("--lang <locale>", "the report's language (e.g. zh-CN; default: LC_ALL / LANG, else English). --json always has the English output and the texts' keys")
  .action(async (id: string, file: string, opts: { json?: boolean; seed?: string; revealHidden?: boolean; inProcess?: boolean; lang?: string }) => {
    let locale: string;
    try {
      locale = reportLocale(opts.lang);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    // Start the sandbox child first (from the exercise's limits): it boots on the other core
    // while the catalogue and the reference engine load.
    const pool = opts.inProcess ? undefined : new ChildPool({ refill: false });
    const peeked = pool && existsSync(file) ? peekLimits(id) : undefined;
    if (pool && peeked) void pool.prewarm(peeked).catch(() => {});
    // Only this exercise's checks are loaded; the whole catalogue only to explain an unknown id.
    const ex = (await loadCatalogue(undefined, { only: id })).exercises.find((e) => e.id === id);
    if (!ex) {
      pool?.close();
      const cat = await catalogueOrDie();
      const known = cat.exercises.map((e) => e.id).join(", ");
      const broken = cat.problems.some((p) => p.file.includes(`/${id}/`)) ? ` (exercise '${id}' exists but failed to load: run \`gradlab validate\`)` : "";
      throw new UsageError(`unknown exercise '${id}'${broken}. Known exercises: ${known || "(none)"}`);
    }
    if (!existsSync(file)) {
      pool?.close();
      throw new UsageError(`no such file: ${file}`);
    }
    const code = readFileSync(file, "utf8");
    // Keep stdout for the JSON alone: anything else that prints goes to stderr.
    const log = console.log;
    console.log = (...a: unknown[]) => console.error(...a);
    let result;
    try {
      result = await gradeCode(ex, code, {
        filename: file.split("/").pop(),
        hiddenSeed: opts.seed,
        revealHidden: opts.revealHidden,
        openTransport: pool ? pool.open : IsolateTransport.open,
      });
    } finally {
      pool?.close();
    }
    console.log = log;
    process.stdout.write(opts.json ? JSON.stringify(result) + "\n" : formatReport(result, { locale, catalog: graderCatalog(locale, ex.dir) }) + "\n");
  });

program
  .command("validate")
  .description("check every exercise: solution gets full marks, starter and wrong/ variants do not")
  .argument("[dir]", "the exercises folder, a set folder or an exercise folder (default: ./exercises)")
  .option("--json", "print a JSON report")
  .option("--only <ids>", "comma-separated exercise ids")
  .option("--seeds <n>", "grade the solution and every wrong variant with this many fresh hidden seeds", "1")
  .action(async (dir: string | undefined, opts: { json?: boolean; only?: string; seeds: string }) => {
    const target = validationTarget(dir);
    const cat = await loadCatalogue(target.root);
    const report = await validateCatalogue(cat, { only: opts.only?.split(","), seeds: Number(opts.seeds), target });
    process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : formatValidation(report) + "\n");
    process.exitCode = report.ok ? 0 : 1;
  });

program
  .command("new")
  .description("scaffold an exercise folder: gradlab new 03-layers/gelu")
  .argument("<set/id>", "set folder and exercise id")
  .option("--dir <dir>", "exercises folder", "exercises")
  .action(async (spec: string, opts: { dir: string }) => {
    const { scaffoldExercise } = await import("./new-exercise.ts");
    let files: string[];
    try {
      files = scaffoldExercise(resolve(opts.dir), spec);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    process.stdout.write(`created:\n${files.map((f) => `  ${f}`).join("\n")}\nnext: edit them, then \`gradlab validate --only ${spec.split("/")[1]}\`\n`);
  });

program
  .command("list")
  .description("the catalogue: ids, titles, points, exports")
  .option("--json", "print JSON")
  .action(async (opts: { json?: boolean }) => {
    const cat = await catalogueOrDie();
    const rows = cat.exercises.map((e) => ({ id: e.id, set: e.set, title: e.meta.title, points: e.points, exports: e.meta.exports, topic: e.meta.topic, tags: e.meta.tags, version: e.version }));
    if (opts.json) process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    else for (const r of rows) process.stdout.write(`${r.set.padEnd(28)} ${r.id.padEnd(24)} ${String(r.points).padStart(3)} pts  ${r.title}\n`);
    for (const p of cat.problems) process.stderr.write(`warning: ${p.file}: ${p.message}\n`);
  });

// The grading queue's commands: worker (SQLite or PostgreSQL queue), relay.
const { registerQueueCommands } = await import("./queue-commands.ts");
registerQueueCommands(program);

// Accounts, tokens and serving the web app live with the app (app/ owns its server side).
const { registerAppCommands } = await import("./app-commands.ts");
registerAppCommands(program);

// Backups of the data folder while the server runs.
const { registerBackupCommands } = await import("./backup-commands.ts");
registerBackupCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof UsageError) {
    process.stderr.write(`gradlab: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`gradlab: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  }
}
