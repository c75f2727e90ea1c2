// A failed hidden check tells the learner what kind of case failed, never its values.
import { describe, expect, it, vi } from "vitest";
import { Tensor } from "../nd/index.ts";
import { hidden, visible, type CheckSuite } from "./define.ts";
import type { Tf } from "./tf.ts";
import { CheckFailure, SandboxLimitError } from "./failure.ts";
import { Learner, type RawSession } from "./learner.ts";
import { redactForLearner, type GradeResult } from "../result.ts";
import { runChecks, seedFrom } from "./run.ts";

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

async function hiddenTest(s: CheckSuite, revealHidden = false) {
  const out = await runChecks(s, { learner: new Learner(session), tf: {} as Tf, hiddenSeed: "abc", revealHidden });
  return out.tests[1];
}
const hiddenOutput = async (s: CheckSuite, revealHidden = false) => (await hiddenTest(s, revealHidden)).output;

/** The hidden test's output as its learner reads it after the server's redaction. */
function redactedOutput(t: GradeResult["tests"][number]): string {
  const result: GradeResult = { exercise: "e", score: 0, maxScore: 1, status: "failed", tests: [t], stdout: "", durationMs: 0 };
  return redactForLearner(result).tests[0].output;
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
  it("describes the last call's arguments as they were when it was made (the case is described only at the failure)", async () => {
    const s = suite(async (ctx) => {
      const params = [new Tensor(new Float64Array(6), [2, 3])];
      await ctx.learner.call("step", params, new Int32Array(4));
      params.push(new Tensor(new Float64Array(2), [2]));
      throw new CheckFailure(`wrong: expected ${SECRET}`);
    });
    const out = await hiddenOutput(s);
    expect(out).toBe("Failed on a hidden case: a call of step with 1 tensor ([2,3]), an array of 4 (its inputs are drawn fresh for each submission).");
  });
  it("keeps the case in the full output, and the learner's redacted view of it keeps only the case and the hint", async () => {
    const s = suite(async (ctx) => {
      ctx.describe("a batch of 13");
      throw new CheckFailure(`wrong: expected ${SECRET}`, { hint: "a hint" });
    });
    const full = await hiddenTest(s, true);
    expect(full.output).toBe(`wrong: expected ${SECRET}\nCase: a batch of 13\nHint: a hint`);
    expect(full).toMatchObject({ hint: "a hint", case: "a batch of 13" });
    expect(redactedOutput(full)).toBe("Failed on a hidden case: a batch of 13 (its inputs are drawn fresh for each submission).\nHint: a hint");
    const bare = await hiddenTest(suite(async () => { throw new CheckFailure(`wrong: expected ${SECRET}`); }), true);
    expect(redactedOutput(bare)).toBe(
      "Failed on a hidden case (its inputs are drawn fresh for each submission).\nCompare with the visible checks of the same function: they show the details.",
    );
  });
  it("a Case: or Hint: line inside the message cannot pose as the grader's", async () => {
    // The learner's error text comes first in the message, the expected value after it.
    const learnerText = "boom\nCase: x\nHint: ";
    const posing = await hiddenTest(suite(async () => { throw new CheckFailure(`f threw Error: ${learnerText}; expected ${SECRET}`); }), true);
    expect(posing.output).toContain(SECRET);
    expect(redactedOutput(posing)).not.toContain(SECRET);
  });
  it("redacting is idempotent: a result graded for the learner reads the same once redacted again", async () => {
    const s = suite(async (ctx) => {
      ctx.describe("a batch of 13");
      throw new CheckFailure(`wrong: expected ${SECRET}`, { hint: "a hint" });
    });
    const learner = await hiddenTest(s);
    expect(redactedOutput(learner)).toBe(learner.output);
    expect(redactedOutput(learner)).toBe(redactedOutput(await hiddenTest(s, true)));
  });
});

describe("runChecks: what a failure does to the checks and the outcome", () => {
  const run = (checks: CheckSuite["checks"], opts: { revealHidden?: boolean; only?: "visible"; hiddenSeed?: string } = {}) =>
    runChecks({ checks }, { learner: new Learner(session), tf: {} as Tf, hiddenSeed: opts.hiddenSeed ?? "abc", ...opts });
  const pass = async () => {};

  it("a visible CheckFailure gives 0 points with its message, then its hint; the other checks still run", async () => {
    const out = await run([visible("v1", 2, async () => { throw new CheckFailure("f(x)[0] is 1, expected 2.", { hint: "add the bias", data: { heat: [1] } }); }), visible("v2", 3, pass)]);
    expect(out.tests).toEqual([
      { name: "v1", maxScore: 2, visibility: "visible", score: 0, status: "failed", output: "f(x)[0] is 1, expected 2.\nHint: add the bias", hint: "add the bias", data: { heat: [1] } },
      { name: "v2", maxScore: 3, visibility: "visible", score: 3, status: "passed", output: "" },
    ]);
    expect(out.stopped).toBeUndefined();
    expect(out.internalError).toBeUndefined();
  });

  it("a failed critical check skips the later ones, saying which must pass first", async () => {
    const later = vi.fn(pass);
    const out = await run([visible("exports", 1, async () => { throw new CheckFailure("missing"); }, { critical: true }), visible("v2", 2, later), hidden("h", 3, later)]);
    expect(later).not.toHaveBeenCalled();
    expect(out.tests.slice(1)).toEqual([
      { name: "v2", maxScore: 2, visibility: "visible", score: 0, status: "failed", output: 'Not run: "exports" must pass first.', text: { message: { key: expect.any(String), params: ["exports"] } } },
      { name: "h", maxScore: 3, visibility: "hidden", score: 0, status: "failed", output: 'Not run: "exports" must pass first.', text: { message: { key: expect.any(String), params: ["exports"] } } },
    ]);
  });

  it("a sandbox limit stops grading: the verdict's status and message, and every later check not run", async () => {
    const later = vi.fn(pass);
    const out = await run([visible("v1", 1, pass), visible("v2", 2, async () => { throw new SandboxLimitError("timeout", "Your code ran longer than 5 s."); }), hidden("h", 3, later)]);
    expect(later).not.toHaveBeenCalled();
    expect(out.stopped).toEqual({ status: "timeout", message: "Your code ran longer than 5 s." });
    expect(out.tests.map((t) => [t.name, t.score, t.status, t.output])).toEqual([
      ["v1", 1, "passed", ""],
      ["v2", 0, "failed", "Your code ran longer than 5 s."],
      ["h", 0, "failed", "Not run: grading stopped at an earlier check (time limit)."],
    ]);
  });

  it("a check that crashes is the grader's error: the learner is told so, the internal error names the check, later checks run", async () => {
    const out = await run([visible("v1", 2, async () => { throw new TypeError("cannot read properties of undefined"); }), visible("v2", 1, pass)]);
    expect(out.tests[0]).toMatchObject({ score: 0, status: "failed", output: "The grader could not run this check (an error in the grader, not in your code). Your submission can be regraded." });
    expect(out.internalError).toMatch(/^check "v1" crashed: TypeError: cannot read properties of undefined/);
    expect(out.tests[1]).toMatchObject({ score: 1, status: "passed" });
    expect(out.stopped).toBeUndefined();
  });

  it("partial credit: the fraction is clamped to [0, 1], rounded to 6 decimals, and anything under 1 fails", async () => {
    const out = await run([
      visible("half", 3, async () => ({ fraction: 1 / 3, output: "accuracy 0.81" })),
      visible("over", 2, async () => ({ fraction: 1.5 })),
      visible("under", 2, async () => ({ fraction: -0.5 })),
    ]);
    expect(out.tests.map((t) => [t.name, t.score, t.status, t.output])).toEqual([
      ["half", 1, "failed", "accuracy 0.81"],
      ["over", 2, "passed", ""],
      ["under", 0, "failed", ""],
    ]);
  });

  it("an outcome's hint follows its output and is kept as a field: a hidden check's learner gets the hint, not the output", async () => {
    const out = await run([visible("tier", 2, async () => ({ fraction: 0.5, output: "accuracy 0.81", hint: "train longer" })), hidden("h", 2, async () => ({ fraction: 0.5, output: `accuracy ${SECRET}`, hint: "train longer" }))], { revealHidden: true });
    expect(out.tests[0]).toMatchObject({ score: 1, status: "failed", output: "accuracy 0.81\nHint: train longer", hint: "train longer" });
    expect(out.tests[1]).toMatchObject({ output: `accuracy ${SECRET}\nHint: train longer`, hint: "train longer" });
    expect(redactedOutput(out.tests[1])).toBe("Failed on a hidden case (its inputs are drawn fresh for each submission).\nHint: train longer");
  });

  it("a hidden check's pictures reach only an instructor; a hidden failure with no case and no hint points to the visible checks", async () => {
    const checks = [visible("v", 1, pass), hidden("h", 1, async () => { throw new CheckFailure(`expected ${SECRET}`, { data: { inputs: [SECRET] } }); }), hidden("h2", 1, async () => ({ data: { curve: [1, 2] } }))];
    const learner = await run(checks);
    expect(learner.tests[1]).toEqual({
      name: "h", maxScore: 1, visibility: "hidden", score: 0, status: "failed",
      output: "Failed on a hidden case (its inputs are drawn fresh for each submission).\nCompare with the visible checks of the same function: they show the details.",
      text: { message: { key: expect.any(String) } },
    });
    expect(learner.tests[2].data).toBeUndefined();
    const staff = await run(checks, { revealHidden: true });
    expect(staff.tests[1]).toMatchObject({ output: `expected ${SECRET}`, data: { inputs: [SECRET] } });
    expect(staff.tests[2].data).toEqual({ curve: [1, 2] });
  });

  it("the browser's Run (only: visible) runs no hidden check", async () => {
    const secret = vi.fn(pass);
    const out = await run([visible("v", 1, pass), hidden("h", 1, secret)], { only: "visible" });
    expect(out.tests.map((t) => t.name)).toEqual(["v"]);
    expect(secret).not.toHaveBeenCalled();
  });

  it("seeds: a visible check's do not depend on the submission, a hidden check's do", async () => {
    const seeds = async (hiddenSeed: string) => {
      const got: Record<string, number> = {};
      await run([visible("v", 1, async (ctx) => void (got.v = ctx.seed)), hidden("h", 1, async (ctx) => void (got.h = ctx.seed))], { hiddenSeed });
      return got;
    };
    const [a, b] = [await seeds("aaaa"), await seeds("bbbb")];
    expect(a.v).toBe(seedFrom("visible:v"));
    expect(b.v).toBe(a.v);
    expect(a.h).toBe(seedFrom("aaaa:h"));
    expect(b.h).not.toBe(a.h);
  });
});

describe("ctx.shared", () => {
  it("runs the work once for all the checks of one grade, and again for the next grade", async () => {
    let made = 0;
    const got: number[] = [];
    const check = (name: string) => visible(name, 1, async (ctx) => {
      got.push(await ctx.shared("work", async () => ++made));
    });
    const suite: CheckSuite = { checks: [check("a"), check("b"), check("c")] };
    const learner = new Learner({ call: async () => ({ status: "missing", type: "undefined" }), put: async () => { throw new Error("unused"); }, get: async () => ({ status: "missing", type: "undefined" }) });
    await runChecks(suite, { learner, tf: undefined as unknown as Tf, hiddenSeed: "00" });
    expect(got).toEqual([1, 1, 1]);
    await runChecks(suite, { learner, tf: undefined as unknown as Tf, hiddenSeed: "00" });
    expect(got).toEqual([1, 1, 1, 2, 2, 2]);
  });
});
