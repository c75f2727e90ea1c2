/**
 * Sandbox crossings and CPU per verdict for the throughput mix (issue 19, batched learner calls):
 * the grading thread's path (gradeCode through the warm child pool, settled by verdict), with every
 * request to a sandbox child counted (call, get, put, and callMany where the code has it) and the
 * CPU of this process (the host side of grading) and of the sandbox children (sampled from /proc,
 * start-ups included).
 * Each round runs two fresh processes: one with callMany hidden from the grader, which then sends
 * every call on its own (the code before batching, at the crossing level), and one with it: side by
 * side in one checkout, with one sandbox child script.
 *
 *   NODE_OPTIONS=--no-node-snapshot node bench/sandbox-crossings.ts [submissions=40] [rounds=2]
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "../grader/exercises.ts";
import { gradeCode } from "../grader/grade.ts";
import { referenceTf } from "../grader/reference/tf.ts";
import { ChildPool } from "../grader/sandbox/child-pool.ts";
import type { SandboxTransport } from "../lib/sandbox/transport.ts";
import { submissionMix } from "./throughput.ts";
import { sampleTree } from "./cpu-profile.ts";

const MIX = "dense,softmax-cross-entropy,conv2d,optimizers,scalar-autodiff,activations,mse,max-pool,layernorm,lr-schedule";
const EXERCISES = (process.env.GRADLAB_BENCH_EXERCISES ?? MIX).split(",");

/** Requests that reach the child: one each for call/get/put, one for a whole batch. */
const counts = { requests: 0, learnerCalls: 0 };

function counted(t: SandboxTransport, batches: boolean): SandboxTransport {
  const wrap = <A extends unknown[], R>(f: (...a: A) => Promise<R>, calls: (r: R) => number) => async (...a: A) => {
    counts.requests++;
    const r = await f(...a);
    counts.learnerCalls += calls(r);
    return r;
  };
  const many = batches ? t.callMany?.bind(t) : undefined;
  return {
    load: (s) => t.load(s),
    call: wrap(t.call.bind(t), () => 1),
    get: wrap(t.get.bind(t), () => 1),
    put: wrap(t.put.bind(t), () => 0),
    ...(many ? { callMany: wrap(many, (r) => r.length) } : {}),
    logs: () => t.logs(),
    dispose: () => t.dispose(),
  };
}

async function oneRun(n: number, batches: boolean) {
  const exercises = await Promise.all(EXERCISES.map(async (id) => (await loadCatalogue(undefined, { only: id })).exercises.find((e) => e.id === id)!));
  await referenceTf();
  // As the worker's shared pool: one child kept ready, each serving up to GRADLAB_SANDBOX_REUSE (32) submissions.
  const pool = new ChildPool({ size: 1, reuse: Number(process.env.GRADLAB_SANDBOX_REUSE ?? 32) });
  const mix = submissionMix(exercises, n);
  // Warm-up: module loading, the reference engine, JIT, the pool's first children.
  for (const s of mix.slice(0, exercises.length)) await grade(pool, s.ex, s.code, batches);
  counts.requests = counts.learnerCalls = 0;
  const sampler = sampleTree([process.pid], 50);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const verdicts: Record<string, number> = {};
  for (const s of mix) {
    const status = await grade(pool, s.ex, s.code, batches);
    verdicts[status] = (verdicts[status] ?? 0) + 1;
  }
  const wallS = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(cpu0);
  const cpu = sampler.stop();
  pool.close();
  const hostMs = (own.user + own.system) / 1000 - (cpu.samplingMs ?? 0) + cpu.esbuild;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    batches,
    submissions: n,
    verdicts,
    requestsPerVerdict: r1(counts.requests / n),
    learnerCallsPerVerdict: r1(counts.learnerCalls / n),
    hostCpuMsPerVerdict: r1(hostMs / n),
    childrenCpuMsPerVerdict: r1(cpu.sandbox / n),
    cpuMsPerVerdict: r1((hostMs + cpu.sandbox) / n),
    wallS: r1(wallS),
    load1: r1(loadavg()[0]!),
  };
}

/** As grading-thread-main.ts grades: the child goes back to the pool only after a clean verdict. */
async function grade(pool: ChildPool, ex: Parameters<typeof gradeCode>[0], code: string, batches: boolean): Promise<string> {
  const sandboxes = pool.submission();
  let clean = false;
  try {
    const open = async (...a: Parameters<typeof sandboxes.open>) => counted(await sandboxes.open(...a), batches);
    const r = await gradeCode(ex, code, { revealHidden: true, openTransport: open });
    clean = r.status === "passed" || r.status === "failed";
    return r.status;
  } finally {
    sandboxes.settle(clean);
  }
}

if (import.meta.main) {
  const [nArg, roundsArg, flag] = process.argv.slice(2);
  const n = Number(nArg ?? 40);
  if (flag === "--run" || flag === "--run-sequential") {
    process.stdout.write(JSON.stringify(await oneRun(n, flag === "--run")) + "\n");
    process.exit(0);
  }
  for (let round = 0; round < Number(roundsArg ?? 2); round++) {
    for (const mode of ["--run-sequential", "--run"]) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(n), "1", mode], { encoding: "utf8", timeout: 600_000 });
      if (r.status !== 0) throw new Error(`run failed: ${r.stderr.slice(-2000)}`);
      process.stdout.write(r.stdout);
    }
  }
  process.exit(0);
}
