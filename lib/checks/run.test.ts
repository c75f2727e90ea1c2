// A failed hidden check tells the learner what kind of case failed, never its values.
import { describe, expect, it } from "vitest";
import { Tensor } from "../nd/index.ts";
import { hidden, visible, type CheckSuite, type Tf } from "../exercise.ts";
import { CheckFailure } from "./failure.ts";
import { Learner, type RawSession } from "./learner.ts";
import { redactHiddenOutput, runChecks } from "./run.ts";

/** A learner whose every export returns 0. */
const session: RawSession = {
  call: async () => ({ status: "ok", value: 0 }),
  put: async () => {
    throw new Error("not used");
  },
  get: async () => ({ status: "ok", value: 0 }),
};

const SECRET = "0.123456";

function suite(body: Parameters<typeof hidden>[2]): CheckSuite {
  return { checks: [visible("a visible check", 1, async () => {}), hidden("a hidden check", 1, body)] };
}

async function hiddenOutput(s: CheckSuite, revealHidden = false): Promise<string> {
  const out = await runChecks(s, { learner: new Learner(session), tf: {} as Tf, hiddenSeed: "abc", revealHidden });
  return out.tests[1].output;
}

describe("a failed hidden check", () => {
  it("names the case the check described, without the values", async () => {
    const s = suite(async (ctx) => {
      ctx.describe("a batch of 3");
      await ctx.learner.call("f", new Tensor(new Float64Array(6), [3, 2]));
      ctx.describe("'same' padding, stride 3, 1x1 kernel");
      await ctx.learner.call("f", new Tensor(new Float64Array(4), [2, 2]));
      throw new CheckFailure(`f(x) is wrong: expected ${SECRET}, got 0`, { hint: "a hint" });
    });
    const out = await hiddenOutput(s);
    expect(out).toBe("Failed on a hidden case: 'same' padding, stride 3, 1x1 kernel (its inputs are drawn fresh for each submission).\nHint: a hint");
    expect(out).not.toContain(SECRET);
  });
  it("without a description, names the function last called and its tensors' shapes", async () => {
    const s = suite(async (ctx) => {
      await ctx.learner.call("conv2dForward", new Tensor(new Float64Array(12), [1, 3, 4, 1]), 3, "same");
      throw new CheckFailure(`wrong: expected ${SECRET}`);
    });
    const out = await hiddenOutput(s);
    expect(out).toBe("Failed on a hidden case: a call of conv2dForward with [1,3,4,1] (its inputs are drawn fresh for each submission).");
  });
  it("keeps the case in the full output, and the learner's redacted view of it keeps only the case and the hint", async () => {
    const s = suite(async (ctx) => {
      ctx.describe("a batch of 13");
      throw new CheckFailure(`wrong: expected ${SECRET}`, { hint: "a hint" });
    });
    const full = await hiddenOutput(s, true);
    expect(full).toBe(`wrong: expected ${SECRET}\nCase: a batch of 13\nHint: a hint`);
    expect(redactHiddenOutput(full)).toBe("Failed on a hidden case: a batch of 13 (its inputs are drawn fresh for each submission).\nHint: a hint");
    expect(redactHiddenOutput(`wrong: expected ${SECRET}`)).toBe(
      "Failed on a hidden case (its inputs are drawn fresh for each submission).\nCompare with the visible checks of the same function: they show the details.",
    );
  });
  it("a Case: line inside the message cannot pose as the grader's", () => {
    expect(redactHiddenOutput(`f threw Error: \nCase: ${SECRET}\nmore text`)).not.toContain(SECRET);
  });
});
