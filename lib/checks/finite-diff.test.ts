import { describe, expect, it } from "vitest";
import { Tensor } from "../nd/index.ts";
import { Rng } from "../nd/random.ts";
import { expectGradMatchesForward } from "./finite-diff.ts";
import { CheckFailure } from "./failure.ts";

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
