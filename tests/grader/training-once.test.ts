// A training exercise trains each model once per grade: every check gets its own `ctx.learner`
// wrapper, so the checks must share trained models (and scored draws) by the learner's session.
import { describe, expect, it } from "vitest";
import { Rng, Tensor, randn } from "../../lib/nd/index.ts";
import { Handle } from "../../lib/wire.ts";
import { Learner, type RawOutcome, type RawSession } from "../../lib/checks/learner.ts";
import { runChecks } from "../../lib/checks/run.ts";
import { referenceTf } from "../../grader/reference/tf.ts";
import mnistChecks, { packDigits } from "../../exercises/05-training/mnist-mlp/checks.ts";
import { unpackDigits } from "../../exercises/05-training/mnist-mlp/driver.ts";
import { MNIST_SPLITS, mnistDigits } from "../../datasets/mnist.ts";

/** A learner whose `train` returns a fixed random 784 → 16 → 10 MLP at once, counting the calls by name. */
function countingSession(): { raw: RawSession; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const rng = new Rng(5);
  const layers = [
    { w: randn([784, 16], rng), b: new Tensor(new Float64Array(16), [16]) },
    { w: randn([16, 10], rng), b: new Tensor(new Float64Array(10), [10]) },
  ];
  let next = 1;
  const raw: RawSession = {
    async call(name, args, opts): Promise<RawOutcome> {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      if (name === "train" || name === "driver:unpackDigits") return { status: "ok", value: opts.keep ? new Handle(next++) : {} };
      if (name === "driver:mlpParts") return { status: "ok", value: { layers, losses: [2.3, 1.1] } };
      if (name === "predict") {
        const x = args[1] as Tensor;
        return { status: "ok", value: new Int32Array(x.shape[0]) };
      }
      return { status: "missing", type: "undefined" };
    },
    async put() {
      return new Handle(next++);
    },
    async get() {
      return { status: "missing", type: "undefined" };
    },
  };
  return { raw, calls };
}

describe("mnist-mlp's training digits, one byte a pixel on the way to the sandbox", () => {
  it("come out of the driver as the same float64 pixels, to the bit, and the same labels", () => {
    const digits = mnistDigits([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], MNIST_SPLITS.train);
    const p = packDigits(digits);
    expect(p.codes.byteLength).toBe(digits.x.data.length);
    const { x, y } = unpackDigits(undefined, p.codes, p.table, p.rows, p.y);
    expect(x.shape).toEqual([4000, 784]);
    const got = new Uint8Array(x.data.buffer);
    const want = new Uint8Array(digits.x.data.buffer);
    expect(got.length).toBe(want.length);
    expect(got.findIndex((b, i) => b !== want[i])).toBe(-1);
    expect(Array.from(y)).toEqual(Array.from(digits.y));
  });

  it("refuses pixels with more than 256 distinct values rather than rounding them", () => {
    const x = Float64Array.from({ length: 784 }, (_, i) => i / 783);
    expect(() => packDigits({ x: new Tensor(x, [1, 784]), y: new Int32Array(1) })).toThrow(/more than 256 values/);
  });
});

describe("training exercises train once per grade", () => {
  it("mnist-mlp: one training on 1,000 digits and one on 4,000, whatever the number of checks", async () => {
    const { raw, calls } = countingSession();
    const out = await runChecks(mnistChecks, { learner: new Learner(raw), tf: await referenceTf(), hiddenSeed: "0123456789abcdef" });
    expect(out.tests.length).toBe(7);
    expect(calls.get("train")).toBe(2);
    expect(calls.get("driver:mlpParts")).toBe(2);
  }, 60_000);
});

describe("every exercise shares per-grade work through ctx.shared", () => {
  // A WeakMap keyed by `ctx.learner` (a new wrapper in every check) caches nothing: each check
  // retrained (mnist-mlp 7 trainings a grade, text-classifier and depth-study too). ctx.shared is the one way.
  it("no checks.ts keeps its own cache keyed by the learner", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const { join } = await import("node:path");
    const root = join(import.meta.dirname, "../../exercises");
    const offenders: string[] = [];
    for (const set of readdirSync(root)) {
      if (!statSync(join(root, set)).isDirectory()) continue;
      for (const ex of readdirSync(join(root, set))) {
        const file = join(root, set, ex, "checks.ts");
        let src: string;
        try {
          src = readFileSync(file, "utf8");
        } catch {
          continue;
        }
        if (/\.(get|set|has)\(ctx\.learner(\.raw)?\s*[,)]/.test(src) || /WeakMap<Learner\b/.test(src)) offenders.push(`${set}/${ex}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
