/**
 * An exercise in the reader's language: `statement.<locale>.md` beside `statement.md` when there
 * is one (its title is its first heading), else the English with a note. A translation records
 * the hash of the English it translates (lib/statement/translation.ts): when the English has
 * changed since, the translation is still shown, marked out of date.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { DEFAULT_LOCALE } from "../lib/i18n/locales.ts";
import { readTranslationSource, translationSourceHash } from "../lib/statement/translation.ts";

/** "none": the page is in English; "current"/"stale": translated (stale: of an older English); "missing": English shown. */
export type TranslationState = "none" | "current" | "stale" | "missing";

export interface LocalizedStatement {
  markdown: string;
  /** The language of `markdown`. */
  locale: string;
  translation: TranslationState;
}

export function translatedStatementPath(englishPath: string, locale: string): string {
  return englishPath.replace(/\.md$/, `.${locale}.md`);
}

// Statements are read on every page view; keep each file's text until its mtime changes.
const cache = new Map<string, { mtimeMs: number; text: string }>();
function readCached(path: string): string | null {
  if (!existsSync(path)) return null;
  const mtimeMs = statSync(path).mtimeMs;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.text;
  const text = readFileSync(path, "utf8");
  cache.set(path, { mtimeMs, text });
  return text;
}

export function localizedStatement(englishPath: string, locale: string): LocalizedStatement {
  const english = readCached(englishPath) ?? "";
  if (locale === DEFAULT_LOCALE) return { markdown: english, locale, translation: "none" };
  const translated = readCached(translatedStatementPath(englishPath, locale));
  if (translated === null) return { markdown: english, locale: DEFAULT_LOCALE, translation: "missing" };
  const current = readTranslationSource(translated) === translationSourceHash(english);
  return { markdown: translated, locale, translation: current ? "current" : "stale" };
}

/** The statement's first level-1 heading ("# Dense layer" → "Dense layer"), or null. */
export function statementTitle(markdown: string): string | null {
  return /^#[ \t]+(.+?)[ \t]*#*[ \t]*$/m.exec(markdown)?.[1] ?? null;
}

/** The exercise's title in `locale`: its translated statement's heading, else the English title. */
export function localizedTitle(englishTitle: string, statementPath: string, locale: string): string {
  if (locale === DEFAULT_LOCALE) return englishTitle;
  const translated = readCached(translatedStatementPath(statementPath, locale));
  return (translated && statementTitle(translated)) || englishTitle;
}
