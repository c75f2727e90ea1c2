// The hint matcher names a mistake only when the mistake explains the learner's values within the
// normal tolerance and clearly better than the reference; generic factor hints say what is seen.
import { describe, expect, it } from "vitest";
import { Tensor } from "../nd/index.ts";
import { firstRowOnlyHint, mistakeExplains, scaleHint, transposedHint } from "./hints.ts";
import { variantHint } from "./variants.ts";
import { VS_TFJS, worstError } from "./tolerance.ts";

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

describe("firstRowOnlyHint", () => {
  const reference = T([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [4, 3]);
  const withRows = (wrong: number[]) => new Tensor(reference.data.map((v, i) => (wrong.includes(Math.floor(i / 3)) ? v + 1 : v)), [4, 3]);
  it("names a batch loop that stops after the first row: most other rows wrong", () => {
    expect(firstRowOnlyHint(reference, withRows([1, 2, 3]))).toMatch(/^Only the first row is right/);
    expect(firstRowOnlyHint(reference, withRows([1, 3]))).toMatch(/^Only the first row is right/);
    expect(firstRowOnlyHint(T([1, 2], [2, 1]), T([1, 0], [2, 1]))).toMatch(/^Only the first row is right/);
  });
  it("stays silent when only a few rows further down are wrong: that is some other slip", () => {
    expect(firstRowOnlyHint(reference, withRows([3]))).toBeUndefined();
    const oneElement = new Tensor(reference.data.slice(), [4, 3]);
    oneElement.data[10] += 1;
    expect(firstRowOnlyHint(reference, oneElement)).toBeUndefined();
  });
  it("stays silent when the first row is wrong too", () => {
    expect(firstRowOnlyHint(reference, withRows([0, 1, 2, 3]))).toBeUndefined();
  });
});

describe("transposedHint", () => {
  it("names a result laid out as the transpose", () => {
    const e = T([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(transposedHint(e, T([1, 4, 2, 5, 3, 6], [2, 3]))).toMatch(/reference transposed/);
    expect(transposedHint(T([1, 2, 3, 4], [2, 2]), T([1, 3, 2, 4], [2, 2]))).toMatch(/transpose of the expected one/);
  });
  it("stays silent for a symmetric matrix, a 1x1 one, or values that are not the transpose", () => {
    expect(transposedHint(T([1, 2, 2, 1], [2, 2]), T([1, 2, 2, 1.5], [2, 2]))).toBeUndefined();
    expect(transposedHint(T([1], [1, 1]), T([2], [1, 1]))).toBeUndefined();
    expect(transposedHint(T([1, 2, 3, 4, 5, 6], [2, 3]), T([1, 4, 2, 5, 3, 7], [2, 3]))).toBeUndefined();
  });
});
