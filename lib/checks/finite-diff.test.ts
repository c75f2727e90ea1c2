import { describe, expect, it } from "vitest";
import { Tensor } from "../nd/index.ts";
import { Rng } from "../nd/random.ts";
import { expectBackwardMatchesForward, expectGradMatchesForward } from "./finite-diff.ts";
import { CheckFailure } from "./failure.ts";
import { callEachInOrder, Learner, type BatchCall, type RawOutcome, type RawSession } from "./learner.ts";

/** Layer norm of one row (no affine), computed in float32 (every step rounded, as Float32Array does) or float64. */
function layerNorm(x: Float64Array, round: (v: number) => number): Float64Array {
  const d = x.length;
  let mean = 0;
  for (const v of x) mean = round(mean + v);
  mean = round(mean / d);
  let variance = 0;
  for (const v of x) variance = round(variance + round(round(v - mean) ** 2));
  const inv = round(1 / round(Math.sqrt(round(variance / d + 1e-5))));
  return x.map((v) => round(round(v - mean) * inv));
}

/** Its exact (float64) gradient against dy. */
function layerNormGrad(x: Float64Array, dy: Float64Array): Float64Array {
  const d = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / d;
  const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / d;
  const inv = 1 / Math.sqrt(variance + 1e-5);
  const xhat = x.map((v) => (v - mean) * inv);
  const mdy = dy.reduce((a, b) => a + b, 0) / d;
  const mdyx = dy.reduce((a, g, i) => a + g * xhat[i], 0) / d;
  return x.map((_, i) => inv * (dy[i] - mdy - xhat[i] * mdyx));
}

function spec(round: (v: number) => number, output: "float32" | "float64", wrongBy = 1) {
  const rng = new Rng(7);
  const d = 12;
  const x = new Tensor(Float64Array.from({ length: d }, () => rng.normal()), [1, d]);
  const dy = new Tensor(Float64Array.from({ length: d }, () => rng.normal()), [1, d]);
  const grad = layerNormGrad(x.data, dy.data).map((g, i) => (i === 3 ? g * wrongBy : g));
  return {
    wrt: "x",
    gradLabel: "dx",
    forwardLabel: "layerNormForward",
    at: x,
    dy,
    grad: new Tensor(grad, [1, d]),
    forward: async (v: Tensor) => {
      const y = layerNorm(v.data, round);
      return new Tensor(output === "float32" ? Float64Array.from(new Float32Array(y)) : y, [1, d]);
    },
  };
}

async function failure(p: Promise<void>): Promise<CheckFailure | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (e instanceof CheckFailure) return e;
    throw e;
  }
}

describe("finite differences of the learner's own forward", () => {
  it("passes a correct float64 backward", async () => {
    expect(await failure(expectGradMatchesForward(spec((v) => v, "float64")))).toBeUndefined();
  });

  it("passes a correct backward whose forward computes in float32 (Float32Array output)", async () => {
    expect(await failure(expectGradMatchesForward(spec(Math.fround, "float32")))).toBeUndefined();
  });

  it("still finds a wrong backward when the forward is float32", async () => {
    const f = await failure(expectGradMatchesForward(spec(Math.fround, "float32", 1.2)));
    expect(f?.message).toMatch(/^dx\[0,3\] = .* disagrees with your own layerNormForward: .*float32 values, so the step is larger/);
    expect(f?.hint).toMatch(/the bug is in the backward/);
  });

  it("says float64 is needed, not that the backward is wrong, when the forward's values are float32-noisy but not float32", async () => {
    // Float32 arithmetic, with a float64 step at the end: the output is not float32, its values are as noisy.
    const f = await failure(expectGradMatchesForward({ ...spec(Math.fround, "float64"), forward: async (v: Tensor) => new Tensor(layerNorm(v.data, Math.fround).map((y) => y * (1 + 1e-12)), [1, 12]) }));
    expect(f?.message).toMatch(/only accurate to about 7 digits, as float32 arithmetic .* This exercise needs float64/);
    expect(f?.hint).not.toMatch(/bug is in the backward/);
  });

  it("keeps the float64 verdict for a wrong float64 backward (even slightly wrong)", async () => {
    for (const wrongBy of [1.2, 1.0005]) {
      const f = await failure(expectGradMatchesForward(spec((v) => v, "float64", wrongBy)));
      expect(f?.message).toMatch(/^dx\[0,3\] = .* disagrees with your own layerNormForward: centred differences give/);
      expect(f?.hint).toMatch(/the bug is in the backward/);
    }
  });
});

describe("finite differences: what a failure says", () => {
  const x = new Tensor(new Float64Array([0.5, -0.25, 0.75]), [3]);
  const ones = new Tensor(new Float64Array([1, 1, 1]), [3]);
  /** forward(x) = 3x (dL/dx = 3 everywhere), checked with the learner's gradient `grad`. */
  const tripled = (grad: number[], over: Partial<Parameters<typeof expectGradMatchesForward>[0]> = {}) => ({
    wrt: "x",
    gradLabel: "dx",
    forwardLabel: "tripleForward",
    at: x,
    dy: ones,
    grad: new Tensor(new Float64Array(grad), [grad.length]),
    forward: async (v: Tensor) => new Tensor(v.data.map((a) => 3 * a), v.shape.slice()),
    ...over,
  });

  it("names the first wrong element, its value, the measured slope, the step and the tolerance", async () => {
    const f = await failure(expectGradMatchesForward(tripled([3, 2, 3])));
    expect(f?.message).toBe("dx[1] = 2 disagrees with your own tripleForward: centred differences give 3 (step 1.0e-5, atol 1e-7 + rtol 0.0001·|expected|).");
    expect(f?.hint).toBe("Your backward is not the derivative of your forward with respect to x. If your forward is right (see the forward checks), the bug is in the backward.");
  });

  it("scales the step with the element (|x| > 1) and names a 2-D element by its indices", async () => {
    const at = new Tensor(new Float64Array([0.5, 2, -40, 0.25]), [2, 2]);
    const f = await failure(expectGradMatchesForward(tripled([3, 3, -1, 3], { at, dy: new Tensor(new Float64Array(4).fill(1), [2, 2]) })));
    expect(f?.message).toMatch(/^dx\[1,0\] = -1 disagrees with your own tripleForward: centred differences give 3 \(step 4\.0e-4, /);
  });

  it("says there is nothing to compare yet when the forward is constant and the gradient all zeros", async () => {
    const f = await failure(expectGradMatchesForward(tripled([0, 0, 0], { forward: async () => new Tensor(new Float64Array(3), [3]) })));
    expect(f?.message).toBe("Your tripleForward does not change at all when x changes, and dx is all zeros: there is nothing to compare yet.");
    expect(f?.hint).toBe("Implement tripleForward first; this check then tells you whether your backward matches it.");
  });

  it("a constant forward with a non-zero gradient is a wrong backward, not 'nothing to compare'", async () => {
    const f = await failure(expectGradMatchesForward(tripled([1, 0, 0], { forward: async () => new Tensor(new Float64Array(3), [3]) })));
    expect(f?.message).toBe("dx[0] = 1 disagrees with your own tripleForward: centred differences give 0 (step 1.0e-5, atol 1e-7 + rtol 0.0001·|expected|).");
  });

  it("reports a forward that returns the wrong shape or a non-finite value at a perturbed point under the forward's name", async () => {
    const short = await failure(expectGradMatchesForward(tripled([3, 3, 3], { forward: async (v) => new Tensor(v.data.slice(0, 2), [2]) })));
    expect(short?.message).toBe("tripleForward has shape [2], expected [3].");
    const nan = await failure(expectGradMatchesForward(tripled([3, 3, 3], { forward: async (v) => new Tensor(v.data.map((a) => (a > 0.5 ? NaN : a)), [3]) })));
    expect(nan?.message).toBe("tripleForward contains NaN at [0]; every element must be a finite number.");
  });

  it("a scalar forward (no dy) must return a number, and its gradient is checked against the slope of that number", async () => {
    const scalar = { dy: undefined, forward: async (v: Tensor) => v.data.reduce((s, a) => s + a * a, 0) }; // d/dx Σx² = 2x
    expect(await failure(expectGradMatchesForward(tripled([1, -0.5, 1.5], scalar)))).toBeUndefined();
    const wrong = await failure(expectGradMatchesForward(tripled([1, 0.5, 1.5], scalar)));
    expect(wrong?.message).toMatch(/^dx\[1\] = 0\.5 disagrees with your own tripleForward: centred differences give -0\.5 /);
    const notNumber = await failure(expectGradMatchesForward(tripled([1, -0.5, 1.5], { dy: undefined, forward: async () => "0.5" })));
    expect(notNumber?.message).toMatch(/^tripleForward returned .*; expected a number\.$/);
  });

  it("checks at most maxElements elements, spread evenly: a mistake between them goes unseen, one on them is named", async () => {
    const at = new Tensor(Float64Array.from({ length: 100 }, (_, i) => (i + 1) / 100), [100]);
    const grad = (wrongAt: number) => Array.from({ length: 100 }, (_, i) => (i === wrongAt ? 0 : 3));
    const spread = { at, dy: new Tensor(new Float64Array(100).fill(1), [100]), maxElements: 4 };
    expect(await failure(expectGradMatchesForward(tripled(grad(1), spread)))).toBeUndefined();
    expect((await failure(expectGradMatchesForward(tripled(grad(75), spread))))?.message).toMatch(/^dx\[75\] = 0 disagrees/);
  });

  it("expectBackwardMatchesForward perturbs only the input each gradient belongs to and prefixes its label", async () => {
    const w = new Tensor(new Float64Array([2, -1, 0.5]), [3]);
    const moved: string[] = [];
    const differs = (a: Tensor, b: Tensor) => a.data.some((v, i) => v !== b.data[i]);
    // forward(x, w) = x * w: dx = w·dy, dw = x·dy.
    const forward = async (inputs: { x: Tensor; w: Tensor }) => {
      moved.push(`${differs(inputs.x, x) ? "x" : ""}${differs(inputs.w, w) ? "w" : ""}`);
      return new Tensor(inputs.x.data.map((a, i) => a * inputs.w.data[i]), [3]);
    };
    const spec = { grads: { dx: "x", dw: "w" } as const, inputs: { x, w }, forward, forwardLabel: "mulForward", gradLabelPrefix: "mulBackward(…).", dy: ones };
    await expectBackwardMatchesForward({ ...spec, backward: { dx: new Tensor(w.data.slice(), [3]), dw: new Tensor(x.data.slice(), [3]) } });
    // 2 evaluations per element (+ and -) for dx, then for dw, each moving only its own input, on copies.
    expect(moved.filter((m) => m === "xw")).toEqual([]);
    expect(moved.filter((m) => m === "x").length).toBe(6);
    expect(moved.filter((m) => m === "w").length).toBe(6);
    expect([...x.data, ...w.data]).toEqual([0.5, -0.25, 0.75, 2, -1, 0.5]);
    const f = await failure(expectBackwardMatchesForward({ ...spec, backward: { dx: new Tensor(w.data.slice(), [3]), dw: new Tensor(new Float64Array([0.5, 0.25, 0.75]), [3]) } }));
    expect(f?.message).toBe("mulBackward(…).dw[1] = 0.25 disagrees with your own mulForward: centred differences give -0.25 (step 1.0e-5, atol 1e-7 + rtol 0.0001·|expected|).");
    expect(f?.hint).toMatch(/with respect to w\./);
  });

  it("expectBackwardMatchesForward: a gradient of the wrong shape is named by its key", async () => {
    const f = await failure(
      expectBackwardMatchesForward({ grads: { dx: "x" } as const, inputs: { x }, forward: async (i: { x: Tensor }) => i.x, forwardLabel: "idForward", backward: { dx: new Tensor(new Float64Array(2), [2]) }, dy: ones }),
    );
    expect(f?.message).toBe("dx has shape [2], expected [3].");
  });
});

describe("finite differences through a sandboxed learner", () => {
  /** A learner whose `layerNormForward` is the float64 layer norm; counts crossings and calls. */
  function sandboxed(batches: boolean, throwAtCall?: number) {
    const counts = { crossings: 0, calls: 0 };
    const base = spec((v) => v, "float64");
    const call = async (_name: string, args: unknown[]): Promise<RawOutcome> => {
      counts.calls++;
      if (counts.calls === throwAtCall) return { status: "threw", error: { name: "Error", message: "probe failed" } };
      return { status: "ok", value: await base.forward(args[0] as Tensor) };
    };
    const raw: RawSession = {
      call: (n, a) => (counts.crossings++, call(n, a)),
      put: async () => {
        throw new Error("unused");
      },
      get: async () => ({ status: "missing", type: "undefined" }),
      ...(batches ? { callMany: (cs: readonly BatchCall[]) => (counts.crossings++, callEachInOrder({ call, get: raw.get }, cs)) } : {}),
    };
    const learner = new Learner(raw);
    return { counts, run: () => expectGradMatchesForward({ ...base, forward: (x) => learner.call("layerNormForward", x) }) };
  }

  it("sends every probe of a gradient as one batch: 2 crossings instead of 25, the same verdict", async () => {
    const batched = sandboxed(true);
    const sequential = sandboxed(false);
    expect(await failure(batched.run())).toBeUndefined();
    expect(await failure(sequential.run())).toBeUndefined();
    expect(sequential.counts).toEqual({ crossings: 25, calls: 25 });
    expect(batched.counts).toEqual({ crossings: 2, calls: 25 });
  });

  it("a probe that throws stops the batch there and is the failure reported", async () => {
    for (const batches of [true, false]) {
      const s = sandboxed(batches, 6);
      expect((await failure(s.run()))?.message).toBe("layerNormForward(…) threw Error: probe failed");
      expect(s.counts.calls).toBe(6);
    }
  });
});
