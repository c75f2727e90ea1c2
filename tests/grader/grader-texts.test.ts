// Every grader message and hint has a text in every language (issue 17.3): found statically (each
// en`…` template of the check library and of each exercise's check-side files) and by grading every
// exercise's starter and wrong/ variants on the visible checks, as validate does (every failed
// check's message and hint must carry a key, and the key must have a translation).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { availableLocales, DEFAULT_LOCALE, messagesDir } from "../../lib/i18n/locales.ts";
import { keysOf, renderCheckName, renderText, type LocalText } from "../../lib/messages/text.ts";
import { exerciseTextsFile, graderCatalog, readCheckNames, readTemplates } from "../../lib/messages/translations.ts";
import { loadCatalogue } from "../../grader/exercises.ts";
import { outputParts } from "../../lib/result.ts";
import { gradeCode } from "../../grader/grade.ts";
import { missingTemplates, ROOT, staleTemplates, templatesIn, textOwners } from "../../scripts/grader-texts.ts";

const locales = availableLocales(messagesDir(ROOT)).filter((l) => l !== DEFAULT_LOCALE);
const owners = textOwners();
const placeholders = (s: string) => new Set(s.match(/\{\d+\}/g) ?? []);

describe("grader texts, found in the source", () => {
  it("finds the library's and the exercises' templates", () => {
    expect(locales).toContain("zh-CN");
    expect(owners.find((o) => o.name === "lib")!.templates.length).toBeGreaterThan(50);
    expect(owners.filter((o) => o.name !== "lib" && o.templates.length > 0).length).toBeGreaterThanOrEqual(30);
  });

  it("the scan reads templates as en`…` builds them, and sees a template at module scope with values", () => {
    const found = templatesIn("x.ts", "const a = en`fixed`;\nconst b = en`${x} is ${y}.`;\nfunction f() { return en`Shape [${s}]: \\`ok\\``; }");
    expect(found.map((t) => [t.template, t.line, t.moduleScopeWithValues])).toEqual([
      ["fixed", 1, false],
      ["{0} is {1}.", 2, true],
      ["Shape [{0}]: `ok`", 3, false],
    ]);
  });

  for (const locale of locales) {
    it(`every template has a ${locale} text, with no placeholder the English lacks, and no text for a template that is gone`, () => {
      const missing = owners.flatMap((o) => missingTemplates(o, locale).map((t) => `${t.file}:${t.line}: ${t.template}`));
      expect(missing, `add them to the owner's translation file (node scripts/grader-texts.ts ${locale} lists them)`).toEqual([]);
      const stale = owners.flatMap((o) => staleTemplates(o, locale).map((t) => `${o.file(locale)}: ${t}`));
      expect(stale, "translations of English that no longer exists").toEqual([]);
      const bad = owners.flatMap((o) =>
        Object.entries(readTemplates(o.file(locale))).filter(([en, tr]) => [...placeholders(tr)].some((p) => !placeholders(en).has(p))).map(([en]) => `${o.file(locale)}: ${en}`),
      );
      expect(bad, "a translation uses a placeholder its English does not have").toEqual([]);
    });
  }

  it("no template with values sits at module scope (its key would be forgotten: make it a function)", () => {
    expect(owners.flatMap((o) => o.templates.filter((t) => t.moduleScopeWithValues).map((t) => `${t.file}:${t.line}`))).toEqual([]);
  });
});

describe("check names: every check of every exercise has a name in every language", async () => {
  const catalogue = await loadCatalogue();
  for (const locale of locales) {
    it(`every check's name has a ${locale} text (its exercise's "checkNames"), and none is left for a check that is gone`, () => {
      const missing: string[] = [];
      const stale: string[] = [];
      for (const ex of catalogue.exercises) {
        const file = exerciseTextsFile(ex.dir, locale);
        const names = readCheckNames(file);
        const checks = new Set(ex.suite.checks.map((c) => c.name));
        for (const name of checks) if (!names[name]) missing.push(`${file.slice(ROOT.length + 1)}: "${name}"`);
        for (const name of Object.keys(names)) if (!checks.has(name)) stale.push(`${file.slice(ROOT.length + 1)}: "${name}"`);
        // What a page and the CLI show: the translation, found through the exercise's catalogue.
        const catalog = graderCatalog(locale, ex.dir, ROOT);
        for (const name of checks) if (names[name]) expect(renderCheckName(name, catalog)).toBe(names[name]);
      }
      expect(missing, `add each to the exercise's messages.${locale}.json under "checkNames"`).toEqual([]);
      expect(stale, "names of checks that no longer exist").toEqual([]);
    });
  }
});

describe("grader texts, found by grading every starter and wrong variant on the visible checks", async () => {
  const catalogue = await loadCatalogue();
  for (const ex of catalogue.exercises) {
    it(`${ex.id}: every failed check's message and hint has a key with a text in every language`, async () => {
      const catalogs = Object.fromEntries(locales.map((l) => [l, graderCatalog(l, ex.dir, ROOT)]));
      const problems: string[] = [];
      const need = (what: string, file: string, test: string, english: string | undefined, text: LocalText | undefined) => {
        if (!english) return;
        if (!text) return void problems.push(`${file}: "${test}": its ${what} was not made with en\`…\`: ${english.split("\n")[0]}`);
        for (const l of locales) {
          const missing = keysOf(text).filter((k) => catalogs[l][k] === undefined);
          if (missing.length || renderText(text, catalogs[l]) === undefined) problems.push(`${file}: "${test}": its ${what} has no ${l} text (${english.split("\n")[0]})`);
        }
      };
      for (const file of [ex.files.starter, ...ex.files.wrong]) {
        const r = await gradeCode(ex, readFileSync(file, "utf8"), { filename: file.split("/").pop(), only: "visible", revealHidden: true });
        const name = file.slice(ROOT.length + 1);
        for (const t of r.tests.filter((t) => t.status === "failed")) {
          // A sandbox limit's message is the sandbox's (the grade's message has it); every other failure is the checks'.
          if (r.status === "timeout" || r.status === "memory") continue;
          const message = t.output.split("\nCase: ")[0].split("\nHint: ")[0];
          need("message", name, t.name, message, t.text?.message);
          need("hint", name, t.name, t.hint, t.text?.hint);
        }
      }
      expect(problems).toEqual([]);
    }, 300_000);
  }
});

describe("grader texts of hidden checks, as their learner reads them (the starter graded with every check)", async () => {
  const catalogue = await loadCatalogue();
  for (const ex of catalogue.exercises) {
    it(`${ex.id}: every failed hidden check's message, case and hint has a key with a text in every language`, async () => {
      const catalogs = Object.fromEntries(locales.map((l) => [l, graderCatalog(l, ex.dir, ROOT)]));
      const problems: string[] = [];
      const r = await gradeCode(ex, readFileSync(ex.files.starter, "utf8"), { filename: "starter.ts" });
      for (const t of r.tests.filter((t) => t.visibility === "hidden" && t.status === "failed")) {
        const parts = outputParts(t);
        const texts: [string, string | undefined, LocalText | undefined][] = [
          ["message", parts.message, t.text?.message],
          ["case", t.case, t.text?.case],
          ["hint", t.hint, t.text?.hint],
        ];
        for (const [what, english, text] of texts) {
          if (!english) continue;
          if (!text) {
            problems.push(`"${t.name}": its ${what} was not made with en\`…\`: ${english.split("\n")[0]}`);
            continue;
          }
          for (const l of locales) if (keysOf(text).some((k) => catalogs[l][k] === undefined)) problems.push(`"${t.name}": its ${what} has a part with no ${l} text (${english.split("\n")[0]})`);
        }
      }
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
