/**
 * Learner-style workloads written with gradlab/nd, run three ways by runtime.ts: in the host, and
 * inside an isolated-vm isolate (in this process, and in the sandbox child) as an exercise
 * "driver", so that they use exactly the nd the harness gives learner code.
 *
 * Every kernel is deterministic (fixed seeds) and returns a checksum, so that the host and the
 * isolate can be checked to compute the same thing.
 */
import { Rng, Tensor, add, matmul, randn, reshape, sum, transpose } from "gradlab/nd";

/** The MNIST-MLP matmul shapes: [n,k] x [k,m]. */
export const MATMUL_SHAPES: [number, number, number][] = [
  [64, 784, 128],
  [64, 128, 64],
  [64, 64, 10],
];

/** Two conv layers of a small MNIST CNN (NHWC, 'valid', stride 1): x shape, kernel shape. */
export const CONV_LAYERS: { x: [number, number, number, number]; w: [number, number, number, number] }[] = [
  { x: [32, 28, 28, 1], w: [3, 3, 1, 8] },
  { x: [32, 13, 13, 8], w: [3, 3, 8, 16] },
];

/** The MLP of the mnist-mlp exercise: 784-128-64-10, batch 64, plain SGD. */
export const MLP_SIZES = [784, 128, 64, 10];
export const MLP_BATCH = 64;
export const MLP_LR = 0.01;

const cache = new Map<string, unknown>();
function memo<T>(key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key) as T;
}

function checksum(t: Tensor): number {
  let s = 0;
  const d = t.data;
  for (let i = 0; i < d.length; i += 7) s += d[i]!;
  return s;
}

// ---- matmul -----------------------------------------------------------------------------------

export function matmulInputs(n: number, k: number, m: number): { a: Tensor; b: Tensor } {
  return memo(`mm:${n}x${k}x${m}`, () => {
    const rng = new Rng(n * 1_000_003 + k * 1_009 + m);
    return { a: randn([n, k], rng), b: randn([k, m], rng) };
  });
}

// ---- conv2d, as a learner writes it -------------------------------------------------------------

export function convInputs(layer: number): { x: Tensor; w: Tensor } {
  return memo(`conv:${layer}`, () => {
    const rng = new Rng(7 + layer);
    const l = CONV_LAYERS[layer]!;
    return { x: randn(l.x, rng), w: randn(l.w, rng) };
  });
}

/** Direct loops over the data: out[n,oh,ow,f] = sum over kh,kw,c of x[n,oh+kh,ow+kw,c] * w[kh,kw,c,f]. */
export function conv2dLoops(x: Tensor, w: Tensor): Tensor {
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const [KH, KW, , F] = w.shape as [number, number, number, number];
  const OH = H - KH + 1;
  const OW = W - KW + 1;
  const out = new Float64Array(N * OH * OW * F);
  const xd = x.data;
  const wd = w.data;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const o = ((n * OH + oh) * OW + ow) * F;
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++) {
            const xi = ((n * H + oh + kh) * W + ow + kw) * C;
            const wi = (kh * KW + kw) * C * F;
            for (let c = 0; c < C; c++) {
              const xv = xd[xi + c]!;
              const wb = wi + c * F;
              for (let f = 0; f < F; f++) out[o + f] += xv * wd[wb + f]!;
            }
          }
        }
      }
    }
  }
  return new Tensor(out, [N, OH, OW, F]);
}

/** im2col, then one nd matmul: [N*OH*OW, KH*KW*C] x [KH*KW*C, F]. */
export function conv2dIm2col(x: Tensor, w: Tensor): Tensor {
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const [KH, KW, , F] = w.shape as [number, number, number, number];
  const OH = H - KH + 1;
  const OW = W - KW + 1;
  const K = KH * KW * C;
  const cols = new Float64Array(N * OH * OW * K);
  const xd = x.data;
  let r = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, r += K) {
        let q = r;
        for (let kh = 0; kh < KH; kh++) {
          const xi = ((n * H + oh + kh) * W + ow) * C;
          for (let j = 0; j < KW * C; j++) cols[q++] = xd[xi + j]!;
        }
      }
    }
  }
  const y = matmul(new Tensor(cols, [N * OH * OW, K]), reshape(w, [K, F]));
  return reshape(y, [N, OH, OW, F]);
}

// ---- one MLP training step (forward, backward, SGD), as in the mnist-mlp exercise ----------------

interface MlpState {
  x: Tensor;
  y: Int32Array;
  w: Tensor[];
  b: Tensor[];
}

export function mlpInitial(): { x: Tensor; y: Int32Array; w: Tensor[]; b: Tensor[] } {
  const rng = new Rng(42);
  const x = randn([MLP_BATCH, MLP_SIZES[0]!], rng);
  const y = Int32Array.from({ length: MLP_BATCH }, (_, i) => (i * 7) % 10);
  const w: Tensor[] = [];
  const b: Tensor[] = [];
  for (let i = 0; i + 1 < MLP_SIZES.length; i++) {
    const wi = randn([MLP_SIZES[i]!, MLP_SIZES[i + 1]!], rng);
    const scale = Math.sqrt(2 / MLP_SIZES[i]!);
    for (let k = 0; k < wi.data.length; k++) wi.data[k]! *= scale;
    w.push(wi);
    b.push(new Tensor(new Float64Array(MLP_SIZES[i + 1]!), [MLP_SIZES[i + 1]!]));
  }
  return { x, y, w, b };
}

function mlpState(): MlpState {
  return memo("mlp", mlpInitial);
}

/** One step; returns the batch's mean cross-entropy before the update. */
export function mlpStep(s: MlpState): number {
  const L = s.w.length;
  const inputs: Tensor[] = [];
  let h = s.x;
  for (let i = 0; i < L; i++) {
    inputs.push(h);
    const z = add(matmul(h, s.w[i]!), s.b[i]!);
    if (i < L - 1) for (let k = 0; k < z.data.length; k++) if (z.data[k]! < 0) z.data[k] = 0;
    h = z;
  }
  const [n, c] = h.shape as [number, number];
  const d = new Float64Array(n * c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let j = 0; j < c; j++) mx = Math.max(mx, h.data[i * c + j]!);
    let se = 0;
    for (let j = 0; j < c; j++) se += Math.exp(h.data[i * c + j]! - mx);
    for (let j = 0; j < c; j++) d[i * c + j] = Math.exp(h.data[i * c + j]! - mx) / se / n;
    const yi = s.y[i]!;
    loss -= h.data[i * c + yi]! - mx - Math.log(se);
    d[i * c + yi]! -= 1 / n;
  }
  let dy = new Tensor(d, [n, c]);
  for (let li = L - 1; li >= 0; li--) {
    const input = inputs[li]!;
    const dw = matmul(transpose(input), dy);
    const db = sum(dy, 0);
    if (li > 0) {
      const dx = matmul(dy, transpose(s.w[li]!));
      for (let k = 0; k < dx.data.length; k++) if (input.data[k]! <= 0) dx.data[k] = 0;
      dy = dx;
    }
    const w = s.w[li]!.data;
    const b = s.b[li]!.data;
    for (let k = 0; k < w.length; k++) w[k]! -= MLP_LR * dw.data[k]!;
    for (let k = 0; k < b.length; k++) b[k]! -= MLP_LR * db.data[k]!;
  }
  return loss / n;
}

// ---- the entry point (host: run(null, ...); isolate: "driver:run") -------------------------------

/** Run workload `kind` `iters` times; returns a checksum of the last result. */
export function run(_learner: unknown, kind: string, iters: number): number {
  let out = 0;
  if (kind.startsWith("mm:")) {
    const [n, k, m] = kind.slice(3).split("x").map(Number) as [number, number, number];
    const { a, b } = matmulInputs(n, k, m);
    for (let i = 0; i < iters; i++) out = checksum(matmul(a, b));
  } else if (kind === "conv:loops" || kind === "conv:im2col") {
    const f = kind === "conv:loops" ? conv2dLoops : conv2dIm2col;
    for (let i = 0; i < iters; i++) {
      out = 0;
      for (let l = 0; l < CONV_LAYERS.length; l++) {
        const { x, w } = convInputs(l);
        out += checksum(f(x, w));
      }
    }
  } else if (kind === "mlp:step") {
    const s = mlpState();
    for (let i = 0; i < iters; i++) out = mlpStep(s);
  } else {
    throw new Error(`unknown kernel ${kind}`);
  }
  return out;
}

