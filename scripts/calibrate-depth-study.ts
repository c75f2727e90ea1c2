/**
 * Calibrates depth-study's thresholds: runs each given learner file on the hidden task of seeds
 * first..first+n-1 (`hiddenSetup(seed)`: the spiral, its points and the width that a submission
 * whose seed is `seed` gets), in the grading sandbox with the exercise's limits, and scores the
 * returned layers as the checks do (tfjs forward on the held-out points). Prints per file and
 * depth: held-out accuracy mean, sd, min, max; the gap depth 1 → best of depths 3-4; study time.
 *
 * Run (heavy: about a minute per file for 50 seeds; under the shared lock):
 *   flock /tmp/gradlab-heavy.lock nice -n 10 node --no-node-snapshot scripts/calibrate-depth-study.ts \
 *     --seeds 50 exercises/05-training/depth-study/solution.ts exercises/05-training/depth-study/wrong/relus-removed.ts
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { referenceTf } from "../grader/reference/tf.ts";
import { loadCatalogue } from "../grader/exercises.ts";
import { sandboxLimits } from "../grader/grade.ts";
import { transpileLearner } from "../lib/sandbox/transpile.ts";
import { harnessScript } from "../grader/sandbox/bundle.ts";
import { IsolateTransport } from "../grader/sandbox/isolate-transport.ts";
import { PacketSession } from "../lib/sandbox/transport.ts";
import { Learner } from "../lib/checks/learner.ts";
import { accuracyOf, argmaxRows, referenceMlpLogits, type DenseParams } from "../lib/checks/training.ts";
import { SandboxFn } from "../lib/wire.ts";
import { hiddenSetup } from "../exercises/05-training/depth-study/checks.ts";
import { Tensor } from "../lib/nd/index.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seeds: { type: "string", default: "50" }, first: { type: "string", default: "1" } } });
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.first) + i);

const cat = await loadCatalogue();
const ex = cat.exercises.find((e) => e.id === "depth-study");
if (!ex) throw new Error("depth-study not in the catalogue");
const tf = await referenceTf();
const harness = await harnessScript();

const stats = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return { mean, sd, min: Math.min(...v), max: Math.max(...v) };
};
const pct = (x: number) => (100 * x).toFixed(1);
const show = (v: number[]) => {
  const s = stats(v);
  return `mean ${pct(s.mean)}% (sd ${pct(s.sd)}), min ${pct(s.min)}%, max ${pct(s.max)}%`;
};

for (const file of positionals) {
  const compiled = await transpileLearner(readFileSync(file, "utf8"), file.split("/").pop()!);
  if (!compiled.ok) throw new Error(compiled.message);
  const accs: number[][] = [[], [], [], []];
  const gaps: number[] = [];
  const times: number[] = [];
  for (const seed of seeds) {
    const setup = hiddenSetup(seed);
    const transport = await IsolateTransport.open(sandboxLimits(ex), { harness });
    try {
      const session = new PacketSession(transport, compiled.mapLocation);
      const loaded = await session.load(compiled.script);
      if (!loaded.ok) throw new Error(loaded.message);
      const learner = new Learner(session);
      const t0 = performance.now();
      const out = (await learner.call("depthStudy", setup.task, new SandboxFn("uniform", [setup.randomSeed]))) as { layers: { w: Tensor; b: Tensor }[] }[];
      times.push((performance.now() - t0) / 1000);
      const a = out.map((m) => {
        const layers: DenseParams[] = m.layers.map((l) => ({ w: new Tensor(Float64Array.from(l.w.data), l.w.shape), b: new Tensor(Float64Array.from(l.b.data), l.b.shape) }));
        return accuracyOf(argmaxRows(referenceMlpLogits(tf, layers, setup.heldOut.x), 2), setup.heldOut.y);
      });
      a.forEach((x, d) => accs[d].push(x));
      gaps.push(Math.max(a[2], a[3]) - a[0]);
      process.stderr.write(`${file} seed ${seed} (hidden ${setup.task.hidden}): ${a.map(pct).join(" / ")} in ${times.at(-1)!.toFixed(2)} s\n`);
    } finally {
      transport.dispose();
    }
  }
  const t = stats(times);
  console.log(`${file}: seeds ${seeds[0]}..${seeds.at(-1)} (${seeds.length}), held-out accuracy on ${hiddenSetup(seeds[0]).heldOut.y.length} points`);
  accs.forEach((v, d) => console.log(`  depth ${d + 1}: ${show(v)}`));
  console.log(`  min of depths 3 and 4: ${show(accs[2].map((x, i) => Math.min(x, accs[3][i])))}`);
  console.log(`  gap depth 1 -> best of 3, 4: ${show(gaps)}`);
  console.log(`  study time ${t.mean.toFixed(2)} s mean (${t.min.toFixed(2)}-${t.max.toFixed(2)} s)`);
}
