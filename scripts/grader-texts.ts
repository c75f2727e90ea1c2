/**
 * The grader's translatable texts, found in the source: every en`…` template of the check library
 * (lib/) and of each exercise's check-side files, and what each language's translations lack.
 *
 *   node scripts/grader-texts.ts zh-CN            # what zh-CN lacks, as JSON ready to translate
 *   node scripts/grader-texts.ts zh-CN --only dense
 *
 * Translations (lib/messages/translations.ts): messages/<locale>/grader/checks.json for the check
 * library, exercises/<set>/<id>/messages.<locale>.json for an exercise; both map the English
 * template ("{0} is wrong: expected {1}") to the translated one.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { libraryTextsFile, exerciseTextsFile, readTemplates } from "../lib/messages/translations.ts";

export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

export interface FoundTemplate {
  template: string;
  file: string;
  line: number;
  /** At module scope with values: its key would be forgotten (lib/messages/text.ts keeps only fixed texts for good). */
  moduleScopeWithValues: boolean;
}

/** Every en`…` in a TypeScript source, as its template ("{0} has shape [{1}]"). */
export function templatesIn(file: string, text = readFileSync(file, "utf8")): FoundTemplate[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: FoundTemplate[] = [];
  const visit = (n: ts.Node, inFunction: boolean) => {
    const inFn = inFunction || ts.isFunctionLike(n);
    if (ts.isTaggedTemplateExpression(n) && ts.isIdentifier(n.tag) && n.tag.text === "en") {
      const t = n.template;
      const parts = ts.isNoSubstitutionTemplateLiteral(t) ? [t.text] : [t.head.text, ...t.templateSpans.map((s) => s.literal.text)];
      out.push({
        template: parts.reduce((acc, p, i) => (i === 0 ? p : `${acc}{${i - 1}}${p}`), ""),
        file: relative(ROOT, file),
        line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1,
        moduleScopeWithValues: !inFn && parts.length > 1,
      });
    }
    ts.forEachChild(n, (c) => visit(c, inFn));
  };
  visit(sf, false);
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === "node_modules" || n === "wrong" || n.startsWith(".") ? [] : tsFiles(p);
    return /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
}

/** The check-side files of an exercise: what the grader runs (not the learner's starter, solution or wrong variants). */
const LEARNER_FILES = new Set(["starter.ts", "solution.ts", "driver.ts"]);

export interface TextOwner {
  /** "lib" or the exercise id. */
  name: string;
  /** Where its translations live, per locale. */
  file: (locale: string) => string;
  templates: FoundTemplate[];
}

export function exerciseDirs(root = join(ROOT, "exercises")): string[] {
  return readdirSync(root)
    .map((s) => join(root, s))
    .filter((s) => statSync(s).isDirectory())
    .flatMap((s) => readdirSync(s).map((e) => join(s, e)).filter((e) => statSync(e).isDirectory() && readdirSync(e).includes("exercise.json")));
}

/** The check library's texts (lib/) and each exercise's. */
export function textOwners(): TextOwner[] {
  const lib: TextOwner = { name: "lib", file: (l) => libraryTextsFile(l, ROOT), templates: tsFiles(join(ROOT, "lib")).flatMap((f) => templatesIn(f)) };
  const exercises = exerciseDirs().map((dir) => ({
    name: dir.split("/").at(-1)!,
    file: (l: string) => exerciseTextsFile(dir, l),
    templates: tsFiles(dir).filter((f) => !LEARNER_FILES.has(f.split("/").at(-1)!)).flatMap((f) => templatesIn(f)),
  }));
  return [lib, ...exercises];
}

/** Templates an owner uses that neither its translations nor the library's have in `locale`. */
export function missingTemplates(owner: TextOwner, locale: string): FoundTemplate[] {
  const have = { ...readTemplates(libraryTextsFile(locale, ROOT)), ...readTemplates(owner.file(locale)) };
  return owner.templates.filter((t) => !(t.template in have));
}

/** Entries of an owner's translation file that no template uses any more (the English changed). */
export function staleTemplates(owner: TextOwner, locale: string): string[] {
  const used = new Set(owner.templates.map((t) => t.template));
  return Object.keys(readTemplates(owner.file(locale))).filter((t) => !used.has(t));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [locale, ...rest] = process.argv.slice(2);
  if (!locale) {
    process.stderr.write("usage: node scripts/grader-texts.ts <locale> [--only <exercise-id|lib>]\n");
    process.exit(2);
  }
  const only = rest[0] === "--only" ? rest[1] : undefined;
  const report: Record<string, { file: string; missing: Record<string, string>; stale: string[] }> = {};
  for (const owner of textOwners().filter((o) => !only || o.name === only)) {
    const missing = Object.fromEntries(missingTemplates(owner, locale).map((t) => [t.template, ""]));
    const stale = staleTemplates(owner, locale);
    if (Object.keys(missing).length || stale.length) report[owner.name] = { file: relative(ROOT, owner.file(locale)), missing, stale };
  }
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
}
