/**
 * `npm run bench` — GradLab's benchmark: verdict latency per path, throughput and a deadline
 * surge through the real queue, the learner's runtime (nd) against tfjs, and the notebook path.
 *
 *   npm run bench                       # prints a table (a few minutes on 2 cores)
 *   npm run bench -- --json report.json # also writes the whole report
 *   options: --quick  --only runtime,latency,throughput,notebook,scaleOut,pageOpen  --surge-window <s>
 *            --build-web (build the web app if it is not built)  --no-api  --no-install
 *   GRADLAB_WORKERS=N (default 2): the worker processes behind the latency and throughput benches
 *
 * Ratios: above 1 means GradLab is ahead. Every comparison runs side by side in the same run,
 * interleaved, because a shared machine is noisy.
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCatalogue, type Exercise } from "../grader/exercises.ts";
import { referenceTf } from "../grader/reference/tf.ts";
import { machineInfo, type MachineInfo } from "./machine.ts";
import { runtimeBench, type RuntimeReport } from "./runtime.ts";
import { latencyBench, type LatencyReport } from "./latency.ts";
import { throughputBench, type ThroughputReport } from "./throughput.ts";
import { notebookBench, type NotebookReport } from "./notebook.ts";
import { scaleOutBench, type ScaleOutReport } from "./scale-out.ts";
import { startApi, type ApiClient } from "./api.ts";
import { closeSandboxes, sandboxOpenName } from "./sandbox-path.ts";
import { formatTable } from "./table.ts";
import { pageOpenBench, type PageOpenReport } from "./page-open.ts";

/** Latency: a representative handful. Throughput mix: those plus a few more cheap ones. */
const LATENCY_IDS = ["dense", "softmax-cross-entropy", "conv2d", "optimizers", "scalar-autodiff"];
const MIX_IDS = [...LATENCY_IDS, "activations", "mse", "max-pool", "layernorm", "lr-schedule"];
const SECTIONS = ["runtime", "latency", "throughput", "notebook", "scaleOut", "pageOpen"] as const;

export interface BenchReport {
  machine: string;
  machineDetail: MachineInfo;
  startedAt: string;
  durationS: number;
  options: Record<string, unknown>;
  gradingPath: string;
  latency: Record<string, Record<string, unknown>>;
  throughput: ThroughputReport | null;
  runtime: RuntimeReport | null;
  notebook: NotebookReport | null;
  /** The same surge through the SQLite queue and pg-boss on PostgreSQL, side by side. */
  scaleOut: ScaleOutReport | null;
  /** An exercise page opening in headless Chromium: first and later visits (bench/page-open.ts). */
  pageOpen: PageOpenReport | { skipped: string } | null;
  api: { available: boolean; reason?: string };
  notes: Record<string, string>;
}

function parseArgs(argv: string[]) {
  const o = { json: undefined as string | undefined, quick: false, only: new Set<string>(SECTIONS), surgeWindow: 30, buildWeb: false, api: true, install: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") o.json = argv[++i];
    else if (a === "--quick") o.quick = true;
    else if (a === "--only") o.only = new Set(argv[++i]!.split(","));
    else if (a === "--surge-window") o.surgeWindow = Number(argv[++i]);
    else if (a === "--build-web") o.buildWeb = true;
    else if (a === "--no-api") o.api = false;
    else if (a === "--no-install") o.install = false;
    else if (a === "--help" || a === "-h") {
      process.stdout.write("npm run bench -- [--json FILE] [--quick] [--only runtime,latency,throughput,notebook,scaleOut,pageOpen] [--surge-window S] [--build-web] [--no-api] [--no-install]\n");
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  for (const s of o.only) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`unknown section ${s}`);
  return o;
}

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const q = opts.quick;
  const cat = await loadCatalogue();
  const pick = (ids: string[]) => ids.map((id) => cat.exercises.find((e) => e.id === id)).filter((e): e is Exercise => !!e);
  const latencyEx = pick(LATENCY_IDS);
  const mixEx = pick(MIX_IDS);
  const tf = await referenceTf();
  const machine = await machineInfo(tf as never);
  log(machine.summary);
  const notes: Record<string, string> = {};
  const report: BenchReport = {
    machine: machine.summary,
    machineDetail: machine,
    startedAt,
    durationS: 0,
    options: { quick: q, sections: [...opts.only], surgeWindowS: opts.surgeWindow },
    gradingPath: sandboxOpenName(),
    latency: {},
    throughput: null,
    runtime: null,
    notebook: null,
    scaleOut: null,
    pageOpen: null,
    api: { available: false },
    notes,
  };
  const missing = LATENCY_IDS.filter((id) => !latencyEx.some((e) => e.id === id));
  if (missing.length) notes.exercises = `not in the catalogue, skipped: ${missing.join(", ")}`;

  if (opts.only.has("runtime")) {
    log("runtime: nd vs tfjs-wasm / tfjs-cpu…");
    report.runtime = await runtimeBench({ rounds: q ? 2 : 5, targetMs: q ? 40 : 80, log });
  }

  // As `gradlab start` reads it; 2 unless set (the figures are on 2 workers).
  const WORKERS = Math.max(1, Number(process.env.GRADLAB_WORKERS ?? 2) | 0);
  // The workers write per-verdict CPU records here (grader/worker/profile-log.ts).
  const profileLog = join(tmpdir(), `gradlab-bench-profile-${process.pid}.jsonl`);
  process.env.GRADLAB_PROFILE_LOG = profileLog;

  let api: ApiClient | null = null;
  if (opts.api && (opts.only.has("latency") || opts.only.has("throughput"))) {
    const a = await startApi({ buildWeb: opts.buildWeb, workers: WORKERS, log });
    if ("reason" in a) {
      report.api = { available: false, reason: a.reason };
      log(`api: skipped (${a.reason})`);
    } else {
      api = a;
      report.api = { available: true };
    }
  } else if (!opts.api) report.api = { available: false, reason: "--no-api" };

  try {
    if (opts.only.has("latency")) {
      log(`latency: ${latencyEx.map((e) => e.id).join(", ")}…`);
      const reps = q ? { inProcess: 3, child: 3, childCold: 2, cli: 2, api: 2 } : { inProcess: 10, child: 10, childCold: 5, cli: 5, api: 5 };
      const l: LatencyReport = await latencyBench({ exercises: latencyEx, reps, api, log });
      report.latency = l.byExercise;
      notes.latency = l.note + (api ? "" : ` api: null (${report.api.reason}).`);
    }
    if (opts.only.has("throughput")) {
      log(`throughput: ${mixEx.map((e) => e.id).join(", ")}…`);
      report.throughput = await throughputBench({
        exercises: mixEx,
        // 120, not 40: verdicts/s is measured from the first POST to the last verdict, so the first
        // grade's latency (the pipeline filling) weighs ~10% on a 2 s burst and ~3% on a 6 s one,
        // and a 2 s window swings with whatever else the machine does for a moment.
        burst: q ? 12 : 120,
        surge: q ? 60 : 300,
        windowS: q ? Math.min(10, opts.surgeWindow) : opts.surgeWindow,
        workers: WORKERS,
        api,
        log,
        profileLog,
      });
      notes.throughput = report.throughput.note + " mnist-mlp is left out of the mix (each verdict trains a network for 5-15 s; see latency/runtime).";
    }
  } finally {
    await api?.stop();
  }

  if (opts.only.has("notebook")) {
    log("notebook: jupyter nbconvert --execute vs gradlab grade…");
    report.notebook = await notebookBench({ dense: cat.exercises.find((e) => e.id === "dense"), reps: q ? 1 : 3, install: opts.install, log });
  }
  if (opts.only.has("scaleOut")) {
    const byId = (id: string) => cat.exercises.find((e) => e.id === id);
    const ex = byId("count-params") ?? byId("dense");
    const longEx = byId("dense") ?? ex;
    if (ex && longEx) {
      report.scaleOut = await scaleOutBench({ ex, longEx, workers: 4, submissions: q ? 200 : 1000, learners: q ? 20 : 100, longJobs: 20, longJobMs: q ? 1_000 : 2_000, log });
      notes.scaleOut = report.scaleOut.note;
    } else notes.scaleOut = "skipped: neither count-params nor dense is in the catalogue";
  }
  if (opts.only.has("pageOpen")) {
    log("pageOpen: the dense exercise page in headless Chromium, first and later visits…");
    report.pageOpen = await pageOpenBench({ rounds: q ? 1 : 3, log });
  }
  if (report.runtime) notes.runtime = report.runtime.note;

  closeSandboxes();
  rmSync(profileLog, { force: true });
  report.durationS = Math.round((performance.now() - t0) / 100) / 10;
  process.stdout.write(formatTable(report) + "\n");
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify(report, null, 2) + "\n");
    log(`wrote ${opts.json}`);
  }
}

try {
  await main();
  process.exit(0);
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}
