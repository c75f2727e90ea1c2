// The sandbox's English is recognised on the host and given its key (lib/messages/sandbox-texts.ts).
// Where the English is written as a plain literal (inside the isolate, in the session), these tests
// produce it from that code and fail when a maker no longer matches it (the two drifted apart).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { decode, describe as describeInEnglish, encode, InvalidValue } from "../wire.ts";
import { explainMissingGlobal } from "../sandbox/missing-globals.ts";
import { en, renderText, retag, textOf, templateKey } from "./text.ts";
import { sandboxText } from "./sandbox-texts.ts";
import { graderCatalog } from "./translations.ts";

const zh = graderCatalog("zh-CN");
/** `text` recognised, and its zh-CN rendering free of its English. */
function recognised(text: string): string {
  const tagged = sandboxText(text);
  expect(tagged, text).toBe(text);
  const local = textOf(tagged);
  expect(local, `no maker wrote: ${text}`).toBeDefined();
  const rendered = renderText(local!, zh);
  expect(rendered, `no zh-CN text: ${text}`).toBeDefined();
  return rendered!;
}

/** The first InvalidValue the host decodes of `value` as the isolate's encoder writes it. */
function carried(value: unknown, limits: Parameters<typeof encode>[1] = {}): unknown {
  const find = (v: unknown): unknown => {
    if (v instanceof InvalidValue || v === null || typeof v !== "object") return v;
    for (const x of Object.values(v)) {
      const found = find(x);
      if (found instanceof InvalidValue) return found;
    }
    return v;
  };
  return find(decode(encode(value, limits), { tensor: (shape, data) => ({ shape, data }), handle: (id) => id }));
}

describe("retag", () => {
  const makers = [(n: string) => en`${n} apples and ${"pears"}`, () => en`pears`];
  it("makes a maker's English again with its key and values, nested ones recognised too", () => {
    const text = retag("3 apples and pears", makers);
    expect(text).toBe("3 apples and pears");
    const local = textOf(text)!;
    expect(local.key).toBe(templateKey("{0} apples and {1}"));
    expect(renderText(local, { [templateKey("{0} apples and {1}")]: "{0} 个苹果和{1}", [templateKey("pears")]: "梨" })).toBe("3 个苹果和梨");
  });

  it("costs linear time on hostile text (no backtracking)", () => {
    const hostile = "`x` is not available in the grader: ".repeat(200) + "` (at ".repeat(300) + "(";
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) sandboxText(hostile.slice(0, 9_000 - i));
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("leaves anything no maker wrote as it is (the learner's own words)", () => {
    const own = "my own error: 3 apples, not pears";
    expect(retag(own, makers)).toBe(own);
    expect(textOf(own)).toBeUndefined();
  });
});

describe("the sandbox's English has keys and zh-CN texts", () => {
  it("every reason the wire gives for a value it cannot carry", () => {
    const whys = [
      carried([[[1]]], { maxDepth: 1 }),
      carried("x".repeat(50), { maxString: 10 }),
      carried(10n),
      carried(() => 1),
      carried(Symbol("s")),
      carried(new BigInt64Array(2)),
      carried([1, "a", ...new Array(20).fill(1)], { maxItems: 10 }),
      carried(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])), { maxItems: 10 }),
      carried({ ["k".repeat(30)]: 1 }, { maxKey: 10 }),
      carried({ shape: "3x4", data: [1] }),
      carried({ shape: new Array(9).fill(1), data: [1] }),
      carried({ shape: [-1], data: [1] }),
      carried({ shape: [2], data: "12" }),
      carried({ shape: [2, 2], data: [1] }),
      carried(new Float64Array(20), { maxElements: 10 }),
      carried("x".repeat(200), { maxJsonChars: 100 }),
    ];
    const reasons = whys.map((w) => {
      expect(w, JSON.stringify(w)).toBeInstanceOf(InvalidValue);
      return (w as InvalidValue).why;
    });
    expect(new Set(reasons).size).toBeGreaterThanOrEqual(15);
    for (const why of reasons) expect(recognised(why)).not.toMatch(/tensor-like|nested|limit|carry/);
    expect(recognised((carried({ shape: "3x4", data: [1] }) as InvalidValue).why)).toBe(
      '一个类张量对象，其 shape 是字符串 "3x4"，而不是由各维大小组成的数组',
    );
  });

  it("every value description", () => {
    for (const v of ["abc", [1, 2], {}, true, () => 1, 10n, Symbol("s")]) expect(recognised(describeInEnglish(v))).not.toMatch(/[a-z]{3,} [a-z]{2,}/);
    for (const v of [null, undefined, 3]) expect(sandboxText(describeInEnglish(v))).toBe(describeInEnglish(v));
  });

  it("every API the sandbox does not have, at a call and while loading", () => {
    for (const name of ["fetch", "setTimeout", "require", "process", "Buffer", "module", "exports", "global", "window", "document", "alert", "crypto", "tf", "WebAssembly"]) {
      const rendered = recognised(explainMissingGlobal(`${name} is not defined`));
      expect(rendered).toContain(`\`${name}\``);
      expect(rendered).not.toMatch(/is not available/);
    }
    expect(recognised(explainMissingGlobal("Your module threw while loading: fetch is not defined"))).toMatch(/^你的模块在加载时抛出了错误：评分器中没有 `fetch`/);
  });

  it("the harness's and the session's own sentences, as their sources write them", () => {
    const sources = ["grader/sandbox/harness.ts", "lib/sandbox/transport.ts"].map((f) => readFileSync(f, "utf8")).join("\n");
    for (const text of [
      "(the thrown value could not be read)",
      "thrown value",
      "the sandbox did not answer as expected while loading your module",
      "the sandbox returned a result that could not be read (was a harness global overwritten?)",
      "the sandbox returned an unexpected result",
    ]) {
      expect(sources).toContain(`"${text}"`);
      recognised(text);
    }
    expect(sources).toContain('`Cannot import ${stringify(name)}: exercise code may import only "gradlab/nd".`');
    expect(recognised('Cannot import "fs": exercise code may import only "gradlab/nd".')).toBe('无法导入 "fs"：练习代码只能导入 "gradlab/nd"。');
  });
});
