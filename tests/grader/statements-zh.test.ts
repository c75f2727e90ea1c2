// Every exercise has a Simplified Chinese statement (statement.zh-CN.md) that renders as cleanly as
// the English one (the same pipeline and checks as statements.test.ts and `gradlab validate`), keeps
// the English's math, code and structure, and records the hash of the English it translates:
// a test failing here after an English edit means the translation needs the same edit.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { createElement, type FunctionComponent } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { renderStatement } from "../../lib/statement/render.ts";
import { readTranslationSource, translationSourceHash } from "../../lib/statement/translation.ts";
import { testCatalogue } from "../helpers.ts";

const LOCALE = "zh-CN";
const catalogue = await testCatalogue();
const translationPath = (englishPath: string) => join(dirname(englishPath), `statement.${LOCALE}.md`);
const read = (path: string) => readFileSync(path, "utf8");

// The page's own component (TSX: the root tsconfig has no JSX, so it is imported by a path tsc does not follow).
const markdownModule: string = "../../app/_components/Markdown.tsx";
const { Markdown } = (await import(markdownModule)) as { Markdown: FunctionComponent<{ source: string }> };
const count = (html: string, pattern: RegExp) => html.match(new RegExp(pattern, "g"))?.length ?? 0;
const all = (html: string, pattern: RegExp) => [...html.matchAll(new RegExp(pattern, "g"))].map((m) => m[1]).sort();

/** What must be the same in both languages: math, code, and the shape of the document. */
function skeleton(html: string) {
  return {
    math: all(html, /<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>/),
    displayMath: count(html, /class="katex-display"/),
    codeBlocks: all(html, /<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/),
    inlineCode: all(html.replace(/<pre>[\s\S]*?<\/pre>/g, ""), /<code>([\s\S]*?)<\/code>/),
    headings: [1, 2, 3, 4].map((level) => count(html, new RegExp(`<h${level}>`))),
    tables: count(html, /<table>/),
    tableRows: count(html, /<tr>/),
  };
}

describe(`every statement has a ${LOCALE} translation`, () => {
  const missing = catalogue.exercises.filter((ex) => !existsSync(translationPath(ex.files.statement)));

  it("no exercise is without one", () => {
    expect(catalogue.exercises.length).toBeGreaterThanOrEqual(23);
    expect(missing.map((ex) => relative(process.cwd(), translationPath(ex.files.statement)))).toEqual([]);
  });

  const translated = catalogue.exercises.filter((ex) => !missing.includes(ex));

  it("each records the hash of the English it translates, and it is the current one", () => {
    const stale = translated.flatMap((ex) => {
      const recorded = readTranslationSource(read(translationPath(ex.files.statement)));
      const current = translationSourceHash(read(ex.files.statement));
      return recorded === current ? [] : [`${ex.id}: translates ${recorded ?? "(no translation-of marker)"}, statement.md is now ${current}`];
    });
    expect(stale, "update these translations to match statement.md, then record its hash (node scripts/translation-hash.ts)").toEqual([]);
  });

  for (const ex of translated) {
    it(`${ex.id} renders with no KaTeX error, no literal $$ and no table left as text`, () => {
      const { html, problems } = renderStatement(read(translationPath(ex.files.statement)));
      expect(problems).toEqual([]);
      expect(html).not.toContain("katex-error");
      expect(html).toContain('class="katex"');
      expect(html, "the translation-of marker is a comment, never shown").not.toContain("translation-of");
    });

    it(`${ex.id} keeps the English's math, code, headings and tables`, () => {
      const english = skeleton(renderStatement(read(ex.files.statement)).html);
      const chinese = skeleton(renderStatement(read(translationPath(ex.files.statement))).html);
      expect(chinese).toEqual(english);
    });
  }

  it("the page's Markdown component renders translations with the same pipeline", () => {
    for (const ex of translated.filter((e) => ["count-params", "softmax-cross-entropy", "lr-schedule", "lstm"].includes(e.id))) {
      const source = read(translationPath(ex.files.statement));
      const page = renderToStaticMarkup(createElement(Markdown, { source }));
      const checked = renderStatement(source).html;
      expect(page).not.toContain("translation-of");
      for (const pattern of [/<table>/, /class="katex-display"/, /class="katex"/, /<h2>/, /katex-error/]) {
        expect(count(page, pattern), `${ex.id} ${pattern}`).toBe(count(checked, pattern));
      }
    }
  });
});

describe("the checks catch a broken translation", () => {
  it("a changed formula or a dropped table differs from the English skeleton", () => {
    const english = skeleton(renderStatement("# T\n\n$y = xW$\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n").html);
    expect(skeleton(renderStatement("# 标题\n\n$y = Wx$\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n").html)).not.toEqual(english);
    expect(skeleton(renderStatement("# 标题\n\n$y = xW$\n\na b 1 2\n").html)).not.toEqual(english);
    expect(skeleton(renderStatement("# 标题\n\n$y = xW$\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n").html)).toEqual(english);
  });
});
