import { Rng, Tensor, argmax, gather, matmul, randn, mul, sum, transpose } from "gradlab/nd";

interface Layer { w: Tensor; b: Tensor; mw: Float64Array; vw: Float64Array; mb: Float64Array; vb: Float64Array }
interface Model { layers: Layer[]; losses: number[] }

const SIZES = [784, 128, 64, 10];
const EPOCHS = 10;
const BATCH = 32;
const LR = 1e-3;
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Logits of a batch; also returns every layer's input (for the backward pass). */
function forward(model: Model, x: Tensor): { inputs: Tensor[]; logits: Tensor } {
  const inputs: Tensor[] = [];
  let h = x;
  const last = model.layers.length - 1;
  model.layers.forEach((l, i) => {
    inputs.push(h);
    // x·w + b, then ReLU, in place in matmul's fresh output (no temporaries).
    const z = matmul(h, l.w);
    const zd = z.data;
    const b = l.b.data;
    const m = b.length;
    for (let r = 0; r < zd.length; r += m) {
      for (let j = 0; j < m; j++) {
        const v = zd[r + j] + b[j];
        zd[r + j] = i < last && v < 0 ? 0 : v;
      }
    }
    h = z;
  });
  return { inputs, logits: h };
}

/** Mean cross-entropy of a batch and its gradient with respect to the logits. */
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

const ONE_MINUS_BETA1 = 1 - BETA1;
const ONE_MINUS_BETA2 = 1 - BETA2;

function adam(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, t: number): void {
  const c1 = 1 - BETA1 ** t;
  const c2 = 1 - BETA2 ** t;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = BETA1 * m[i] + ONE_MINUS_BETA1 * gi;
    const vi = BETA2 * v[i] + ONE_MINUS_BETA2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= (LR * (mi / c1)) / (Math.sqrt(vi / c2) + EPS);
  }
}

export function train(data: { x: Tensor; y: Int32Array }, random: () => number): Model {
  const rng = new Rng(Math.floor(random() * 2 ** 31));
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    const w = mul(randn([SIZES[i], SIZES[i + 1]], rng), Math.sqrt(2 / SIZES[i])); // He initialisation
    const n = w.data.length;
    const m = SIZES[i + 1];
    layers.push({ w, b: new Tensor(new Float64Array(m), [m]), mw: new Float64Array(n), vw: new Float64Array(n), mb: new Float64Array(m), vb: new Float64Array(m) });
  }
  const model: Model = { layers, losses: [] };
  const n = data.y.length;
  let t = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    // Shuffle with the random source we were given (Fisher–Yates).
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let epochLoss = 0;
    for (let start = 0; start < n; start += BATCH) {
      const idx = order.subarray(start, Math.min(n, start + BATCH));
      const xb = gather(data.x, idx);
      const yb = Int32Array.from(idx, (i) => data.y[i]);
      const { inputs, logits } = forward(model, xb);
      const { loss, dlogits } = softmaxCrossEntropy(logits, yb);
      epochLoss += loss * idx.length;
      t++;
      let dy = dlogits;
      for (let li = layers.length - 1; li >= 0; li--) {
        const l = layers[li];
        const input = inputs[li];
        const dw = matmul(transpose(input), dy).data;
        const db = sum(dy, 0);
        if (li > 0) {
          const dx = matmul(dy, transpose(l.w));
          // ReLU backward: the input of this layer is the previous layer's ReLU output.
          for (let k = 0; k < dx.data.length; k++) if (input.data[k] <= 0) dx.data[k] = 0;
          dy = dx;
        }
        adam(l.w.data, dw, l.mw, l.vw, t);
        adam(l.b.data, db.data, l.mb, l.vb, t);
      }
    }
    model.losses.push(epochLoss / n);
    console.log(`epoch ${epoch + 1}/${EPOCHS} loss ${(epochLoss / n).toFixed(4)}`);
  }
  return model;
}

export function predict(model: Model, x: Tensor): Int32Array {
  const { logits } = forward(model, x);
  return Int32Array.from(argmax(logits, 1).data);
}
