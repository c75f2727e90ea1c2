/**
 * The machine-independent figure of issue 19: the share of the machine spent on grading itself.
 *   efficiency = verdicts/s × (mean in-process grading ms of the same mix) / (cores × 1000)
 * and, from a profile of the surge, where each verdict's CPU goes (ms per verdict, per process
 * and per phase of the grading thread).
 */
import { readFileSync } from "node:fs";
import type { Exercise } from "../grader/exercises.ts";
import { gradeCode, sandboxLimits } from "../grader/grade.ts";
import { harnessScript } from "../grader/sandbox/bundle.ts";
import { ChildTransport } from "../grader/sandbox/child-transport.ts";
import { cpuBetween, snapshotTree, type CpuByClass } from "./cpu-profile.ts";
import { round } from "./stats.ts";

/** Mean ms of grading the mix in this process (one isolate per submission, no child, no queue). */
export async function inProcessMeanMs(mix: { ex: Exercise; code: string }[]): Promise<number> {
  const seen = new Set<string>();
  for (const s of mix) {
    if (seen.has(s.ex.id)) continue;
    seen.add(s.ex.id);
    await gradeCode(s.ex, s.code); // warm: the reference engine, the exercise's first run
  }
  let total = 0;
  for (const s of mix) total += (await gradeCode(s.ex, s.code)).durationMs;
  return total / mix.length;
}

/** CPU ms to start one sandbox child (bubblewrap, node, isolated-vm, the harness), read from its process tree once ready. */
export async function sandboxSetupCpuMs(ex: Exercise, reps: number): Promise<number> {
  const harness = await harnessScript();
  let total = 0;
  for (let i = 0; i < reps; i++) {
    const c = await ChildTransport.prepare(sandboxLimits(ex), harness);
    await c.ready;
    const cpu = cpuBetween({ at: 0, procs: new Map(), machineBusyMs: 0 }, snapshotTree(c.pid ? [c.pid] : []));
    total += cpu.sandbox + cpu.other;
    c.dispose();
  }
  return total / reps;
}

interface GradingRecord {
  thread: "grading" | "main";
  cpuMs: number;
  gradingMs?: number;
  transpile?: number;
  open?: number;
  load?: number;
  checks?: number;
  finish?: number;
}

export interface VerdictBreakdown {
  verdicts: number;
  /** CPU ms per verdict. */
  webServer: number;
  /**
   * The worker process less its grading thread's recorded phases (as reported since the bench
   * had it; split in `worker` below: most of it is not the queue). Session 5's 10.5-11.6 ms were
   * main thread 3.3-3.5 (the queue), V8's helper threads 5.8-6.8 and the grading thread outside
   * its phases 1.3-1.6.
   */
  workerQueueSide: number;
  /** The worker processes by thread (from /proc/<pid>/task). */
  worker: {
    total: number;
    /** The main thread: leases, heartbeats, reading the submission, storing the verdict (database, JSON), waking. */
    mainThread: number;
    /** V8's helper threads: garbage collection and optimizing compilers of both isolates (mostly the grading thread's work). */
    v8Helpers: number;
    /** The grading thread outside its recorded phases: checking the exercise's files, refilling the sandbox pool, replying. */
    gradingThreadOutsidePhases: number;
    /** libuv's pool and the rest. */
    other: number;
  };
  /** The grading thread: transpiling, opening the sandbox, the reference and checks (with the encoding of values), building the result. */
  gradingThread: { total: number; transpile: number; openSandbox: number; loadModule: number; referenceAndChecks: number; result: number };
  /**
   * Sandbox children: their start-up (measured alone, times the children started per verdict: a
   * child serves up to GRADLAB_SANDBOX_REUSE submissions) and the rest (each submission's fresh
   * isolate and harness, the learner's code, decoding values).
   */
  sandboxChild: { total: number; childrenPerVerdict: number | null; startUp: number; learnerCode: number };
  esbuild: number;
  /** Everything GradLab spent, per verdict. */
  gradlabTotal: number;
  /** The in-process grading ms of the mix, per verdict: what the work itself costs. */
  gradingWork: number;
  /** gradingWork / gradlabTotal: the share of GradLab's own CPU that is grading work (load-independent). */
  cpuEfficiency: number;
  /** The whole machine's busy CPU per verdict (other users' load included). */
  machineBusy: number;
}

const r1 = (x: number) => round(x, 1);

export function verdictBreakdown(cpu: CpuByClass, profileFile: string | undefined, verdicts: number, sandboxStartUpMs: number, inProcessMs: number): VerdictBreakdown {
  const recs: GradingRecord[] = [];
  if (profileFile) {
    for (const line of readFileSync(profileFile, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        recs.push(JSON.parse(line) as GradingRecord);
      } catch {
        /* a line cut by a kill */
      }
    }
  }
  const grading = recs.filter((r) => r.thread === "grading");
  const sum = (k: keyof GradingRecord) => grading.reduce((s, r) => s + (Number(r[k]) || 0), 0);
  const n = Math.max(1, verdicts);
  const gradingCpu = sum("cpuMs");
  const sandbox = cpu.sandbox / n;
  // Without a count of children (a snapshot pair, not a sampled run), assume one child a verdict, as before reuse.
  const perVerdictChildren = cpu.sandboxChildren === undefined ? null : cpu.sandboxChildren / n;
  const startUp = sandboxStartUpMs * (perVerdictChildren ?? 1);
  const total = (cpu.web + cpu.worker + cpu.sandbox + cpu.esbuild + cpu.supervisor) / n;
  return {
    verdicts,
    webServer: r1(cpu.web / n),
    workerQueueSide: r1((cpu.worker - gradingCpu) / n),
    worker: {
      total: r1(cpu.worker / n),
      mainThread: r1(cpu.workerThreads.main / n),
      v8Helpers: r1(cpu.workerThreads.v8Helpers / n),
      gradingThreadOutsidePhases: r1(Math.max(0, cpu.workerThreads.grading - gradingCpu) / n),
      other: r1(cpu.workerThreads.other / n),
    },
    gradingThread: {
      total: r1(gradingCpu / n),
      transpile: r1(sum("transpile") / n),
      openSandbox: r1(sum("open") / n),
      loadModule: r1(sum("load") / n),
      referenceAndChecks: r1(sum("checks") / n),
      result: r1(sum("finish") / n),
    },
    sandboxChild: { total: r1(sandbox), childrenPerVerdict: perVerdictChildren === null ? null : round(perVerdictChildren, 3), startUp: r1(Math.min(sandbox, startUp)), learnerCode: r1(Math.max(0, sandbox - startUp)) },
    esbuild: r1(cpu.esbuild / n),
    gradlabTotal: r1(total),
    gradingWork: r1(inProcessMs),
    cpuEfficiency: round(inProcessMs / total, 3),
    machineBusy: r1(cpu.machineBusyMs / n),
  };
}
