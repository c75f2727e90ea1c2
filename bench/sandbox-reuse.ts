/**
 * CPU per verdict with and without reusing sandbox children (issue 19; GRADLAB_SANDBOX_REUSE):
 * the grading thread's path (gradeCode with the shared pool's submission() and settle by verdict),
 * without the queue and the web server, for a run of dense/activations submissions (the bench's
 * mix: 70% correct, the rest wrong variants, each one distinct). Each setting runs in a fresh
 * process, interleaved (the machine is shared and its load drifts).
 *
 *   [GRADLAB_BENCH_EXERCISES=dense,conv2d,…] NODE_OPTIONS=--no-node-snapshot node bench/sandbox-reuse.ts [submissions=40] [rounds=2] [reuse settings=1,32]
 *
 * CPU ms: this process's own (process.cpuUsage: the host side of grading, less the sampling below)
 * and esbuild's, and the sandbox children's (bwrap and Node), sampled from /proc every 50 ms.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "../grader/exercises.ts";
import { gradeCode } from "../grader/grade.ts";
import { referenceTf } from "../grader/reference/tf.ts";
import { ChildPool } from "../grader/sandbox/child-pool.ts";
import { submissionMix } from "./throughput.ts";
import { sampleTree, snapshotTree } from "./cpu-profile.ts";


const EXERCISES = (process.env.GRADLAB_BENCH_EXERCISES ?? "dense,activations").split(",");

interface RunFigures {
  reuse: number;
  submissions: number;
  verdicts: Record<string, number>;
  hostCpuMs: number;
  childrenCpuMs: number;
  cpuMsPerVerdict: number;
  childrenCpuMsPerVerdict: number;
  wallS: number;
  childrenStarted: number;
  /** Children handed back for another submission / killed at a submission's end. */
  recycled: number;
  killed: number;
  /** Children started and ended, by why (ChildPool.why). */
  why: ChildPool["why"];
  /** Sandbox processes seen (bwrap and Node per child). */
  sandboxProcesses: number;
  /** CPU of the sampling itself, taken out of hostCpuMs. */
  samplingCpuMs: number;
  load1: number;
}

/** Until every sandbox child of this process has exited (esbuild's service stays). */
async function noSandboxChildren(): Promise<void> {
  const end = Date.now() + 30_000;
  const live = () => [...snapshotTree([process.pid]).procs.values()].some((p) => p.cls === "sandbox");
  while (live() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

async function oneRun(reuse: number, n: number): Promise<RunFigures> {
  const exercises = await Promise.all(EXERCISES.map(async (id) => (await loadCatalogue(undefined, { only: id })).exercises.find((e) => e.id === id)!));
  await referenceTf();
  // Warm-up (module loading, the reference engine, JIT): its children are gone before counting.
  const warm = new ChildPool({ reuse });
  for (const s of submissionMix(exercises, 2)) await grade(warm, s.ex, s.code);
  warm.close();
  await noSandboxChildren();

  const pool = new ChildPool({ reuse });
  const mix = submissionMix(exercises, n);
  // CPU of this process's descendants, sampled every 50 ms (a SIGKILLed child's time reaches no
  // one's cutime: its last sample is kept), and the sampling's own CPU, subtracted from this process's.
  const sampler = sampleTree([process.pid], 50);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const verdicts: Record<string, number> = {};
  for (const s of mix) {
    const status = await grade(pool, s.ex, s.code);
    verdicts[status] = (verdicts[status] ?? 0) + 1;
  }
  const wallS = (performance.now() - t0) / 1000;
  pool.close();
  await noSandboxChildren();
  const own = process.cpuUsage(cpu0);
  const cpu = sampler.stop();
  // The host side of grading (transpile, reference, checks, IPC), less the sampling; and esbuild's service.
  const samplingMs = cpu.samplingMs ?? 0;
  const hostCpuMs = (own.user + own.system) / 1000 - samplingMs + cpu.esbuild;
  const childMs = cpu.sandbox;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    reuse,
    submissions: n,
    verdicts,
    hostCpuMs: round(hostCpuMs),
    childrenCpuMs: round(childMs),
    cpuMsPerVerdict: round((hostCpuMs + childMs) / n),
    childrenCpuMsPerVerdict: round(childMs / n),
    wallS: round(wallS),
    childrenStarted: Object.values(pool.why.started).reduce((a, b) => a + b, 0),
    recycled: pool.reuseStats.recycled,
    killed: pool.reuseStats.killed,
    why: pool.why,
    sandboxProcesses: cpu.sandboxProcesses ?? 0,
    samplingCpuMs: round(samplingMs),
    load1: round(loadavg()[0]!),
  };
}

/** As grading-thread-main.ts grades: the child goes back to the pool only after a clean verdict. */
async function grade(pool: ChildPool, ex: Parameters<typeof gradeCode>[0], code: string): Promise<string> {
  const sandboxes = pool.submission();
  let clean = false;
  try {
    const r = await gradeCode(ex, code, { revealHidden: true, openTransport: sandboxes.open });
    clean = r.status === "passed" || r.status === "failed";
    return r.status;
  } finally {
    sandboxes.settle(clean);
  }
}

if (import.meta.main) {
  const [nArg, roundsArg, settingsArg, child] = process.argv.slice(2);
  const n = Number(nArg ?? 40);
  if (child === "--run") {
    process.stdout.write(JSON.stringify(await oneRun(Number(settingsArg), n)) + "\n");
    process.exit(0);
  }
  const settings = (settingsArg ?? "1,32").split(",").map(Number);
  const rows: RunFigures[] = [];
  for (let round = 0; round < Number(roundsArg ?? 2); round++) {
    for (const reuse of settings) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(n), "1", String(reuse), "--run"], { encoding: "utf8", timeout: 600_000 });
      if (r.status !== 0) throw new Error(`run failed: ${r.stderr.slice(-2000)}`);
      const row = JSON.parse(r.stdout.trim().split("\n").pop()!) as RunFigures;
      rows.push(row);
      process.stdout.write(JSON.stringify(row) + "\n");
    }
  }
  process.exit(0);
}
