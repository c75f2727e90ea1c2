/**
 * Verdict latency per exercise, for a correct and a failing solution, through every path:
 * in-process (isolate in this process), the sandbox child as the worker runs it, the CLI as a
 * whole process, and the HTTP API end to end. Modes are interleaved rep by rep.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Exercise } from "../grader/exercises.ts";
import { gradeCode } from "../grader/grade.ts";
import { IsolateTransport } from "../grader/sandbox/isolate-transport.ts";
import type { GradeResult } from "../lib/result.ts";
import type { ApiClient } from "./api.ts";
import { summarize, type Summary } from "./stats.ts";
import { sandboxOpen, sandboxOpenCold, sandboxOpenName } from "./sandbox-path.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

export type Mode = "inProcess" | "child" | "childCold" | "cli" | "api";

export interface VariantLatency {
  file: string;
  status: string;
  score: string;
  inProcess: Summary | null;
  child: Summary | null;
  childCold: Summary | null;
  cli: Summary | null;
  api: Summary | null;
}

export interface LatencyReport {
  note: string;
  /** exercise id → the correct solution's summaries (the brief's shape) plus both variants. */
  byExercise: Record<string, Record<string, unknown>>;
}

export interface LatencyOptions {
  exercises: Exercise[];
  reps: Record<Mode, number>;
  api: ApiClient | null;
  log: (s: string) => void;
}

/** The CLI exactly as a user runs it: a fresh `node bin/gradlab.js grade ... --json`. */
export function runCli(id: string, file: string): Promise<{ ms: number; result: GradeResult }> {
  const env = { ...process.env };
  // The bench itself runs with NODE_OPTIONS=--no-node-snapshot; a user's shell does not.
  delete env.NODE_OPTIONS;
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [resolve(ROOT, "bin/gradlab.js"), "grade", id, file, "--json"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => {
      const ms = performance.now() - t0;
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        res({ ms, result: JSON.parse(out) as GradeResult });
      } catch (e) {
        rej(new Error(`gradlab grade ${id} ${file}: ${(e as Error).message}: ${err.slice(-500)}`));
      }
    });
  });
}

export async function latencyBench(opts: LatencyOptions): Promise<LatencyReport> {
  const cases = opts.exercises.flatMap((ex) => {
    const wrong = ex.files.wrong[0];
    const v: { ex: Exercise; kind: "correct" | "failing"; file: string }[] = [{ ex, kind: "correct", file: ex.files.solution }];
    if (wrong) v.push({ ex, kind: "failing", file: wrong });
    return v.map((c) => ({ ...c, code: readFileSync(c.file, "utf8"), samples: { inProcess: [], child: [], childCold: [], cli: [], api: [] } as Record<Mode, number[]>, status: "", score: "" }));
  });
  // Warm-up: the worker and the in-process grader are long-lived, so they are measured warm.
  for (const c of cases) {
    await gradeCode(c.ex, c.code, { openTransport: IsolateTransport.open, filename: basename(c.file) });
    await gradeCode(c.ex, c.code, { openTransport: sandboxOpen(), filename: basename(c.file) });
  }
  const maxReps = Math.max(...Object.values(opts.reps));
  for (let r = 0; r < maxReps; r++) {
    for (const c of cases) {
      const check = (res: GradeResult, mode: Mode) => {
        const summary = `${res.status} ${res.score}/${res.maxScore}`;
        if (c.kind === "correct" && res.status !== "passed") throw new Error(`${c.ex.id} solution graded ${summary} via ${mode}`);
        if (c.kind === "failing" && res.status === "passed") throw new Error(`${c.ex.id} wrong variant ${c.file} passed via ${mode}`);
        c.status ||= res.status;
        c.score ||= `${res.score}/${res.maxScore}`;
      };
      if (r < opts.reps.inProcess) {
        const t0 = performance.now();
        const res = await gradeCode(c.ex, c.code, { openTransport: IsolateTransport.open, filename: basename(c.file) });
        c.samples.inProcess.push(performance.now() - t0);
        check(res, "inProcess");
      }
      if (r < opts.reps.child) {
        const t0 = performance.now();
        const res = await gradeCode(c.ex, c.code, { openTransport: sandboxOpen(), filename: basename(c.file), revealHidden: true });
        c.samples.child.push(performance.now() - t0);
        check(res, "child");
      }
      if (r < opts.reps.childCold) {
        const t0 = performance.now();
        const res = await gradeCode(c.ex, c.code, { openTransport: sandboxOpenCold(), filename: basename(c.file), revealHidden: true });
        c.samples.childCold.push(performance.now() - t0);
        check(res, "childCold");
      }
      if (r < opts.reps.cli) {
        const { ms, result } = await runCli(c.ex.id, c.file);
        c.samples.cli.push(ms);
        check(result, "cli");
      }
      if (opts.api && r < opts.reps.api) {
        const { ms, result } = await opts.api.gradeEndToEnd(c.ex.id, c.code);
        c.samples.api.push(ms);
        check(result, "api");
      }
    }
    opts.log(`latency: rep ${r + 1}/${maxReps}`);
  }
  const byExercise: Record<string, Record<string, unknown>> = {};
  const note =
      `Wall ms from code in hand to verdict in hand. inProcess: gradeCode with IsolateTransport.open in the bench process (warm). ` +
      `child: gradeCode as the worker runs it (${sandboxOpenName()}; warm process). childCold: the same with a child started on demand (no pool). cli: a fresh \`node bin/gradlab.js grade <id> <file> --json\` process (as from a shell, without NODE_OPTIONS). ` +
      `api: POST /api/submissions then GET /api/submissions/:id every 20 ms until done (server + 2 workers). Reps per mode: ${JSON.stringify(opts.reps)}.`;
  for (const c of cases) {
    const entry = (byExercise[c.ex.id] ??= {}) as Record<string, unknown>;
    const s = (m: Mode) => (c.samples[m].length ? summarize(c.samples[m]) : null);
    entry[c.kind] = { file: c.file.slice(ROOT.length + 1), status: c.status, score: c.score, inProcess: s("inProcess"), child: s("child"), childCold: s("childCold"), cli: s("cli"), api: s("api") };
    // The brief's shape: latency.<id>.{inProcess,cli,api} is the correct solution's.
    if (c.kind === "correct") Object.assign(entry, { inProcess: s("inProcess"), child: s("child"), childCold: s("childCold"), cli: s("cli"), api: s("api") });
  }
  return { note, byExercise };
}
