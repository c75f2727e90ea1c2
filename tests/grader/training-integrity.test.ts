// Training exercises score work, not memory: scored digits come from a hidden pool per submission,
// perturbed, and the accuracy that counts is that of the returned weights (recomputed by tfjs).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Tensor } from "../../lib/nd/index.ts";
import { MNIST_PIXELS, MNIST_POOL_START, MNIST_SPLITS, drawFromPool, loadMnist, poolSize, shiftImage } from "../../datasets/mnist.ts";
import { asMlpLayers, firstDisagreement } from "../../lib/checks/training.ts";
import { CheckFailure } from "../../lib/checks/failure.ts";
import { gradeCode } from "../../grader/grade.ts";
import { exercise } from "../helpers.ts";

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** Exact-pixel fingerprint of every image of the public package (what an answer table keys on). */
function packageFingerprints(): Map<string, number> {
  const raw = loadMnist();
  const out = new Map<string, number>();
  for (let d = 0; d < 10; d++) {
    for (let i = 0; i < raw.counts[d]; i++) out.set(Array.from(raw.pixels[d].subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), (v) => Math.round(v * 255)).join(","), d);
  }
  return out;
}
const fingerprint = (x: Float64Array, row: number) => Array.from(x.subarray(row * MNIST_PIXELS, (row + 1) * MNIST_PIXELS), (v) => Math.round(v * 255)).join(",");

describe("the hidden pool of MNIST digits", () => {
  it("does not overlap what learners train on, and is larger than it", () => {
    expect(MNIST_SPLITS.train.start + MNIST_SPLITS.train.count).toBeLessThanOrEqual(MNIST_POOL_START);
    const pool = DIGITS.reduce((s, d) => s + poolSize(d), 0);
    expect(pool).toBe(6000);
    expect(pool).toBeGreaterThan(10 * MNIST_SPLITS.train.count);
  });

  it("draws per seed: the same seed gives the same digits, another seed others", () => {
    const a = drawFromPool(DIGITS, 50, 7);
    const b = drawFromPool(DIGITS, 50, 7);
    const c = drawFromPool(DIGITS, 50, 8);
    expect(a.x.shape).toEqual([500, 784]);
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    expect(Array.from(a.x.data.subarray(0, 784))).not.toEqual(Array.from(c.x.data.subarray(0, 784)));
    for (let d = 0; d < 10; d++) expect(a.y.filter((y) => y === d).length).toBe(50);
  });

  it("no drawn image is in the public package as published: a pixel-fingerprint table finds none", () => {
    const table = packageFingerprints();
    for (const seed of [1, 2, 3]) {
      const draw = drawFromPool(DIGITS, 400, seed);
      let hits = 0;
      for (let r = 0; r < draw.y.length; r++) if (table.has(fingerprint(draw.x.data, r))) hits++;
      expect(hits).toBe(0);
    }
  });

  it("shifts by whole pixels exactly, and keeps fractional shifts in [0, 1]", () => {
    const img = Float64Array.from({ length: 784 }, (_, i) => (i % 29) / 28);
    const s = shiftImage(img, 1, 2);
    expect(s[2 * 28 + 1]).toBe(img[0]);
    expect(s[0]).toBe(0);
    const f = shiftImage(img, 0.3, -0.4);
    expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...f)).toBeLessThanOrEqual(1);
  });
});

describe("a learner's MLP as weights", () => {
  const rules = { inputs: 4, outputs: 2, minHidden: 1, maxParams: 40 };
  const t = (shape: number[]) => new Tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
  it("accepts a chain 4 → 3 → 2 and rejects a linear model, a broken chain and too many parameters", () => {
    expect(asMlpLayers("model.layers", [{ w: t([4, 3]), b: t([3]) }, { w: t([3, 2]), b: t([2]) }], rules)).toHaveLength(2);
    expect(() => asMlpLayers("model.layers", [{ w: t([4, 2]), b: t([2]) }], rules)).toThrow(/at least 1 hidden layer/);
    expect(() => asMlpLayers("model.layers", [{ w: t([4, 3]), b: t([3]) }, { w: t([4, 2]), b: t([2]) }], rules)).toThrow(/input size must be 3/);
    expect(() => asMlpLayers("model.layers", [{ w: t([4, 6]), b: t([6]) }, { w: t([6, 2]), b: t([2]) }], rules)).toThrow(CheckFailure);
  });
  it("finds where predictions disagree with logits, allowing float32 near-ties", () => {
    const logits = Float32Array.from([1, 2, 5, 5.000001]);
    expect(firstDisagreement(Int32Array.from([1, 0]), logits, 2)).toBe(-1);
    expect(firstDisagreement(Int32Array.from([0, 1]), logits, 2)).toBe(0);
  });
});

describe("hostile submissions", () => {
  const heldOut = (r: Awaited<ReturnType<typeof gradeCode>>) => r.tests.filter((t) => /held-out accuracy|validation digits|validation accuracy/.test(t.name));

  it("mnist-mlp: an answer table of the whole public package scores 0 on every accuracy check", async () => {
    const r = await gradeCode(await exercise("mnist-mlp"), readFileSync("exercises/05-training/mnist-mlp/wrong/answer-table.ts", "utf8"), { hiddenSeed: "a1", revealHidden: true });
    expect(heldOut(r).length).toBe(2);
    for (const t of heldOut(r)) expect(t.score, `${t.name}: ${t.output}`).toBe(0);
    expect(r.tests.find((t) => t.name === "predict agrees with the forward pass of model.layers")?.status).toBe("passed"); // the table never hits
  }, 120_000);

  it("freeze-layers: an answer table of every 5-9 in the package scores 0 on both accuracy checks", async () => {
    const r = await gradeCode(await exercise("freeze-layers"), readFileSync("exercises/06-fine-tuning/freeze-layers/wrong/answer-table.ts", "utf8"), { hiddenSeed: "b2", revealHidden: true });
    const acc = r.tests.filter((t) => /accuracy on/.test(t.name));
    expect(acc.length).toBe(2);
    for (const t of acc) expect(t.score, `${t.name}: ${t.output}`).toBe(0);
  }, 120_000);

  it("mnist-mlp: a nearest-neighbour memoriser gets nothing for accuracy (its layers are untrained)", async () => {
    const r = await gradeCode(await exercise("mnist-mlp"), readFileSync("exercises/05-training/mnist-mlp/wrong/nearest-neighbour.ts", "utf8"), { hiddenSeed: "c3", revealHidden: true });
    for (const t of heldOut(r)) expect(t.score).toBe(0);
    expect(r.tests.find((t) => t.name === "predict agrees with the forward pass of model.layers")?.output).toMatch(/recomputed with TensorFlow.js/);
  }, 120_000);
});
