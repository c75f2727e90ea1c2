/**
 * Calibrates the accuracy tiers of mnist-mlp: trains each given learner file on the exercise's
 * 4,000 training digits (`--set small`: the visible check's 1,000), once per seed, in the grading
 * sandbox (the exercise's own limits), and scores the returned weights as the check does (tfjs
 * forward, digits drawn from the hidden pool per seed, perturbed). Prints per file: accuracy mean, sd, min, max, and train time.
 *
 * Run (heavy: a few minutes; keep it niced and under the shared lock):
 *   flock /tmp/gradlab-heavy.lock nice -n 10 node --no-node-snapshot scripts/calibrate-mnist-mlp.ts \
 *     --seeds 20 exercises/05-training/mnist-mlp/solution.ts exercises/05-training/mnist-mlp/wrong/linear-in-disguise.ts
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { referenceTf } from "../grader/reference/tf.ts";
import { loadCatalogue } from "../grader/exercises.ts";
import { sandboxLimits } from "../grader/grade.ts";
import { transpileLearner } from "../lib/sandbox/transpile.ts";
import { driverScript, harnessScript } from "../grader/sandbox/bundle.ts";
import { IsolateTransport } from "../grader/sandbox/isolate-transport.ts";
import { PacketSession } from "../lib/sandbox/transport.ts";
import { Learner } from "../lib/checks/learner.ts";
import { accuracyOf, argmaxRows, asMlpLayers, referenceMlpLogits } from "../lib/checks/training.ts";
import { SandboxFn } from "../lib/wire.ts";
import { MNIST_SPLITS, drawFromPool, mnistDigits } from "../datasets/mnist.ts";
import { MLP_RULES, HELD_OUT_PER_DIGIT, SMALL, VALIDATION_PER_DIGIT, heldOutSeed, validationSeed } from "../exercises/05-training/mnist-mlp/checks.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seeds: { type: "string", default: "20" }, first: { type: "string", default: "1" }, set: { type: "string", default: "full" } } });
/** full: the hidden check (4,000 training digits, held-out draw); small: the visible one (1,000, validation draw). */
const small = values.set === "small";
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.first) + i);
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

const cat = await loadCatalogue();
const ex = cat.exercises.find((e) => e.id === "mnist-mlp");
if (!ex) throw new Error("mnist-mlp not in the catalogue");
const tf = await referenceTf();
const train = mnistDigits(DIGITS, small ? SMALL : MNIST_SPLITS.train);
const [harness, driver] = await Promise.all([harnessScript(), driverScript(ex.files.driver!)]);

const stats = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return { mean, sd, min: Math.min(...v), max: Math.max(...v) };
};
const pct = (x: number) => (100 * x).toFixed(2);

for (const file of positionals) {
  const compiled = await transpileLearner(readFileSync(file, "utf8"), file.split("/").pop()!);
  if (!compiled.ok) throw new Error(compiled.message);
  const accs: number[] = [];
  const times: number[] = [];
  for (const seed of seeds) {
    const transport = await IsolateTransport.open(sandboxLimits(ex), { harness, driver });
    try {
      const session = new PacketSession(transport, compiled.mapLocation);
      const loaded = await session.load(compiled.script);
      if (!loaded.ok) throw new Error(loaded.message);
      const learner = new Learner(session);
      const t0 = performance.now();
      const model = await learner.callKeep("train", train, new SandboxFn("uniform", [seed]));
      times.push((performance.now() - t0) / 1000);
      const parts = (await learner.call("driver:mlpParts", model)) as { layers: unknown };
      const layers = asMlpLayers("model.layers", parts.layers, MLP_RULES);
      const test = small ? drawFromPool(DIGITS, VALIDATION_PER_DIGIT, validationSeed(seed)) : drawFromPool(DIGITS, HELD_OUT_PER_DIGIT, heldOutSeed(seed));
      accs.push(accuracyOf(argmaxRows(referenceMlpLogits(tf, layers, test.x), 10), test.y));
      process.stderr.write(`${file} seed ${seed}: ${pct(accs.at(-1)!)}% in ${times.at(-1)!.toFixed(1)} s\n`);
    } finally {
      transport.dispose();
    }
  }
  const a = stats(accs);
  const t = stats(times);
  console.log(
    `${file}: seeds ${seeds[0]}..${seeds.at(-1)} (${seeds.length}); ${small ? "validation" : "held-out"} accuracy mean ${pct(a.mean)}%, sd ${pct(a.sd)}, min ${pct(a.min)}%, max ${pct(a.max)}%; ` +
      `train on ${train.y.length} digits ${t.mean.toFixed(1)} s mean (${t.min.toFixed(1)}-${t.max.toFixed(1)} s)`,
  );
}
