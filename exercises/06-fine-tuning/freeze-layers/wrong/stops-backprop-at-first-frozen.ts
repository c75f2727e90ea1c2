// Mistake: backprop stops at the first frozen layer met from the top, so trainable layers below a
// frozen one never learn ([trainable, frozen, trainable] leaves the first layer as it was).
import { Tensor, add, argmax, gather, matmul, sum, transpose } from "gradlab/nd";

interface DenseLayer { name: string; w: Tensor; b: Tensor; trainable: boolean }
interface Mlp { layers: DenseLayer[] }

export function countTrainable(model: Mlp): number {
  let n = 0;
  for (const l of model.layers) if (l.trainable) n += l.w.data.length + l.b.data.length;
  return n;
}

/** Every layer's input and the logits; ReLU after every layer but the last. */
function forward(model: Mlp, x: Tensor): { inputs: Tensor[]; logits: Tensor } {
  const inputs: Tensor[] = [];
  let h = x;
  model.layers.forEach((l, i) => {
    inputs.push(h);
    const z = add(matmul(h, l.w), l.b);
    if (i < model.layers.length - 1) for (let k = 0; k < z.data.length; k++) if (z.data[k] < 0) z.data[k] = 0;
    h = z;
  });
  return { inputs, logits: h };
}

/** d(mean softmax cross-entropy)/d(logits). */
function crossEntropyGrad(logits: Tensor, y: Int32Array): Tensor {
  const [n, c] = logits.shape;
  const d = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, logits.data[i * c + j]);
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(logits.data[i * c + j] - m);
    for (let j = 0; j < c; j++) d[i * c + j] = Math.exp(logits.data[i * c + j] - m) / s / n;
    d[i * c + y[i]] -= 1 / n;
  }
  return new Tensor(d, [n, c]);
}

export function fineTune(model: Mlp, data: { x: Tensor; y: Int32Array }, h: { lr: number; epochs: number; batchSize: number }, random: () => number): void {
  const layers = model.layers;
  const first = layers.findIndex((l) => l.trainable);
  if (first < 0) return;
  const n = data.y.length;
  for (let epoch = 0; epoch < h.epochs; epoch++) {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < n; start += h.batchSize) {
      const idx = order.subarray(start, Math.min(n, start + h.batchSize));
      const { inputs, logits } = forward(model, gather(data.x, idx));
      let dy = crossEntropyGrad(logits, Int32Array.from(idx, (i) => data.y[i]));
      // Backward from the logits down.
      for (let li = layers.length - 1; li >= first; li--) {
        const l = layers[li];
        if (!l.trainable) break; // the gradient never gets past a frozen layer
        const input = inputs[li];
        const dx = li > first ? matmul(dy, transpose(l.w)) : undefined;
        if (l.trainable) {
          const dw = matmul(transpose(input), dy);
          const db = sum(dy, 0);
          for (let k = 0; k < l.w.data.length; k++) l.w.data[k] -= h.lr * dw.data[k];
          for (let k = 0; k < l.b.data.length; k++) l.b.data[k] -= h.lr * db.data[k];
        }
        if (dx) {
          for (let k = 0; k < dx.data.length; k++) if (input.data[k] <= 0) dx.data[k] = 0; // ReLU of the layer below
          dy = dx;
        }
      }
    }
  }
}

export function predict(model: Mlp, x: Tensor): Int32Array {
  return Int32Array.from(argmax(forward(model, x).logits, 1).data);
}
