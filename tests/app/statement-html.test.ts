/**
 * The exercise page's statement as static HTML (app/exercises/[id]/statement-html.ts): the same
 * pipeline as `gradlab validate` (GFM, KaTeX), raw HTML dropped and unsafe URLs emptied as
 * react-markdown did, rendered once per text.
 */
import { describe, expect, it } from "vitest";
import { statementHtml } from "../../app/exercises/[id]/statement-html.ts";

describe("statementHtml", () => {
  it("renders GFM and math with KaTeX", () => {
    const html = statementHtml("# Dense\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nThe output is $y = xW + b$.\n");
    expect(html).toContain("<h1>Dense</h1>");
    expect(html).toContain("<table>");
    expect(html).toContain('<span class="katex">');
    expect(html).toContain('<annotation encoding="application/x-tex">y = xW + b</annotation>');
  });

  it("drops raw HTML and empties script URLs (the statement's author cannot put script on the learner's page)", () => {
    const html = statementHtml('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[go](javascript:alert(3)) ![i](javascript:alert(4)) [ok](https://example.org/a)\n');
    expect(html).not.toMatch(/<script|onerror|javascript:/i);
    expect(html).toContain('<a href="">go</a>');
    expect(html).toContain('<img alt="i">');
    expect(html).toContain('<a href="https://example.org/a">ok</a>');
  });

  it("drops a translation's marker comment", () => {
    expect(statementHtml("<!-- translation-of: abc -->\n\nText\n")).toBe("<p>Text</p>");
  });

  it("renders a text once: the same string comes back without rendering again", () => {
    const source = `Cached $z_${Date.now()}$\n`;
    const t0 = performance.now();
    const first = statementHtml(source);
    const firstMs = performance.now() - t0;
    const t1 = performance.now();
    const again = statementHtml(source);
    expect(again).toBe(first);
    expect(performance.now() - t1).toBeLessThan(Math.max(1, firstMs / 10));
  });
});
