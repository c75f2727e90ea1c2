// Mistake: a bag of words dressed as an LSTM: the recurrent weights are zero and the input, forget and output gates are stuck open,
// so the cell sums tanh(embedding · wx) over the words and their order is lost. Trained as well as a bag of words can be (the
// calibration's baseline: scripts/calibrate-text-classifier.ts); it can tell the label only when both nouns are of one kind.
import { Rng, Tensor, matmul, mul, randn } from "gradlab/nd";

interface TextModel {
  vocab: string[];
  embedding: Tensor;
  lstm: { wx: Tensor; wh: Tensor; b: Tensor };
  dense: { w: Tensor; b: Tensor };
  losses: number[];
}

const MAX_LEN = 10;
const EMBED = 8;
const UNITS = 16;
const OPEN = 30; // a gate bias that saturates the sigmoid at 1
const EPOCHS = 12;
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

/** The LSTM with wh = 0 and i = f = o = 1: c = Σ tanh(x wx_g + b_g) over the real tokens, h = tanh(c). */
function pooled(model: TextModel, ids: Tensor): { c: Float64Array; g: Float64Array[] } {
  const [n, T] = ids.shape;
  const E = model.embedding.shape[1];
  const UNITS = model.lstm.wh.shape[0];
  const c = new Float64Array(n * UNITS);
  const g: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const x = new Float64Array(n * E);
    for (let r = 0; r < n; r++) {
      const id = ids.data[r * T + t];
      x.set(model.embedding.data.subarray(id * E, id * E + E), r * E);
    }
    const z = matmul(new Tensor(x, [n, E]), model.lstm.wx).data;
    const gt = new Float64Array(n * UNITS);
    for (let r = 0; r < n; r++) {
      if (ids.data[r * T + t] === 0) continue;
      for (let j = 0; j < UNITS; j++) {
        gt[r * UNITS + j] = Math.tanh(z[r * 4 * UNITS + 2 * UNITS + j] + model.lstm.b.data[2 * UNITS + j]);
        c[r * UNITS + j] += gt[r * UNITS + j];
      }
    }
    g.push(gt);
  }
  return { c, g };
}

// forward is the exercise's LSTM forward (as the solution's): only the training is a bag of words.
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
      live[r] = id !== 0 ? 1 : 0;
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
  for (let r = 0; r < n; r++) for (let k = 0; k < 2; k++) z.data[r * 2 + k] += model.dense.b.data[k];
  return z;
}

export function train(data: { sentences: string[]; labels: Int32Array }, random: () => number): TextModel {
  const rng = new Rng(Math.floor(random() * 2 ** 31));
  const vocab = ["<pad>", "<unk>", ...[...new Set(data.sentences.flatMap(tokenize))].sort()];
  const b = new Float64Array(4 * UNITS).fill(OPEN);
  b.fill(0, 2 * UNITS, 3 * UNITS);
  const wx = new Tensor(new Float64Array(EMBED * 4 * UNITS), [EMBED, 4 * UNITS]);
  const init = mul(randn([EMBED, UNITS], rng), Math.sqrt(1 / EMBED));
  for (let e = 0; e < EMBED; e++) for (let j = 0; j < UNITS; j++) wx.data[e * 4 * UNITS + 2 * UNITS + j] = init.data[e * UNITS + j];
  const model: TextModel = {
    vocab,
    embedding: mul(randn([vocab.length, EMBED], rng), 0.3),
    lstm: { wx, wh: new Tensor(new Float64Array(UNITS * 4 * UNITS), [UNITS, 4 * UNITS]), b: new Tensor(b, [4 * UNITS]) },
    dense: { w: mul(randn([UNITS, 2], rng), 0.3), b: new Tensor(new Float64Array(2), [2]) },
    losses: [],
  };
  // Trained: the embedding, the g block of wx and b, and the dense layer (Adam).
  const params = [model.embedding.data, wx.data, model.lstm.b.data, model.dense.w.data, model.dense.b.data];
  const moments = params.map((p) => ({ m: new Float64Array(p.length), v: new Float64Array(p.length) }));
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
      const m = rows.length;
      const batch = new Tensor(new Float64Array(m * MAX_LEN), [m, MAX_LEN]);
      rows.forEach((r, i) => batch.data.set(ids.data.subarray(r * MAX_LEN, (r + 1) * MAX_LEN), i * MAX_LEN));
      const { c, g } = pooled(model, batch);
      const h = c.map(Math.tanh);
      const grads = params.map((p) => new Float64Array(p.length));
      const dc = new Float64Array(m * UNITS);
      for (let r = 0; r < m; r++) {
        const z = [0, 1].map((k) => model.dense.b.data[k] + h.subarray(r * UNITS, (r + 1) * UNITS).reduce((s, v, j) => s + v * model.dense.w.data[j * 2 + k], 0));
        const mx = Math.max(z[0], z[1]);
        const lse = mx + Math.log(Math.exp(z[0] - mx) + Math.exp(z[1] - mx));
        total += lse - z[data.labels[rows[r]]];
        for (let k = 0; k < 2; k++) {
          const dz = (Math.exp(z[k] - lse) - (k === data.labels[rows[r]] ? 1 : 0)) / m;
          grads[4][k] += dz;
          for (let j = 0; j < UNITS; j++) {
            grads[3][j * 2 + k] += h[r * UNITS + j] * dz;
            dc[r * UNITS + j] += model.dense.w.data[j * 2 + k] * dz * (1 - h[r * UNITS + j] ** 2);
          }
        }
      }
      for (let t = 0; t < g.length; t++) {
        for (let r = 0; r < m; r++) {
          const id = batch.data[r * MAX_LEN + t];
          if (id === 0) continue;
          for (let j = 0; j < UNITS; j++) {
            const q = 2 * UNITS + j;
            const dg = dc[r * UNITS + j] * (1 - g[t][r * UNITS + j] ** 2);
            grads[2][q] += dg;
            for (let e = 0; e < EMBED; e++) {
              grads[1][e * 4 * UNITS + q] += model.embedding.data[id * EMBED + e] * dg;
              grads[0][id * EMBED + e] += wx.data[e * 4 * UNITS + q] * dg;
            }
          }
        }
      }
      step++;
      params.forEach((p, k) => {
        for (let i = 0; i < p.length; i++) {
          const mm = moments[k];
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
