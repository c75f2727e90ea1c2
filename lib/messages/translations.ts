/**
 * Where the grader's translations live, and reading them (Node only). A language is files, nothing else:
 *   messages/<locale>/grader/checks.json          the check library's texts (lib/)
 *   exercises/<set>/<id>/messages.<locale>.json   one exercise's texts
 * Each maps an English template, exactly as written with en`…` (values as {0}, {1}…), to its
 * translation with the same placeholders. `node scripts/grader-texts.ts <locale>` lists what is missing.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_LOCALE, messagesDir } from "../i18n/locales.ts";
import { templateKey, type TextCatalog } from "./text.ts";

export function libraryTextsFile(locale: string, root?: string): string {
  return join(messagesDir(root), locale, "grader", "checks.json");
}

export function exerciseTextsFile(exerciseDir: string, locale: string): string {
  return join(exerciseDir, `messages.${locale}.json`);
}

const cache = new Map<string, { mtimeMs: number; templates: Record<string, string> }>();

/** A translation file's { English template: translation }; {} when there is none. Re-read when it changes. */
export function readTemplates(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const mtimeMs = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.templates;
  const raw = JSON.parse(readFileSync(file, "utf8")) as unknown;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${file}: expected an object mapping English templates to translations`);
  const templates: Record<string, string> = {};
  for (const [en, tr] of Object.entries(raw)) if (typeof tr === "string" && tr.trim()) templates[en] = tr;
  cache.set(file, { mtimeMs, templates });
  return templates;
}

/** Templates keyed as results carry them (`templateKey`). */
export function catalogOf(templates: Record<string, string>): TextCatalog {
  return Object.fromEntries(Object.entries(templates).map(([en, tr]) => [templateKey(en), tr]));
}

/** The translations a result of this exercise needs in `locale`: the library's, then the exercise's own. Empty for English. */
export function graderCatalog(locale: string, exerciseDir?: string, root?: string): TextCatalog {
  if (locale === DEFAULT_LOCALE) return {};
  return catalogOf({ ...readTemplates(libraryTextsFile(locale, root)), ...(exerciseDir ? readTemplates(exerciseTextsFile(exerciseDir, locale)) : {}) });
}
