/**
 * Issue 19 item 4: one mnist-mlp grade of the reference solution through a sandbox child (the
 * worker's path), as a running worker does it (the digits parsed and the reference engine loaded
 * first). Reports the grade's wall, the grading thread's CPU, the sandbox children's CPU and the
 * 1-minute load average.
 *
 *   NODE_OPTIONS=--no-node-snapshot node bench/mnist-grade.ts [--root DIR] [--reps N] [--seed HEX] [--solution FILE]
 *
 * `--root` grades with another checkout's code (a git worktree of a base commit, for side-by-side
 * runs with this same script); default this checkout.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

function options(argv: string[]) {
  const o = { root: resolve(fileURLToPath(new URL("..", import.meta.url))), reps: 1, seed: "0123456789abcdef", solution: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--root") o.root = resolve(argv[++i]!);
    else if (a === "--reps") o.reps = Number(argv[++i]);
    else if (a === "--seed") o.seed = argv[++i]!;
    else if (a === "--solution") o.solution = resolve(argv[++i]!);
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/**
 * CPU ms of this process's descendants (the sandbox children, bubblewrap's included), sampled
 * every 100 ms from /proc by a worker thread (off the grading thread, whose CPU is measured): a
 * killed child under bubblewrap is reaped by its namespace, not by us, so cutime misses it.
 * Each pid's last sample counts (up to 100 ms of a child's end may be missed).
 */
function startDescendantSampler(): { stop: () => Promise<Map<number, number>> } {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const { readdirSync, readFileSync } = require("node:fs");
    const root = workerData.root, seen = new Map();
    const tick = () => {
      const parent = new Map(), cpu = new Map();
      for (const d of readdirSync("/proc")) {
        if (!/^[0-9]+$/.test(d)) continue;
        try {
          const s = readFileSync("/proc/" + d + "/stat", "utf8");
          const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
          parent.set(+d, +f[1]);
          cpu.set(+d, ((+f[11]) + (+f[12])) * 10);
        } catch {}
      }
      for (const [pid, ms] of cpu) {
        let p = parent.get(pid), hops = 0;
        while (p && p !== root && hops++ < 20) p = parent.get(p);
        if (p === root) seen.set(pid, ms);
      }
    };
    const timer = setInterval(tick, 100);
    parentPort.on("message", () => { clearInterval(timer); tick(); parentPort.postMessage(seen); });
  `;
  const worker = new Worker(source, { eval: true, workerData: { root: process.pid } });
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once("message", (m: Map<number, number>) => {
          void worker.terminate();
          resolve(m);
        });
        worker.postMessage("stop");
      }),
  };
}

const threadCpuMs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

const o = options(process.argv.slice(2));
const { loadCatalogue } = await import(`${o.root}/grader/exercises.ts`);
const { gradeCode } = await import(`${o.root}/grader/grade.ts`);
const { sharedChildPool } = await import(`${o.root}/grader/sandbox/child-pool.ts`);
const { loadMnist } = await import(`${o.root}/datasets/mnist.ts`);
const { referenceTf } = await import(`${o.root}/grader/reference/tf.ts`);

const catalogue = await loadCatalogue();
const exercise = catalogue.exercises.find((e: { id: string }) => e.id === "mnist-mlp");
if (!exercise) throw new Error("no mnist-mlp in the catalogue");
const code = readFileSync(o.solution ?? exercise.files.solution, "utf8");
loadMnist();
await referenceTf();

for (let rep = 0; rep < o.reps; rep++) {
  const before = await startDescendantSampler().stop();
  const sampler = startDescendantSampler();
  const c0 = threadCpuMs();
  const t0 = performance.now();
  const r = await gradeCode(exercise, code, { openTransport: sharedChildPool().open, hiddenSeed: o.seed });
  const wall = performance.now() - t0;
  const thread = threadCpuMs() - c0;
  const after = await sampler.stop();
  // Children's CPU during the grade (a pre-spawned child's start-up before it is not counted).
  let children = 0;
  for (const [pid, ms] of after) children += ms - (before.get(pid) ?? 0);
  const lost = r.tests.filter((t: { score: number; maxScore: number }) => t.score < t.maxScore).map((t: { name: string }) => t.name);
  process.stdout.write(
    `${JSON.stringify({ root: o.root, status: r.status, score: `${r.score}/${r.maxScore}`, wallMs: Math.round(wall), gradingThreadCpuMs: Math.round(thread), childrenCpuMs: Math.round(children), load1: Number(loadavg()[0].toFixed(2)), lost })}\n`,
  );
}
sharedChildPool().close();
process.exit(0);
