/** The human-readable summary of a bench report. */
import type { BenchReport } from "./main.ts";
import type { Summary } from "./stats.ts";

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);
const f = (x: number | null | undefined, d = 0) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(d));
const sm = (s: Summary | null | undefined) => (s ? `${f(s.p50)} / ${f(s.p95)} / ${f(s.max)}` : "—");

export function formatTable(r: BenchReport): string {
  const out: string[] = [];
  out.push(`GradLab bench — ${r.machine}`);
  out.push(`(${r.durationS} s; ratios above 1 mean GradLab is ahead)`);
  const ids = Object.keys(r.latency);
  if (ids.length) {
    out.push("", "Verdict latency, ms (p50 / p95 / max)");
    out.push(`${pad("exercise", 24)}${pad("solution", 9)}${lpad("in-process", 18)}${lpad("sandbox (pool)", 18)}${lpad("sandbox (cold)", 18)}${lpad("CLI process", 20)}${lpad("HTTP API", 20)}`);
    for (const id of ids) {
      for (const kind of ["correct", "failing"]) {
        const v = r.latency[id]![kind] as Record<string, Summary | null> | undefined;
        if (!v) continue;
        out.push(`${pad(kind === "correct" ? id : "", 24)}${pad(kind, 9)}${lpad(sm(v.inProcess), 18)}${lpad(sm(v.child), 18)}${lpad(sm(v.childCold), 18)}${lpad(sm(v.cli), 20)}${lpad(sm(v.api), 20)}`);
      }
    }
    if (!r.api.available) out.push(`HTTP API: not measured (${r.api.reason})`);
  }
  const t = r.throughput;
  if (t) {
    out.push("", `Throughput (${t.workers} workers, via ${t.via})`);
    out.push(`  burst of ${t.burst.submissions}: ${f(t.verdictsPerSecond, 2)} verdicts/s; verdict p50/p95 ${f(t.burst.verdict.p50)}/${f(t.burst.verdict.p95)} ms; grading p50 ${f(t.burst.grading.p50)} ms`);
    const s = t.surge;
    out.push(`  surge of ${s.submissions} within ${s.windowS} s: last verdict at ${f(s.lastVerdictS, 1)} s (${f(s.drainAfterLastArrivalS, 1)} s after the last arrival); queue wait p50/p95/max ${sm(s.queueWait)} ms; max queue ${s.maxQueueLength}`);
    out.push(`  web server during the surge: ${s.serverP99Ms !== null ? `p99 ${f(s.serverP99Ms)} ms (POST p50 ${f(s.server!.post.p50)}, GET p50 ${f(s.server!.get.p50)})` : (s.serverNote ?? "not measured")}`);
    out.push(`  efficiency ${f(t.efficiency, 3)} = ${f(t.verdictsPerSecond, 2)} verdicts/s × ${f(t.inProcessMs, 1)} ms in process / (${t.cores} cores × 1000); load average ${f(t.loadAverage.burst, 1)} → ${f(t.loadAverage.surgeEnd, 1)}`);
    const v = t.perVerdict;
    if (v) {
      const g = v.gradingThread;
      out.push(`  CPU ms per verdict in the surge (${v.verdicts}): web server ${f(v.webServer, 1)}; worker outside the grading phases ${f(v.workerQueueSide, 1)} (main thread: queue, database, JSON ${f(v.worker?.mainThread, 1)}; V8 helper threads: GC, compilers ${f(v.worker?.v8Helpers, 1)}; grading thread outside its phases ${f(v.worker?.gradingThreadOutsidePhases, 1)}); ` +
        `grading thread ${f(g.total, 1)} (transpile ${f(g.transpile, 1)}, open sandbox ${f(g.openSandbox, 1)}, load ${f(g.loadModule, 1)}, reference + checks ${f(g.referenceAndChecks, 1)}, result ${f(g.result, 1)}); ` +
        `sandbox child ${f(v.sandboxChild.total, 1)} (start-up ${f(v.sandboxChild.startUp, 1)}${v.sandboxChild.childrenPerVerdict === null ? "" : ` for ${f(v.sandboxChild.childrenPerVerdict, 3)} children a verdict`}, fresh isolate, learner's code and decoding ${f(v.sandboxChild.learnerCode, 1)}); esbuild ${f(v.esbuild, 1)}`);
      out.push(`  GradLab total ${f(v.gradlabTotal, 1)} ms CPU per verdict for ${f(v.gradingWork, 1)} ms of grading work: CPU efficiency ${f(v.cpuEfficiency, 3)}; the whole machine was busy ${f(v.machineBusy, 1)} ms per verdict`);
      if (t.client) out.push(`  the bench's own CPU ms per verdict (not GradLab): burst ${f(t.client.burst, 1)}; surge ${f(t.client.surge, 1)} (+ ${f(t.client.surgeSampling, 1)} sampling the CPU)`);
    }
  }
  const so = r.scaleOut;
  if (so) {
    out.push("", `Scale-out: ${so.submissions} ${so.exercise} submissions from ${so.learners} learners, ${so.workers} workers (SQLite queue vs pg-boss on PostgreSQL)`);
    out.push(`${pad("", 40)}${lpad("SQLite", 14)}${lpad("pg-boss", 14)}`);
    const { sqlite, pgboss } = so;
    const both = (name: string, get: (e: typeof sqlite) => string) => out.push(`${pad(name, 40)}${lpad(get(sqlite), 14)}${lpad(pgboss ? get(pgboss) : "—", 14)}`);
    both("verdicts/s", (e) => f(e.verdictsPerSecond, 2));
    both("queue wait p50 / p95, ms", (e) => `${f(e.queueWait.p50)} / ${f(e.queueWait.p95)}`);
    both(`fairness: quick job's wait behind ${so.longJobs} long, ms`, (e) => f(e.fairnessWaitMs));
    if (!so.pgboss) out.push(`  pg-boss: not measured (${so.pgbossReason})`);
  }
  const rt = r.runtime;
  if (rt) {
    out.push("", `Learner runtime, ms per op (nd kernel: ${rt.ndKernel}); ratio = tfjs / nd-in-sandbox`);
    out.push(`${pad("", 26)}${lpad("nd host", 10)}${lpad("nd isolate", 12)}${lpad("nd sandbox", 12)}${lpad("tfjs-wasm", 11)}${lpad("tfjs-cpu", 10)}${lpad("vs wasm", 9)}${lpad("vs cpu", 8)}`);
    const row = (name: string, c: { ms: Record<string, number | undefined>; ratioVsTfjsWasm: number; ratioVsTfjsCpu: number }) =>
      out.push(`${pad(name, 26)}${lpad(f(c.ms.ndHost, 3), 10)}${lpad(f(c.ms.ndIsolate, 3), 12)}${lpad(f(c.ms.ndSandbox, 3), 12)}${lpad(f(c.ms.tfjsWasm, 3), 11)}${lpad(f(c.ms.tfjsCpu, 3), 10)}${lpad(f(c.ratioVsTfjsWasm, 2), 9)}${lpad(f(c.ratioVsTfjsCpu, 2), 8)}`);
    for (const [shape, c] of Object.entries(rt.matmul.shapes)) row(`matmul ${shape}`, c);
    row("conv2d, loops", rt.conv2d.loops);
    row("conv2d, im2col + matmul", rt.conv2d.im2col);
    row("MLP training step", rt.mlpStep);
    out.push(`  matmul (3 shapes together): ${f(rt.matmul.ratioVsTfjsWasm, 2)}x tfjs-wasm, ${f(rt.matmul.ratioVsTfjsCpu, 2)}x tfjs-cpu (host TypeScript kernel: ${f(rt.matmul.hostRatioVsTfjsWasm, 2)}x tfjs-wasm)`);
  }
  const nb = r.notebook;
  if (nb) {
    out.push("", "Notebook path (dense-layer check)");
    if (nb.skipped) out.push(`  skipped: ${nb.skipped}`);
    else out.push(`  gradlab grade (CLI) ${f(nb.gradlabMs)} ms vs jupyter nbconvert --execute ${f(nb.notebookMs)} ms → ${f(nb.ratio, 2)}x (long-lived worker: ${f(nb.gradlab?.worker.p50)} ms)`);
  }
  const po = r.pageOpen;
  if (po && "skipped" in po) out.push("", `Page open: skipped (${po.skipped})`);
  else if (po) {
    const tg = po.targets;
    out.push("", `Page open: ${po.note}`);
    out.push(`${pad("visit", 10)}${lpad("MB", 8)}${lpad("requests", 16)}${lpad("editor ms", 12)}${lpad("Monaco ms", 12)}${lpad("Run usable ms", 15)}${lpad("first Run ms", 14)}`);
    for (const v of po.visits) {
      const req = v.runs[0] ? `${v.runs[0].requests}` : "—";
      out.push(`${pad(v.name, 10)}${lpad(f(v.bytes / 1e6, 2), 8)}${lpad(req, 16)}${lpad(f(v.editorMs?.p50), 12)}${lpad(f(v.monacoMs?.p50), 12)}${lpad(f(v.runUsableMs?.p50), 15)}${lpad(f(v.firstRunMs?.p50), 14)}`);
    }
    out.push(`  targets, second visit on an idle machine: editor ≤ ${tg.editorMs} ms, Run usable ≤ ${tg.runUsableMs} ms, first Run ≤ ${tg.firstRunMs} ms; load average ${po.visits[0]?.runs.map((x) => f(x.loadAverage1m, 1)).join(", ")}`);
  }
  return out.join("\n");
}
