/**
 * The plain editor's HTML (app/_components/PlainEditor.tsx): the learner's code is the textarea's
 * text exactly (HTML's parser drops one newline after <textarea>, so one is always written), and
 * nothing in the code or the label can close the textarea or inject markup.
 */
import { describe, expect, it } from "vitest";
import { plainEditorHtml } from "../../app/_components/PlainEditor.tsx";

const textOf = (html: string) => /^<textarea [^>]*>\n([\s\S]*)<\/textarea>$/.exec(html)?.[1];
const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

describe("plainEditorHtml", () => {
  it("escapes the code so that only the last </textarea> closes it, and keeps a leading newline", () => {
    const code = '\nconst a = "</textarea><script>alert(1)</script>";\n// a &amp; b < c\n';
    const html = plainEditorHtml(code, "Your code");
    expect(html.match(/<\/textarea>/g)).toHaveLength(1);
    expect(html).not.toContain("<script");
    const text = textOf(html);
    expect(text).toBe('\nconst a = "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;";\n// a &amp;amp; b &lt; c\n');
    expect(unescape(text!)).toBe(code);
  });

  it("is an editor, not a form field: no spellcheck, no autocorrect, no wrapping; the label is an attribute value", () => {
    const html = plainEditorHtml("x", 'say "hi" <b>');
    expect(html).toContain('aria-label="say &quot;hi&quot; &lt;b>"');
    for (const a of ['spellcheck="false"', 'autocomplete="off"', 'autocapitalize="off"', 'autocorrect="off"', 'wrap="off"', 'data-testid="plain-editor"']) expect(html).toContain(a);
    expect(html).not.toMatch(/\sreadonly|\sdisabled/);
  });
});
