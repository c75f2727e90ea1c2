// The hint matcher names a mistake only when the mistake explains the learner's values within the
// normal tolerance and clearly better than the reference; generic factor hints say what is seen.
import { describe, expect, it } from "vitest";
import { Tensor } from "../nd/index.ts";
import { mistakeExplains, scaleHint, worstError } from "./hints.ts";
import { variantHint } from "./variants.ts";
import { VS_TFJS } from "./tolerance.ts";

const T = (data: number[], shape = [data.length]) => new Tensor(new Float64Array(data), shape);
const times = (t: Tensor, k: number) => new Tensor(t.data.map((v) => v * k), t.shape.slice());

const expected = T([0.3, -1.2, 2.5, 0.8, -0.4, 1.7], [2, 3]);

describe("worstError", () => {
  it("is the worst element's error in tolerances; NaN or a mismatched infinity is infinitely far", () => {
    expect(worstError([1, 2], [1, 2.0021], VS_TFJS)).toBeCloseTo(0.0021 / (1e-4 + 2e-3), 6);
    expect(worstError([1], [NaN], VS_TFJS)).toBe(Infinity);
    expect(worstError([Infinity], [Infinity], VS_TFJS)).toBe(0);
    expect(worstError([1, 2], [1], VS_TFJS)).toBe(Infinity);
  });
});

describe("mistakeExplains", () => {
  it("holds when the values are the mistake's, far from the reference", () => {
    const mistake = times(expected, 0.5);
    expect(mistakeExplains(expected.data, mistake.data, mistake.data)).toBe(true);
  });
  it("does not hold when the mistake's values are nearly the reference's (an epsilon moved: no guess)", () => {
    // The learner is off by 3 tolerances; the "mistake" differs from the reference by a hair.
    const got = expected.data.map((v, i) => (i === 0 ? v * 1.004 : v));
    const mistake = expected.data.map((v) => v * (1 + 2e-5));
    expect(mistakeExplains(expected.data, mistake, got)).toBe(false);
  });
  it("does not hold when the values are only near the mistake (outside the normal tolerance)", () => {
    const got = times(expected, 0.5).data.map((v, i) => (i === 2 ? v * 1.01 : v));
    expect(mistakeExplains(expected.data, times(expected, 0.5).data, got)).toBe(false);
  });
});

describe("scaleHint", () => {
  const named = scaleHint([
    { value: 0.5, hint: "the factor 2 of d(e²)/de is missing" },
    { value: 3, hint: "multiplied by the batch size 3" },
  ]);
  it("names a factor's cause only when that factor explains the values", () => {
    expect(named(expected, times(expected, 0.5))).toBe("the factor 2 of d(e²)/de is missing");
    expect(named(expected, times(expected, 3))).toBe("multiplied by the batch size 3");
  });
  it("says only what is observed for other factors: no invented cause", () => {
    // MSE's gradient divided by the wrong count (6 instead of 12): 2x, and not "a factor of 2 counted twice".
    expect(named(expected, times(expected, 2))).toBe("Your values are the reference times 2, the same factor for every element.");
    // LoRA scaled by alpha/M instead of alpha/r with r = 2, M = 4: half, and not "a missing factor of 2".
    const generic = scaleHint();
    expect(generic(expected, times(expected, 0.5))).toBe("Your values are the reference times 1/2, the same factor for every element.");
    expect(generic(expected, times(expected, 4 / 3))).toBe("Your values are the reference times 1.333, the same factor for every element.");
    expect(generic(expected, times(expected, -1))).toMatch(/opposite sign/);
  });
  it("says nothing when no single factor fits", () => {
    expect(named(expected, T([0.3, -1.2, 2.5, 0.8, -0.4, 1.9], [2, 3]))).toBeUndefined();
  });
});

describe("variantHint", () => {
  it("names the mistake when the learner's values are the mistake's", () => {
    const rule = variantHint("softmax over the columns", () => times(expected, -2));
    expect(rule(expected, times(expected, -2))).toBe("softmax over the columns");
  });
  it("stays silent when the mistake is indistinguishable from the reference", () => {
    const rule = variantHint("epsilon inside the square root", () => times(expected, 1 + 1e-6));
    expect(rule(expected, T([0.31, -1.2, 2.5, 0.8, -0.4, 1.7], [2, 3]))).toBeUndefined();
  });
});
