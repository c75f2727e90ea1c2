// What known mistakes produce (float64, for hints only). Server-only: a softmax along an axis is
// the exercise itself, so in the browser's Run these answer only the calls recorded from the
// solution's visible run (docs/authoring.md, "What Run ships").
import { Tensor } from "gradlab/nd";

function softmaxAlong(z: Tensor, axis: 0 | 1): Tensor {
  const [n, c] = z.shape;
  const out = new Float64Array(n * c);
  const outer = axis === 1 ? n : c;
  const inner = axis === 1 ? c : n;
  const at = (o: number, k: number) => (axis === 1 ? o * c + k : k * c + o);
  for (let o = 0; o < outer; o++) {
    let m = -Infinity;
    for (let k = 0; k < inner; k++) m = Math.max(m, z.data[at(o, k)]);
    let s = 0;
    for (let k = 0; k < inner; k++) s += Math.exp(z.data[at(o, k)] - m);
    for (let k = 0; k < inner; k++) out[at(o, k)] = Math.exp(z.data[at(o, k)] - m) / s;
  }
  return new Tensor(out, [n, c]);
}

function gradFrom(p: Tensor, labels: Int32Array, divide: number): Tensor {
  const [n, c] = p.shape;
  return new Tensor(p.data.map((v, k) => (v - (k % c === labels[Math.floor(k / c)] ? 1 : 0)) / divide), [n, c]);
}

/** A softmax over the columns (axis 0, over the batch). */
export function columnSoftmax(z: Tensor): Tensor {
  return softmaxAlong(z, 0);
}

/** The loss gradient computed from a softmax over the columns. */
export function columnSoftmaxGrad(z: Tensor, labels: Int32Array): Tensor {
  return gradFrom(softmaxAlong(z, 0), labels, z.shape[0]);
}

/** softmax / N: the gradient without the one-hot label subtracted. */
export function softmaxOverBatch(z: Tensor): Tensor {
  const n = z.shape[0];
  return new Tensor(softmaxAlong(z, 1).data.map((v) => v / n), z.shape.slice());
}
