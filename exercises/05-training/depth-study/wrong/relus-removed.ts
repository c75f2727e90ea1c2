// Mistake: no ReLU between the layers, in forward and backward: every depth composes to one linear map,
// so depths 2-4 do no better than depth 1.
import { Rng, Tensor, add, matmul, mul, randn, sum, transpose } from "gradlab/nd";

export interface Task {
  x: Tensor; y: Int32Array; xVal: Tensor; yVal: Int32Array;
  hidden: number; steps: number; batchSize: number; lr: number;
}
export interface DepthResult {
  depth: number;
  layers: { w: Tensor; b: Tensor }[];
  params: number;
  accuracy: number;
  losses: number[];
}

interface Layer { w: Tensor; b: Tensor; m: Float64Array[]; v: Float64Array[] }

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Logits, and every layer's input (kept for the backward pass). */
function forward(layers: { w: Tensor; b: Tensor }[], x: Tensor): { inputs: Tensor[]; logits: Tensor } {
  const inputs: Tensor[] = [];
  let h = x;
  layers.forEach((l, i) => {
    inputs.push(h);
    const z = add(matmul(h, l.w), l.b);
    h = z;
  });
  return { inputs, logits: h };
}

/** Mean softmax cross-entropy of a batch and its gradient with respect to the logits. */
function softmaxCrossEntropy(logits: Tensor, y: Int32Array): { loss: number; dlogits: Tensor } {
  const [n, c] = logits.shape;
  const d = new Float64Array(n * c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, logits.data[i * c + j]);
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(logits.data[i * c + j] - m);
    for (let j = 0; j < c; j++) d[i * c + j] = Math.exp(logits.data[i * c + j] - m) / s / n;
    loss -= logits.data[i * c + y[i]] - m - Math.log(s);
    d[i * c + y[i]] -= 1 / n;
  }
  return { loss: loss / n, dlogits: new Tensor(d, [n, c]) };
}

function adam(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, t: number, lr: number): void {
  const c1 = 1 - BETA1 ** t;
  const c2 = 1 - BETA2 ** t;
  for (let i = 0; i < p.length; i++) {
    m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
    v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
    p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + EPS);
  }
}

function rows(x: Tensor, idx: Int32Array): Tensor {
  const d = x.shape[1];
  const out = new Float64Array(idx.length * d);
  idx.forEach((r, i) => out.set(x.data.subarray(r * d, r * d + d), i * d));
  return new Tensor(out, [idx.length, d]);
}

/** An MLP of `depth` dense layers (depth - 1 hidden layers of `hidden` ReLU units) trained for `task.steps` Adam steps. */
function trainMlp(task: Task, depth: number, random: () => number): { layers: Layer[]; losses: number[] } {
  const rng = new Rng(Math.floor(random() * 2 ** 31));
  const sizes = [task.x.shape[1], ...Array<number>(depth - 1).fill(task.hidden), 2];
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const w = mul(randn([sizes[i], sizes[i + 1]], rng), Math.sqrt(2 / sizes[i])); // He initialisation
    const b = new Tensor(new Float64Array(sizes[i + 1]), [sizes[i + 1]]);
    layers.push({ w, b, m: [new Float64Array(w.data.length), new Float64Array(b.data.length)], v: [new Float64Array(w.data.length), new Float64Array(b.data.length)] });
  }
  const n = task.y.length;
  const losses: number[] = [];
  for (let t = 1; t <= task.steps; t++) {
    const idx = Int32Array.from({ length: task.batchSize }, () => Math.floor(random() * n));
    const { inputs, logits } = forward(layers, rows(task.x, idx));
    const { loss, dlogits } = softmaxCrossEntropy(logits, Int32Array.from(idx, (i) => task.y[i]));
    losses.push(loss);
    let dy = dlogits;
    for (let li = layers.length - 1; li >= 0; li--) {
      const l = layers[li];
      const input = inputs[li];
      const dw = matmul(transpose(input), dy);
      const db = sum(dy, 0);
      if (li > 0) {
        const dx = matmul(dy, transpose(l.w));
        dy = dx;
      }
      adam(l.w.data, dw.data, l.m[0], l.v[0], t, task.lr);
      adam(l.b.data, db.data, l.m[1], l.v[1], t, task.lr);
    }
  }
  return { layers, losses };
}

function accuracy(layers: { w: Tensor; b: Tensor }[], x: Tensor, y: Int32Array): number {
  const z = forward(layers, x).logits.data;
  let correct = 0;
  for (let i = 0; i < y.length; i++) if ((z[2 * i + 1] > z[2 * i] ? 1 : 0) === y[i]) correct++;
  return correct / y.length;
}

export function depthStudy(task: Task, random: () => number): DepthResult[] {
  const out: DepthResult[] = [];
  for (let depth = 1; depth <= 4; depth++) {
    const { layers, losses } = trainMlp(task, depth, random);
    const plain = layers.map(({ w, b }) => ({ w, b }));
    out.push({
      depth,
      layers: plain,
      params: plain.reduce((s, l) => s + l.w.data.length + l.b.data.length, 0),
      accuracy: accuracy(plain, task.xVal, task.yVal),
      losses,
    });
  }
  return out;
}
