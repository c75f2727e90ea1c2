import { describe, expect, it } from "vitest";
import { en, keysOf, renderText, templateKey, templateOf, textOf } from "./text.ts";
import { Learner, type RawSession } from "../checks/learner.ts";
import { CheckFailure } from "../checks/failure.ts";
import { hidden, visible } from "../checks/define.ts";
import { runChecks } from "../checks/run.ts";
import type { Tf } from "../checks/tf.ts";
import { redactForLearner, type GradeResult } from "../result.ts";

describe("en: English templates that remember their key and values", () => {
  it("returns exactly the English a plain template literal gives", () => {
    const n = 4;
    expect(en`divided by the batch size ${n}: do not divide again.`).toBe(`divided by the batch size ${n}: do not divide again.`);
    expect(en`no values`).toBe("no values");
  });

  it("gives the key of its template with the values in order, numbers as numbers, NaN as text", () => {
    const s = en`${"x"} is ${3} not ${NaN}.`;
    expect(textOf(s)).toEqual({ key: templateKey("{0} is {1} not {2}."), params: ["x", 3, "NaN"] });
    expect(templateOf(["", " is ", " not ", "."])).toBe("{0} is {1} not {2}.");
    expect(textOf("a text nobody tagged")).toBeUndefined();
  });

  it("keeps a translatable value as a nested text with its English", () => {
    const inner = en`the reference`;
    const outer = en`differs from ${inner} by 2.`;
    expect(textOf(outer)).toEqual({ key: templateKey("differs from {0} by 2."), params: [{ key: templateKey("the reference"), en: "the reference" }] });
    expect(keysOf(textOf(outer)!)).toEqual([templateKey("differs from {0} by 2."), templateKey("the reference")]);
  });

  it("renders in a catalogue's language; a nested text without translation reads in English; a missing top key gives undefined", () => {
    const text = textOf(en`differs from ${en`the reference`} by ${2}.`)!;
    const zh = { [templateKey("differs from {0} by {1}.")]: "与{0}相差 {1}。", [templateKey("the reference")]: "参考实现" };
    expect(renderText(text, zh)).toBe("与参考实现相差 2。");
    expect(renderText(text, { [templateKey("differs from {0} by {1}.")]: "与{0}相差 {1}。" })).toBe("与the reference相差 2。");
    expect(renderText(text, {})).toBeUndefined();
  });
});

describe("results carry the texts, and a hidden check's learner never gets its message's values", () => {
  const session: RawSession = { call: async () => ({ status: "ok", value: 0 }), put: async () => { throw new Error("not used"); }, get: async () => ({ status: "ok", value: 0 }) };
  const SECRET = 0.123456;
  const checks = [
    visible("v", 1, async () => {
      throw new CheckFailure(en`y[0] is wrong: expected ${SECRET}, got 0.`, { hint: en`Your result is all zeros.` });
    }),
    hidden("h", 1, async (ctx) => {
      ctx.describe(en`a batch of ${13}`);
      throw new CheckFailure(en`y[0] is wrong: expected ${SECRET}, got 0.`, { hint: en`Your result is all zeros.` });
    }),
  ];

  it("a visible failure: message, hint and case as keys and values", async () => {
    const out = await runChecks({ checks }, { learner: new Learner(session), tf: {} as Tf, hiddenSeed: "s" });
    expect(out.tests[0].text).toEqual({ message: { key: templateKey("y[0] is wrong: expected {0}, got 0."), params: [SECRET] }, hint: { key: templateKey("Your result is all zeros.") } });
    expect(out.tests[0].output).toBe(`y[0] is wrong: expected ${SECRET}, got 0.\nHint: Your result is all zeros.`);
  });

  it("a hidden failure graded for a learner, or redacted after grading for staff, holds no text of its message", async () => {
    const learner = await runChecks({ checks }, { learner: new Learner(session), tf: {} as Tf, hiddenSeed: "s" });
    const staff = await runChecks({ checks }, { learner: new Learner(session), tf: {} as Tf, hiddenSeed: "s", revealHidden: true });
    expect(JSON.stringify(staff.tests[1].text)).toContain(String(SECRET));
    const redacted = redactForLearner({ tests: staff.tests } as GradeResult).tests[1];
    for (const t of [learner.tests[1], redacted]) {
      expect(JSON.stringify(t)).not.toContain(String(SECRET));
      expect(t.text).toEqual({
        message: { key: templateKey("Failed on a hidden case: {0} (its inputs are drawn fresh for each submission)."), params: [{ key: templateKey("a batch of {0}"), params: [13], en: "a batch of 13" }] },
        hint: { key: templateKey("Your result is all zeros.") },
        case: { key: templateKey("a batch of {0}"), params: [13] },
      });
    }
  });
});
