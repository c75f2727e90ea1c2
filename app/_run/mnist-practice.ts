/**
 * datasets/mnist.ts as the browser's Run has it (app/_build/run-assets.ts swaps it in): a practice
 * slice of the public training digits, fetched from the server for the signed-in learner
 * (app/_run/assets.ts), never the hidden pool the grader scores on.
 *
 * - `mnistDigits` (what a check trains on) gives the same images in the same order as on the
 *   server, for positions inside the slice's training part;
 * - `drawFromPool` (what a check scores on: on the server, per-submission draws from the hidden
 *   pool) draws, perturbed the same way, from the slice's practice part instead: digits the
 *   grader never scores, so a practice accuracy in Run tells nothing about the graded images.
 */
import { MNIST_PIXELS, drawDigits, selectDigits, type Digits, type RawDigits } from "../../datasets/mnist-images.ts";
import { PRACTICE, decodePixel } from "./mnist-practice-layout.ts";
import { notePractice } from "./practice-note.ts";

export { MNIST_PIXELS, type Digits };
export const MNIST_SPLITS = { train: { start: 0, count: 400 }, pretrain: { start: 400, count: 300 } } as const;
export const MNIST_POOL_START = 400;

async function loadPractice(): Promise<RawDigits> {
  const res = await fetch(new URL(`/gradlab/run/${PRACTICE.file}`, self.location.href));
  if (!res.ok) throw new Error(`the practice digits could not be loaded: the server answered ${res.status}${res.status === 401 ? " (signed out? reload the page)" : ""}`);
  // Sent as gzip data, not gzip-encoded (app/_run/assets.ts): decompress it here.
  const bytes = new Uint8Array(await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
  const per = PRACTICE.perDigit * MNIST_PIXELS;
  if (bytes.length !== 10 * per) throw new Error(`the practice digits are damaged (${bytes.length} bytes): reload the page`);
  const pixels = Array.from({ length: 10 }, (_, d) => Float64Array.from(bytes.subarray(d * per, (d + 1) * per), decodePixel));
  return { pixels, counts: Array(10).fill(PRACTICE.perDigit) };
}

const raw = await loadPractice();
/** Only the training part is there to train on. */
const training: RawDigits = { pixels: raw.pixels, counts: Array(10).fill(PRACTICE.train) };

export function mnistDigits(digits: readonly number[], range: { start: number; count: number }, orderSeed = 1234): Digits {
  if (range.start + range.count > PRACTICE.train) throw new Error(`Run has the first ${PRACTICE.train} training digits of each class; this check asks for ${range.start}..${range.start + range.count - 1}`);
  return selectDigits(training, digits, range, orderSeed);
}

export function drawFromPool(digits: readonly number[], perDigit: number, seed: number): Digits {
  notePractice();
  return drawDigits(raw, digits, perDigit, seed, { start: PRACTICE.train, size: () => PRACTICE.perDigit - PRACTICE.train }, "practice digits");
}
