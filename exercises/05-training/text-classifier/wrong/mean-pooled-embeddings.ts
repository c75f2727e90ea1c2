// Mistake: no LSTM: forward feeds the mean of the sentence's embeddings to the dense layer (a bag of words, blind to word
// order) and train fits that; the LSTM weights it returns are left at their random initial values.
import { Rng, Tensor, matmul, mul, randn } from "gradlab/nd";

interface TextModel {
  vocab: string[];
  embedding: Tensor;
  lstm: { wx: Tensor; wh: Tensor; b: Tensor };
  dense: { w: Tensor; b: Tensor };
  losses: number[];
}

const MAX_LEN = 10;
const DIM = 16; // E = H, so that the dense layer [H, 2] takes the mean embedding
const EPOCHS = 10;
const BATCH = 32;
const LR = 0.01;

export function tokenize(sentence: string): string[] {
  return sentence.toLowerCase().match(/[a-z]+/g) ?? [];
}

export function encode(sentences: string[], vocab: string[], maxLen: number): Tensor {
  const index = new Map(vocab.map((w, i) => [w, i]));
  const ids = new Float64Array(sentences.length * maxLen);
  sentences.forEach((s, n) => tokenize(s).slice(0, maxLen).forEach((w, t) => (ids[n * maxLen + t] = index.get(w) ?? 1)));
  return new Tensor(ids, [sentences.length, maxLen]);
}

function meanEmbedding(model: TextModel, ids: Tensor): { pooled: Tensor; counts: number[] } {
  const [n, T] = ids.shape;
  const pooled = new Float64Array(n * DIM);
  const counts: number[] = [];
  for (let r = 0; r < n; r++) {
    let k = 0;
    for (let t = 0; t < T; t++) {
      const id = ids.data[r * T + t];
      if (id === 0) continue;
      k++;
      for (let e = 0; e < DIM; e++) pooled[r * DIM + e] += model.embedding.data[id * DIM + e];
    }
    for (let e = 0; e < DIM; e++) pooled[r * DIM + e] /= Math.max(k, 1);
    counts.push(Math.max(k, 1));
  }
  return { pooled: new Tensor(pooled, [n, DIM]), counts };
}

export function forward(model: TextModel, ids: Tensor): Tensor {
  const z = matmul(meanEmbedding(model, ids).pooled, model.dense.w);
  for (let r = 0; r < ids.shape[0]; r++) for (let k = 0; k < 2; k++) z.data[r * 2 + k] += model.dense.b.data[k];
  return z;
}

export function train(data: { sentences: string[]; labels: Int32Array }, random: () => number): TextModel {
  const rng = new Rng(Math.floor(random() * 2 ** 31));
  const vocab = ["<pad>", "<unk>", ...[...new Set(data.sentences.flatMap(tokenize))].sort()];
  const model: TextModel = {
    vocab,
    embedding: mul(randn([vocab.length, DIM], rng), 0.1),
    lstm: { wx: mul(randn([DIM, 4 * DIM], rng), 0.2), wh: mul(randn([DIM, 4 * DIM], rng), 0.2), b: new Tensor(new Float64Array(4 * DIM), [4 * DIM]) },
    dense: { w: mul(randn([DIM, 2], rng), 0.3), b: new Tensor(new Float64Array(2), [2]) },
    losses: [],
  };
  const params = [model.embedding.data, model.dense.w.data, model.dense.b.data];
  const moments = params.map((p) => ({ m: new Float64Array(p.length), v: new Float64Array(p.length) }));
  const ids = encode(data.sentences, vocab, MAX_LEN);
  const n = data.labels.length;
  let step = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    let total = 0;
    for (let start = 0; start < n; start += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, n - start) }, () => Math.floor(random() * n));
      const batch = new Tensor(new Float64Array(rows.length * MAX_LEN), [rows.length, MAX_LEN]);
      rows.forEach((r, i) => batch.data.set(ids.data.subarray(r * MAX_LEN, (r + 1) * MAX_LEN), i * MAX_LEN));
      const { pooled, counts } = meanEmbedding(model, batch);
      const z = forward(model, batch).data;
      const grads = params.map((p) => new Float64Array(p.length));
      rows.forEach((row, r) => {
        const y = data.labels[row];
        const mx = Math.max(z[2 * r], z[2 * r + 1]);
        const lse = mx + Math.log(Math.exp(z[2 * r] - mx) + Math.exp(z[2 * r + 1] - mx));
        total += lse - z[2 * r + y];
        for (let k = 0; k < 2; k++) {
          const dz = (Math.exp(z[2 * r + k] - lse) - (k === y ? 1 : 0)) / rows.length;
          grads[2][k] += dz;
          for (let e = 0; e < DIM; e++) {
            grads[1][e * 2 + k] += pooled.data[r * DIM + e] * dz;
            for (let t = 0; t < MAX_LEN; t++) {
              const id = batch.data[r * MAX_LEN + t];
              if (id !== 0) grads[0][id * DIM + e] += (model.dense.w.data[e * 2 + k] * dz) / counts[r];
            }
          }
        }
      });
      step++;
      params.forEach((p, k) => {
        const mm = moments[k];
        for (let i = 0; i < p.length; i++) {
          mm.m[i] = 0.9 * mm.m[i] + 0.1 * grads[k][i];
          mm.v[i] = 0.999 * mm.v[i] + 0.001 * grads[k][i] ** 2;
          p[i] -= (LR * mm.m[i]) / (1 - 0.9 ** step) / (Math.sqrt(mm.v[i] / (1 - 0.999 ** step)) + 1e-8);
        }
      });
    }
    model.losses.push(total / n);
  }
  return model;
}
