// Known-mistake variants: computed only when a comparison asks, at most once, and naming a mistake
// only when it explains the learner's values; otherwise silent.
import { describe, expect, it, vi } from "vitest";
import { Tensor } from "../nd/index.ts";
import { VS_FLOAT64 } from "./tolerance.ts";
import { mistakeHints, once, variantHint, type Mistake } from "./variants.ts";

const T = (data: number[], shape = [data.length]) => new Tensor(new Float64Array(data), shape);
const expected = T([0.3, -1.2, 2.5, 0.8], [2, 2]);
const halved = T([0.15, -0.6, 1.25, 0.4], [2, 2]);

describe("once", () => {
  it("computes on the first call only, even when the value is undefined", () => {
    const f = vi.fn(() => undefined);
    const lazy = once(f);
    expect(f).not.toHaveBeenCalled();
    expect([lazy(), lazy(), lazy()]).toEqual([undefined, undefined, undefined]);
    expect(f).toHaveBeenCalledTimes(1);
  });

  it("does not remember a throw: the next call computes again", () => {
    let n = 0;
    const lazy = once(() => {
      if (++n === 1) throw new Error("first time");
      return n;
    });
    expect(() => lazy()).toThrow("first time");
    expect(lazy()).toBe(2);
    expect(lazy()).toBe(2);
  });
});

describe("variantHint: when it stays silent", () => {
  it("when the mistake does not apply to this case (the variant is undefined)", () => {
    expect(variantHint("softmax over the wrong axis", () => undefined)(expected, halved)).toBeUndefined();
  });

  it("when the variant has a different number of elements than the learner's tensor", () => {
    expect(variantHint("the bias added twice", () => T([0.15, -0.6, 1.25]))(expected, halved)).toBeUndefined();
  });

  it("when the learner's values are the reference's (nothing to explain)", () => {
    expect(variantHint("halved", () => halved)(expected, expected)).toBeUndefined();
  });

  it("when the learner's values are only near the variant (outside its tolerance)", () => {
    const got = T([0.15, -0.6, 1.25, 0.41], [2, 2]);
    expect(variantHint("halved", () => halved)(expected, got)).toBeUndefined();
  });

  it("when the variant is all zeros (a stub's zeros are for the generic zeros hint to name)", () => {
    const zeros = T([0, 0, 0, 0], [2, 2]);
    expect(variantHint("the forward never written", () => zeros)(expected, zeros)).toBeUndefined();
  });

  it("uses the tolerance it is given: a float64 comparison is stricter", () => {
    const got = T([0.15, -0.6, 1.25, 0.40001], [2, 2]);
    expect(variantHint("halved", () => halved)(expected, got)).toBe("halved");
    expect(variantHint("halved", () => halved, VS_FLOAT64)(expected, got)).toBeUndefined();
  });

  it("computes its variant only when asked (a rule never called costs nothing)", () => {
    const variant = vi.fn(() => halved);
    const rule = variantHint("halved", variant);
    expect(variant).not.toHaveBeenCalled();
    expect(rule(expected, halved)).toBe("halved");
    expect(variant).toHaveBeenCalledTimes(1);
  });
});

describe("mistakeHints", () => {
  it("one rule per mistake, in order, each reading its output by key; a mistake without that output is silent", () => {
    const mistakes: Mistake<"dx" | "dw">[] = [
      { hint: "dx halved", outputs: () => ({ dx: halved }) },
      { hint: "no dx here", outputs: () => ({ dw: halved }) },
      { hint: "does not apply", outputs: () => undefined },
    ];
    const rules = mistakeHints(mistakes, "dx");
    expect(rules).toHaveLength(3);
    expect(rules.map((r) => r(expected, halved))).toEqual(["dx halved", undefined, undefined]);
  });

  it("computes a mistake's outputs once for every key when its outputs are memoised with once", () => {
    const compute = vi.fn(() => ({ dx: halved, dw: halved }));
    const mistakes: Mistake<"dx" | "dw">[] = [{ hint: "halved", outputs: once(compute) }];
    expect(mistakeHints(mistakes, "dx")[0](expected, halved)).toBe("halved");
    expect(mistakeHints(mistakes, "dw")[0](expected, halved)).toBe("halved");
    expect(compute).toHaveBeenCalledTimes(1);
  });
});
