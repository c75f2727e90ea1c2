/**
 * Calibrates the accuracy tiers of text-classifier: trains each given learner file on the
 * exercise's public training sentences (`--set practice`: the visible check's first 500), once per
 * seed, in the grading sandbox (the exercise's own limits), and scores the returned weights as the
 * checks do (tfjs forward, held-out sentences drawn from the seed as for a submission). Prints per
 * file: accuracy mean, sd, min, max, the accuracy on the sentences only word order tells (a person
 * and an animal), and the train time.
 *
 * Run (heavy: a few minutes; keep it niced and under the shared lock):
 *   flock /tmp/gradlab-heavy.lock nice -n 10 node --no-node-snapshot scripts/calibrate-text-classifier.ts \
 *     --seeds 50 exercises/05-training/text-classifier/solution.ts exercises/05-training/text-classifier/wrong/bag-of-words-in-disguise.ts
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
import { accuracyOf, argmaxRows } from "../lib/checks/training.ts";
import { SandboxFn } from "../lib/wire.ts";
import { MAX_LEN, asTextModel, idsOf, publicTraining, scoredSentences } from "../exercises/05-training/text-classifier/checks.ts";
import { textLogitsTf } from "../exercises/05-training/text-classifier/ref.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seeds: { type: "string", default: "20" }, first: { type: "string", default: "1" }, set: { type: "string", default: "full" } } });
/** full: the hidden check (1,500 public sentences, held-out draw per seed); practice: the visible one. */
const practice = values.set === "practice";
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.first) + i);

const cat = await loadCatalogue();
const ex = cat.exercises.find((e) => e.id === "text-classifier");
if (!ex) throw new Error("text-classifier not in the catalogue");
const tf = await referenceTf();
const train = publicTraining(practice ? "practice" : "full");
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
  const orderOnly: number[] = [];
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
      const { weights, vocab } = asTextModel((await learner.call("driver:textModelParts", model)) as Record<string, unknown>);
      const set = scoredSentences(practice ? "practice" : "heldOut", seed);
      const pred = argmaxRows(textLogitsTf(tf, weights, idsOf(set.sentences, vocab, MAX_LEN)), 2);
      accs.push(accuracyOf(pred, set.labels));
      const mixed = set.mixed.flatMap((m, i) => (m ? [i] : []));
      orderOnly.push(accuracyOf(Int32Array.from(mixed, (i) => pred[i]), Int32Array.from(mixed, (i) => set.labels[i])));
      process.stderr.write(`${file} seed ${seed}: ${pct(accs.at(-1)!)}% (order-only ${pct(orderOnly.at(-1)!)}%) in ${times.at(-1)!.toFixed(2)} s\n`);
    } finally {
      transport.dispose();
    }
  }
  const a = stats(accs);
  const o = stats(orderOnly);
  const t = stats(times);
  console.log(
    `${file}: seeds ${seeds[0]}..${seeds.at(-1)} (${seeds.length}); ${practice ? "practice" : "held-out"} accuracy mean ${pct(a.mean)}%, sd ${pct(a.sd)}, min ${pct(a.min)}%, max ${pct(a.max)}%; ` +
      `order-only sentences mean ${pct(o.mean)}% (${pct(o.min)}-${pct(o.max)}%); train on ${train.labels.length} sentences ${t.mean.toFixed(2)} s mean (${t.min.toFixed(2)}-${t.max.toFixed(2)} s)`,
  );
}
