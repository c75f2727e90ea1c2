/**
 * The grading thread's own CPU per verdict (issue 19): the throughput mix graded as
 * grading-thread-main.ts grades it (gradeCode through a reusing child pool, the learner's code in
 * sandbox children), this thread's CPU (process.threadCpuUsage: not the children, not V8's helper
 * threads) per verdict, by phase and by exercise. For a profile, run it under `node --cpu-prof`.
 *
 *   [GRADLAB_BENCH_EXERCISES=dense,…] NODE_OPTIONS=--no-node-snapshot node bench/grading-thread-cpu.ts [submissions=60] [rounds=1]
 */
import { loadavg } from "node:os";
import { loadCatalogue } from "../grader/exercises.ts";
import { gradeCode, type GradePhases } from "../grader/grade.ts";
import { referenceTf } from "../grader/reference/tf.ts";
import { ChildPool } from "../grader/sandbox/child-pool.ts";
import { submissionMix } from "./throughput.ts";

const MIX = "dense,softmax-cross-entropy,conv2d,optimizers,scalar-autodiff,activations,mse,max-pool,layernorm,lr-schedule";
const EXERCISES = (process.env.GRADLAB_BENCH_EXERCISES ?? MIX).split(",");

const threadCpuMs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};
/** Every thread of this process: the grading thread plus V8's helpers (garbage collection, compilers). */
const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 60);
  const rounds = Number(process.argv[3] ?? 1);
  const exercises = await Promise.all(EXERCISES.map(async (id) => (await loadCatalogue(undefined, { only: id })).exercises.find((e) => e.id === id)!));
  await referenceTf();
  const pool = new ChildPool({ reuse: 32 });
  const grade = async (s: { ex: (typeof exercises)[number]; code: string }, phases?: GradePhases) => {
    const sandboxes = pool.submission();
    let clean = false;
    try {
      const r = await gradeCode(s.ex, s.code, { revealHidden: true, openTransport: sandboxes.open, phases });
      clean = r.status === "passed" || r.status === "failed";
      return r;
    } finally {
      sandboxes.settle(clean);
    }
  };
  // Warm-up: module loading, the reference engine's kernels, JIT (a running worker is past this).
  for (const s of submissionMix(exercises, exercises.length * 3)) await grade(s);
  for (let round = 0; round < rounds; round++) {
    const mix = submissionMix(exercises, n);
    const byEx = new Map<string, { n: number; cpu: number }>();
    const phases: GradePhases = { transpile: 0, open: 0, load: 0, checks: 0, finish: 0 };
    const statuses: Record<string, number> = {};
    const c0 = threadCpuMs();
    const p0 = processCpuMs();
    for (const s of mix) {
      const t = threadCpuMs();
      const r = await grade(s, phases);
      const e = byEx.get(s.ex.id) ?? { n: 0, cpu: 0 };
      e.n++;
      e.cpu += threadCpuMs() - t;
      byEx.set(s.ex.id, e);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
    const total = threadCpuMs() - c0;
    const processTotal = processCpuMs() - p0;
    const out = {
      round,
      submissions: n,
      cpuMsPerVerdict: r1(total / n),
      processCpuMsPerVerdict: r1(processTotal / n),
      phasesPerVerdict: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, r1(v / n)])),
      byExercise: Object.fromEntries([...byEx].map(([id, e]) => [id, r1(e.cpu / e.n)])),
      statuses,
      load1: r1(loadavg()[0]!),
    };
    process.stdout.write(JSON.stringify(out) + "\n");
  }
  pool.close();
}

await main();
process.exit(0);
