// Run for the training exercises (issue 12.8): the practice digits the browser gets, how the page
// reads Run's progress, and the route that serves the digits.
import { describe, expect, it, vi } from "vitest";
import { gzipSync } from "node:zlib";
import { MNIST_PIXELS, loadMnist, mnistDigits as serverDigits, MNIST_POOL_START } from "../../datasets/mnist.ts";
import { drawDigits } from "../../datasets/mnist-images.ts";
import { PRACTICE, encodePixel } from "../../app/_run/mnist-practice-layout.ts";
import { runAssetOf } from "../../app/_run/assets.ts";
import { applyProgress, emptyProgress, progressFraction } from "../../app/_components/run-progress.ts";

/** The practice file as the build writes it (before gzip). */
function practiceBytes(): Uint8Array<ArrayBuffer> {
  const raw = loadMnist();
  const per = PRACTICE.perDigit * MNIST_PIXELS;
  const bytes = new Uint8Array(10 * per);
  for (let d = 0; d < 10; d++) for (let i = 0; i < per; i++) bytes[d * per + i] = encodePixel(raw.pixels[d][i]);
  return bytes;
}

/** app/_run/mnist-practice.ts, loaded as in the Run worker, its fetch answered with `bytes`. */
async function practiceModule(bytes: Uint8Array<ArrayBuffer>) {
  const asked: string[] = [];
  const g = globalThis as unknown as { self?: unknown; fetch: typeof fetch };
  const [self0, fetch0] = [g.self, g.fetch];
  g.self = { location: { href: "http://run.test/gradlab/run/chunks/x.js" } };
  // As the route sends it: the build's gzip file, as is.
  g.fetch = (async (url: URL) => (asked.push(String(url)), new Response(new Uint8Array(gzipSync(bytes))))) as unknown as typeof fetch;
  try {
    vi.resetModules(); // a fresh module each time: its top-level await fetches again
    return { mod: await import("../../app/_run/mnist-practice.ts"), asked };
  } finally {
    [g.self, g.fetch] = [self0, fetch0];
  }
}

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const same = (a: { x: { data: Float64Array }; y: Int32Array }, b: { x: { data: Float64Array }; y: Int32Array }) =>
  a.y.length === b.y.length && a.y.every((v, i) => v === b.y[i]) && a.x.data.every((v, i) => v === b.x.data[i]);

describe("Run's practice digits", () => {
  it("trains on exactly the server's digits (same pixels, same order) and scores on the practice part, never the hidden pool", async () => {
    const { mod, asked } = await practiceModule(practiceBytes());
    expect(asked).toEqual([`http://run.test/gradlab/run/${PRACTICE.file}`]);
    // mnist-mlp's visible training set and freeze-layers' fine-tuning set.
    expect(same(mod.mnistDigits(DIGITS, { start: 0, count: 100 }), serverDigits(DIGITS, { start: 0, count: 100 }))).toBe(true);
    expect(same(mod.mnistDigits([5, 6, 7, 8, 9], { start: 0, count: 200 }), serverDigits([5, 6, 7, 8, 9], { start: 0, count: 200 }))).toBe(true);
    expect(() => mod.mnistDigits(DIGITS, { start: 0, count: 400 })).toThrow(/Run has the first 200 training digits/);
    // "drawFromPool" draws from positions 200..299 (public training region), the same way the server draws from the pool.
    const practice = mod.drawFromPool(DIGITS, 100, 42);
    const raw = loadMnist();
    expect(same(practice, drawDigits(raw, DIGITS, 100, 42, { start: PRACTICE.train, size: () => PRACTICE.perDigit - PRACTICE.train }, "x"))).toBe(true);
    expect(same(practice, drawDigits(raw, DIGITS, 100, 42, { start: MNIST_POOL_START, size: () => 100 }, "x"))).toBe(false);
    expect(PRACTICE.perDigit).toBeLessThanOrEqual(MNIST_POOL_START);
  });

  it("a damaged file is refused with a message", async () => {
    await expect(practiceModule(new Uint8Array(10))).rejects.toThrow(/practice digits are damaged/);
  });

  it("the route serves the practice file gzipped (any signed-in user), and nothing else under data/", () => {
    expect(runAssetOf(["data", "mnist-practice.bin"])).toEqual({ file: PRACTICE.file, immutable: false, type: "application/gzip", gzipped: true });
    expect(runAssetOf(["data", "mnist.bin"])).toBeUndefined();
    expect(runAssetOf(["data", "..", "run-worker.js"])).toBeUndefined();
  });
});

describe("Run's progress on the page", () => {
  it("counts checks, follows the logged epoch and draws each logged loss", () => {
    let s = applyProgress(emptyProgress(), { done: 0, total: 4, check: "train" });
    expect(progressFraction(s)).toBe(0);
    s = applyProgress(s, { lines: ["epoch 1/10 loss 2.3012", "note: nothing", "epoch 2/10 loss: 1.5e-1", "val_loss=0.9"] });
    expect(s.losses).toEqual([2.3012, 0.15, 0.9]);
    expect(s.epoch).toEqual({ at: 2, of: 10 });
    expect(progressFraction(s)).toBeCloseTo(0.2 / 4);
    s = applyProgress(s, { done: 1, total: 4 });
    expect(s.check).toBeUndefined();
    expect(progressFraction(s)).toBe(0.25);
    s = applyProgress(s, { lines: Array.from({ length: 20 }, (_, i) => `line ${i}`) });
    expect(s.lines).toHaveLength(8);
    expect(s.lines.at(-1)).toBe("line 19");
  });
});
