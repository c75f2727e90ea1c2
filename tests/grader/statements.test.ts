// Every statement renders cleanly with the exercise page's Markdown + KaTeX pipeline, and the check
// behind `gradlab validate` catches each way a statement used to ship broken.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createElement, type FunctionComponent } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { validateCatalogue } from "../../grader/validate.ts";
import { renderStatement } from "../../lib/statement/render.ts";
import { translationMarker } from "../../lib/statement/translation.ts";
import { testCatalogue } from "../helpers.ts";

const catalogue = await testCatalogue();
const statementOf = (id: string) => {
  const ex = catalogue.exercises.find((e) => e.id === id);
  if (!ex) throw new Error(`no exercise ${id}`);
  return readFileSync(ex.files.statement, "utf8");
};
// The page's own component (TSX: the root tsconfig has no JSX, so it is imported by a path tsc does not follow).
const markdownModule: string = "../../app/_components/Markdown.tsx";
const { Markdown } = (await import(markdownModule)) as { Markdown: FunctionComponent<{ source: string }> };
const count = (html: string, pattern: RegExp) => html.match(new RegExp(pattern, "g"))?.length ?? 0;

describe("every statement", () => {
  it("covers the whole catalogue", () => {
    expect(catalogue.exercises.length).toBeGreaterThanOrEqual(23);
  });

  for (const ex of catalogue.exercises) {
    it(`${ex.id} renders with no KaTeX error, no literal $$ and no table left as text`, () => {
      const { html, problems } = renderStatement(readFileSync(ex.files.statement, "utf8"));
      expect(problems).toEqual([]);
      expect(html).not.toContain("katex-error");
      expect(html).toContain('class="katex"');
    });
  }

  it("draws the tables that used to show as raw | --- | text", () => {
    const tables = { "count-params": 1, "scalar-autodiff": 1, activations: 1, conv2d: 1, lstm: 1 };
    for (const [id, n] of Object.entries(tables)) {
      const { html } = renderStatement(statementOf(id));
      expect(count(html, /<table>/), id).toBe(n);
      expect(html, id).not.toMatch(/\|\s*---/);
    }
    expect(renderStatement(statementOf("lstm")).html).toMatch(/<td><code>3H : 4H<\/code><\/td>\s*<td>output gate/);
  });

  it("draws display formulas display-style, including the ones that broke softmax-cross-entropy and lr-schedule", () => {
    const displays = (id: string) => count(renderStatement(statementOf(id)).html, /class="katex-display"/);
    expect(displays("softmax-cross-entropy")).toBe(4);
    expect(displays("lr-schedule")).toBe(5);
    expect(displays("mse")).toBe(2);
    const softmax = renderStatement(statementOf("softmax-cross-entropy")).html;
    expect(softmax).toContain("<h2>What is checked</h2>");
  });

  it("the page's Markdown component renders with the same pipeline", () => {
    for (const id of ["count-params", "softmax-cross-entropy", "lr-schedule"]) {
      const page = renderToStaticMarkup(createElement(Markdown, { source: statementOf(id) }));
      const checked = renderStatement(statementOf(id)).html;
      for (const pattern of [/<table>/, /class="katex-display"/, /class="katex"/, /<h2>/, /katex-error/]) {
        expect(count(page, pattern), `${id} ${pattern}`).toBe(count(checked, pattern));
      }
    }
  });
});

describe("a broken statement fails", () => {
  it("a display formula inside a paragraph: the KaTeX error, with its line", () => {
    const { problems } = renderStatement("# T\n\n## Loss\n$$L = \\frac{1}{N}\n\\sum_n x_n$$\nThe mean, with $m_n$ the max.\n");
    expect(problems).toContainEqual({ line: 4, message: expect.stringMatching(/^KaTeX could not render this formula: KaTeX parse error/) });
  });

  it("a formula KaTeX cannot parse", () => {
    const { problems } = renderStatement("Intro.\n\n$$\n\\frac{1}{\n$$\n");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 3, message: expect.stringContaining("KaTeX could not render this formula") });
  });

  it("a literal $$ left in the text", () => {
    const { problems } = renderStatement("Intro.\n\nIt costs $$ to run.\n");
    expect(problems).toEqual([{ line: 3, message: expect.stringContaining("a literal $$ shows as text") }]);
  });

  it("a table left as text (header and delimiter rows disagree)", () => {
    const { problems } = renderStatement("Shapes:\n\n| tensor | shape |\n| --- | --- | --- |\n| x | [N, D] |\n");
    expect(problems).toEqual([{ line: 3, message: expect.stringContaining("a table shows as raw text") }]);
  });

  it("$$…$$ in the middle of a sentence (drawn small and inline)", () => {
    const { problems } = renderStatement("The rate is $$a \\cdot b$$ here.\n");
    expect(problems).toEqual([{ line: 1, message: expect.stringContaining("renders as small inline math") }]);
  });

  it("but not `$$` or `| --- |` shown in code", () => {
    expect(renderStatement("Write `$$x$$` for display math.\n\n```\n| a | b |\n| --- | --- | --- |\n$$\n```\n").problems).toEqual([]);
  });

  it("and `gradlab validate` fails on it, naming the file and line", async () => {
    const ex = catalogue.exercises.find((e) => e.id === "mse");
    if (!ex) throw new Error("no mse exercise");
    const dir = mkdtempSync(join(tmpdir(), "gradlab-statement-"));
    try {
      const statement = join(dir, "statement.md");
      writeFileSync(statement, "# MSE\n\n## Loss\n$$L = \\frac{1}{S}\n\\sum_i d_i^2$$\nAveraged.\n");
      const broken = { ...ex, files: { ...ex.files, statement, wrong: [] } };
      const report = await validateCatalogue({ ...catalogue, problems: [], exercises: [broken] });
      expect(report.ok).toBe(false);
      expect(report.entries.every((e) => e.ok)).toBe(true);
      expect(report.problems).toContainEqual({ file: expect.stringMatching(/statement\.md:4$/), message: expect.stringContaining("KaTeX could not render") });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("validate renders each translation by the same rules (failing when it does not render) and warns when one is older than its English", async () => {
    const ex = catalogue.exercises.find((e) => e.id === "mse");
    if (!ex) throw new Error("no mse exercise");
    const dir = mkdtempSync(join(tmpdir(), "gradlab-statement-"));
    try {
      const statement = join(dir, "statement.md");
      const english = "# MSE\n\n$$L = \\frac{1}{S} \\sum_i d_i^2$$\n";
      writeFileSync(statement, english);
      const validate = async () => (await validateCatalogue({ ...catalogue, problems: [], exercises: [{ ...ex, files: { ...ex.files, statement, wrong: [] } }] }));
      writeFileSync(join(dir, "statement.zh-CN.md"), `${translationMarker(english)}\n# 均方误差\n\n$$L = \\frac{1}{S} \\sum_i d_i^2$$\n`);
      expect(await validate()).toMatchObject({ ok: true, problems: [], warnings: [] });
      writeFileSync(join(dir, "statement.zh-CN.md"), `<!-- translation-of: sha256:0123456789abcdef -->\n# 均方误差\n`);
      const stale = await validate();
      expect(stale.ok).toBe(true);
      expect(stale.warnings).toEqual([{ file: expect.stringMatching(/statement\.zh-CN\.md$/), message: expect.stringContaining("older than statement.md") }]);
      writeFileSync(join(dir, "statement.zh-CN.md"), `${translationMarker(english)}\n# 均方误差\n\n$$\n\\frac{1}{\n$$\n`);
      const broken = await validate();
      expect(broken.ok).toBe(false);
      expect(broken.problems).toContainEqual({ file: expect.stringMatching(/statement\.zh-CN\.md:\d+$/), message: expect.stringContaining("KaTeX could not render") });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
