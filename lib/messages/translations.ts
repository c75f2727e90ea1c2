/**
 * Where the grader's translations live, and reading them (Node only). A language is files, nothing else:
 *   messages/<locale>/grader/checks.json          the check library's texts (lib/)
 *   exercises/<set>/<id>/messages.<locale>.json   one exercise's texts
 * Each maps an English template, exactly as written with en`…` (values as {0}, {1}…), to its
 * translation with the same placeholders. `node scripts/grader-texts.ts <locale>` lists what is missing.
 * An exercise's file also has "checkNames": { "English check name": "translated name" } (names stay
 * English in the result JSON; pages and reports show the translation, lib/messages/text.ts checkNameKey).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_LOCALE, messagesDir } from "../i18n/locales.ts";
import { checkNameKey, templateKey, type TextCatalog } from "./text.ts";

export function libraryTextsFile(locale: string, root?: string): string {
  return join(messagesDir(root), locale, "grader", "checks.json");
}

export function exerciseTextsFile(exerciseDir: string, locale: string): string {
  return join(exerciseDir, `messages.${locale}.json`);
}

interface TranslationFile {
  templates: Record<string, string>;
  checkNames: Record<string, string>;
}
const cache = new Map<string, { mtimeMs: number; file: TranslationFile }>();

/** Non-empty string entries of a JSON object. */
function texts(o: object): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === "string" && e[1].trim() !== ""));
}

function readTranslationFile(file: string): TranslationFile {
  if (!existsSync(file)) return { templates: {}, checkNames: {} };
  const mtimeMs = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.file;
  const raw = JSON.parse(readFileSync(file, "utf8")) as unknown;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${file}: expected an object mapping English templates to translations`);
  const names = (raw as { checkNames?: unknown }).checkNames;
  if (names !== undefined && (!names || typeof names !== "object" || Array.isArray(names))) throw new Error(`${file}: "checkNames" must map English check names to translations`);
  const parsed = { templates: texts(raw), checkNames: names ? texts(names) : {} };
  cache.set(file, { mtimeMs, file: parsed });
  return parsed;
}

/** A translation file's { English template: translation }; {} when there is none. Re-read when it changes. */
export function readTemplates(file: string): Record<string, string> {
  return readTranslationFile(file).templates;
}

/** An exercise translation file's { English check name: translated name }. */
export function readCheckNames(file: string): Record<string, string> {
  return readTranslationFile(file).checkNames;
}

/** Templates keyed as results carry them (`templateKey`). */
export function catalogOf(templates: Record<string, string>): TextCatalog {
  return Object.fromEntries(Object.entries(templates).map(([en, tr]) => [templateKey(en), tr]));
}

/** The translations a result of this exercise needs in `locale`: the library's, then the exercise's own, and its check names. Empty for English. */
export function graderCatalog(locale: string, exerciseDir?: string, root?: string): TextCatalog {
  if (locale === DEFAULT_LOCALE) return {};
  const own = exerciseDir ? exerciseTextsFile(exerciseDir, locale) : undefined;
  const names = own ? Object.entries(readCheckNames(own)).map(([en, tr]) => [checkNameKey(en), tr]) : [];
  return { ...catalogOf({ ...readTemplates(libraryTextsFile(locale, root)), ...(own ? readTemplates(own) : {}) }), ...Object.fromEntries(names) };
}
