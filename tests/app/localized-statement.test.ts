/** The exercise page's statement in the reader's language (issue 17): translated, stale, or English with a note. */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { localizedStatement, localizedTitle, statementTitle } from "../../server/localized-exercise.ts";
import { translationMarker } from "../../lib/statement/translation.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EN = "# Dense layer\n\nA dense layer maps $x$ to $y$.\n";

function exerciseDir(zh?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "gradlab-stmt-"));
  writeFileSync(join(dir, "statement.md"), EN);
  if (zh !== undefined) writeFileSync(join(dir, "statement.zh-CN.md"), zh);
  return join(dir, "statement.md");
}

describe("localizedStatement", () => {
  it("English readers get the English, no note", () => {
    expect(localizedStatement(exerciseDir(`${translationMarker(EN)}\n# 全连接层\n`), "en")).toEqual({ markdown: EN, locale: "en", translation: "none" });
  });

  it("a current translation is shown as it is", () => {
    const zh = `${translationMarker(EN)}\n# 全连接层\n\n全连接层把 $x$ 映射为 $y$。\n`;
    expect(localizedStatement(exerciseDir(zh), "zh-CN")).toEqual({ markdown: zh, locale: "zh-CN", translation: "current" });
  });

  it("a translation of an older English is still shown, marked stale", () => {
    const zh = `${translationMarker("# Dense layer\n\nAn older text.\n")}\n# 全连接层\n`;
    expect(localizedStatement(exerciseDir(zh), "zh-CN")).toMatchObject({ markdown: zh, locale: "zh-CN", translation: "stale" });
    expect(localizedStatement(exerciseDir("# 全连接层\n"), "zh-CN").translation).toBe("stale"); // no marker: unknown source
  });

  it("no translation: the English, marked missing", () => {
    expect(localizedStatement(exerciseDir(), "zh-CN")).toEqual({ markdown: EN, locale: "en", translation: "missing" });
  });

  it("titles come from the translation's first heading, past its marker line", () => {
    const path = exerciseDir(`${translationMarker(EN)}\n# 全连接层\n\n## 小节\n`);
    expect(localizedTitle("Dense layer", path, "zh-CN")).toBe("全连接层");
    expect(localizedTitle("Dense layer", path, "en")).toBe("Dense layer");
    expect(localizedTitle("Dense layer", exerciseDir(), "zh-CN")).toBe("Dense layer");
    expect(statementTitle("no heading\n## sub\n")).toBeNull();
  });

  it("the real dense exercise reads as current Chinese", () => {
    const path = join(ROOT, "exercises/03-layers/dense/statement.md");
    const got = localizedStatement(path, "zh-CN");
    expect(got.translation).toBe("current");
    expect(got.markdown).toBe(readFileSync(join(ROOT, "exercises/03-layers/dense/statement.zh-CN.md"), "utf8"));
    expect(localizedTitle("Dense layer", path, "zh-CN")).toBe("全连接层");
  });
});
