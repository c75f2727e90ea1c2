// Mistake: pads at the start, as Keras pad_sequences does by default, and runs the LSTM over every step without a mask.
import { Rng, Tensor, matmul, randn, mul } from "gradlab/nd";

interface Param { value: Tensor; m: Float64Array; v: Float64Array }
export interface TextModel {
  vocab: string[];
  embedding: Tensor;
  lstm: { wx: Tensor; wh: Tensor; b: Tensor };
  dense: { w: Tensor; b: Tensor };
  losses: number[];
}

const MAX_LEN = 10;
const EMBED = 8;
const UNITS = 16;
const CLASSES = 2;
const EPOCHS = 6;
const BATCH = 32;
const LR = 0.01;

/** Lower-case runs of the letters a-z. */
export function tokenize(sentence: string): string[] {
  return sentence.toLowerCase().match(/[a-z]+/g) ?? [];
}

/** [N, maxLen] ids: the first maxLen tokens, then 0s; a word not in vocab is 1. */
export function encode(sentences: string[], vocab: string[], maxLen: number): Tensor {
  const index = new Map(vocab.map((w, i) => [w, i]));
  const ids = new Float64Array(sentences.length * maxLen);
  sentences.forEach((s, n) => {
    const tokens = tokenize(s).slice(0, maxLen);
    const off = maxLen - tokens.length; // padding first
    tokens.forEach((w, t) => (ids[n * maxLen + off + t] = index.get(w) ?? 1));
  });
  return new Tensor(ids, [sentences.length, maxLen]);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** What the backward pass needs of each time step. */
interface Step { x: Tensor; hPrev: Float64Array; cPrev: Float64Array; gates: Float64Array; tanhC: Float64Array; live: Uint8Array }

/** The LSTM over a batch of post-padded ids: a padded step (id 0) leaves h and c as they were. */
function runLstm(model: TextModel, ids: Tensor): { h: Float64Array; steps: Step[] } {
  const [n, T] = ids.shape;
  const H = model.lstm.wh.shape[0];
  const E = model.embedding.shape[1];
  let h = new Float64Array(n * H);
  let c = new Float64Array(n * H);
  const steps: Step[] = [];
  for (let t = 0; t < T; t++) {
    const live = new Uint8Array(n);
    const x = new Float64Array(n * E);
    for (let r = 0; r < n; r++) {
      const id = ids.data[r * T + t];
      live[r] = 1;
      x.set(model.embedding.data.subarray(id * E, id * E + E), r * E);
    }
    if (!live.some((l) => l)) break; // only padding from here on
    const xt = new Tensor(x, [n, E]);
    const z = matmul(xt, model.lstm.wx).data;
    const zh = matmul(new Tensor(h, [n, H]), model.lstm.wh).data;
    const b = model.lstm.b.data;
    const gates = new Float64Array(n * 4 * H);
    const tanhC = new Float64Array(n * H);
    const hNew = h.slice();
    const cNew = c.slice();
    for (let r = 0; r < n; r++) {
      if (!live[r]) continue;
      for (let j = 0; j < H; j++) {
        const k = r * 4 * H;
        const i = sigmoid(z[k + j] + zh[k + j] + b[j]);
        const f = sigmoid(z[k + H + j] + zh[k + H + j] + b[H + j]);
        const g = Math.tanh(z[k + 2 * H + j] + zh[k + 2 * H + j] + b[2 * H + j]);
        const o = sigmoid(z[k + 3 * H + j] + zh[k + 3 * H + j] + b[3 * H + j]);
        gates[k + j] = i;
        gates[k + H + j] = f;
        gates[k + 2 * H + j] = g;
        gates[k + 3 * H + j] = o;
        const cv = f * c[r * H + j] + i * g;
        cNew[r * H + j] = cv;
        tanhC[r * H + j] = Math.tanh(cv);
        hNew[r * H + j] = o * tanhC[r * H + j];
      }
    }
    steps.push({ x: xt, hPrev: h, cPrev: c, gates, tanhC, live });
    h = hNew;
    c = cNew;
  }
  return { h, steps };
}

/** Logits [N, 2]: the dense layer on the LSTM's last state (after each sentence's last real token). */
export function forward(model: TextModel, ids: Tensor): Tensor {
  const { h } = runLstm(model, ids);
  return logitsOf(model, h, ids.shape[0]);
}

function logitsOf(model: TextModel, h: Float64Array, n: number): Tensor {
  const H = model.lstm.wh.shape[0];
  const z = matmul(new Tensor(h, [n, H]), model.dense.w);
  for (let r = 0; r < n; r++) for (let k = 0; k < CLASSES; k++) z.data[r * CLASSES + k] += model.dense.b.data[k];
  return z;
}

/** Mean cross-entropy of a batch and every parameter's gradient (backpropagation through time). */
function lossAndGrads(model: TextModel, ids: Tensor, y: Int32Array): { loss: number; grads: Float64Array[] } {
  const n = ids.shape[0];
  const H = model.lstm.wh.shape[0];
  const E = model.embedding.shape[1];
  const { h, steps } = runLstm(model, ids);
  const logits = logitsOf(model, h, n).data;
  let loss = 0;
  const dz = new Float64Array(n * CLASSES);
  for (let r = 0; r < n; r++) {
    const a = logits[r * 2];
    const b = logits[r * 2 + 1];
    const m = Math.max(a, b);
    const lse = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    loss += lse - logits[r * 2 + y[r]];
    for (let k = 0; k < 2; k++) dz[r * 2 + k] = (Math.exp(logits[r * 2 + k] - lse) - (k === y[r] ? 1 : 0)) / n;
  }
  const dDenseW = new Float64Array(H * CLASSES);
  const dDenseB = new Float64Array(CLASSES);
  const dh = new Float64Array(n * H);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < CLASSES; k++) {
      dDenseB[k] += dz[r * 2 + k];
      for (let j = 0; j < H; j++) {
        dDenseW[j * CLASSES + k] += h[r * H + j] * dz[r * 2 + k];
        dh[r * H + j] += model.dense.w.data[j * CLASSES + k] * dz[r * 2 + k];
      }
    }
  }
  const dWx = new Float64Array(E * 4 * H);
  const dWh = new Float64Array(H * 4 * H);
  const dB = new Float64Array(4 * H);
  const dEmb = new Float64Array(model.embedding.data.length);
  const dc = new Float64Array(n * H);
  for (let t = steps.length - 1; t >= 0; t--) {
    const { x, hPrev, cPrev, gates, tanhC, live } = steps[t];
    const dzt = new Float64Array(n * 4 * H); // zero for padded rows: they pass dh, dc through unchanged
    for (let r = 0; r < n; r++) {
      if (!live[r]) continue;
      const k = r * 4 * H;
      for (let j = 0; j < H; j++) {
        const i = gates[k + j], f = gates[k + H + j], g = gates[k + 2 * H + j], o = gates[k + 3 * H + j];
        const tc = tanhC[r * H + j];
        const dhv = dh[r * H + j];
        const dcv = dc[r * H + j] + dhv * o * (1 - tc * tc);
        dzt[k + j] = dcv * g * i * (1 - i);
        dzt[k + H + j] = dcv * cPrev[r * H + j] * f * (1 - f);
        dzt[k + 2 * H + j] = dcv * i * (1 - g * g);
        dzt[k + 3 * H + j] = dhv * tc * o * (1 - o);
        dc[r * H + j] = dcv * f;
      }
    }
    // dWx += xᵀ dz, dWh += hPrevᵀ dz, db += Σ dz; dh = dz whᵀ (live rows), dx = dz wxᵀ into the embedding rows.
    for (let r = 0; r < n; r++) {
      if (!live[r]) continue;
      const k = r * 4 * H;
      const id = ids.data[r * ids.shape[1] + t];
      for (let q = 0; q < 4 * H; q++) {
        const d = dzt[k + q];
        if (d === 0) continue;
        dB[q] += d;
        for (let e = 0; e < E; e++) {
          dWx[e * 4 * H + q] += x.data[r * E + e] * d;
          dEmb[id * E + e] += model.lstm.wx.data[e * 4 * H + q] * d;
        }
        for (let j = 0; j < H; j++) dWh[j * 4 * H + q] += hPrev[r * H + j] * d;
      }
      for (let j = 0; j < H; j++) {
        let s = 0;
        for (let q = 0; q < 4 * H; q++) s += dzt[k + q] * model.lstm.wh.data[j * 4 * H + q];
        dh[r * H + j] = s;
      }
    }
  }
  return { loss: loss / n, grads: [dEmb, dWx, dWh, dB, dDenseW, dDenseB] };
}

function adam(params: Param[], grads: Float64Array[], step: number): void {
  const c1 = 1 - 0.9 ** step;
  const c2 = 1 - 0.999 ** step;
  params.forEach((p, k) => {
    const g = grads[k];
    const w = p.value.data;
    for (let i = 0; i < w.length; i++) {
      p.m[i] = 0.9 * p.m[i] + 0.1 * g[i];
      p.v[i] = 0.999 * p.v[i] + 0.001 * g[i] * g[i];
      w[i] -= (LR * p.m[i]) / c1 / (Math.sqrt(p.v[i] / c2) + 1e-8);
    }
  });
}

export function train(data: { sentences: string[]; labels: Int32Array }, random: () => number): TextModel {
  const rng = new Rng(Math.floor(random() * 2 ** 31));
  const words = [...new Set(data.sentences.flatMap(tokenize))].sort();
  const vocab = ["<pad>", "<unk>", ...words];
  const V = vocab.length;
  const glorot = (shape: number[]) => mul(randn(shape, rng), Math.sqrt(2 / (shape[0] + shape[1])));
  const b = new Float64Array(4 * UNITS);
  b.fill(1, UNITS, 2 * UNITS); // forget-gate bias 1, as tfjs's unitForgetBias
  const model: TextModel = {
    vocab,
    embedding: mul(randn([V, EMBED], rng), 0.1),
    lstm: { wx: glorot([EMBED, 4 * UNITS]), wh: glorot([UNITS, 4 * UNITS]), b: new Tensor(b, [4 * UNITS]) },
    dense: { w: glorot([UNITS, CLASSES]), b: new Tensor(new Float64Array(CLASSES), [CLASSES]) },
    losses: [],
  };
  const params: Param[] = [model.embedding, model.lstm.wx, model.lstm.wh, model.lstm.b, model.dense.w, model.dense.b].map((value) => ({
    value,
    m: new Float64Array(value.data.length),
    v: new Float64Array(value.data.length),
  }));
  const ids = encode(data.sentences, vocab, MAX_LEN);
  const n = data.labels.length;
  let step = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let total = 0;
    for (let start = 0; start < n; start += BATCH) {
      const rows = order.slice(start, start + BATCH);
      const batch = new Tensor(new Float64Array(rows.length * MAX_LEN), [rows.length, MAX_LEN]);
      rows.forEach((r, i) => batch.data.set(ids.data.subarray(r * MAX_LEN, (r + 1) * MAX_LEN), i * MAX_LEN));
      const { loss, grads } = lossAndGrads(model, batch, Int32Array.from(rows, (r) => data.labels[r]));
      total += loss * rows.length;
      adam(params, grads, ++step);
    }
    model.losses.push(total / n);
  }
  return model;
}
