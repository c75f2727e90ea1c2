/**
 * The UI's languages are the folders under messages/ (messages/en, messages/zh-CN, …): each holds
 * JSON files whose names are the top-level namespaces (common.json → "common.*"). Adding a
 * language is adding a folder; nothing here lists them. English is the source and the fallback.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PSEUDO_LOCALE, pseudoEnabled, pseudoMessages } from "./pseudo.ts";

export const DEFAULT_LOCALE = "en";
/** The choice of a signed-out visitor (a signed-in user's is saved on their account too). */
export const LOCALE_COOKIE = "gradlab-locale";

export type Messages = { [key: string]: string | Messages };

// A BCP 47 tag as folder name: "en", "zh-CN", "pt-BR", "sr-Latn".
const TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export function messagesDir(root = process.env.GRADLAB_ROOT ?? process.cwd()): string {
  return join(root, "messages");
}

const localeCache = new Map<string, string[]>();
/** The languages there are messages for, English first. */
export function availableLocales(dir = messagesDir()): string[] {
  let out = localeCache.get(dir);
  if (!out) {
    const found = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && TAG.test(e.name)).map((e) => e.name) : [];
    out = [DEFAULT_LOCALE, ...found.filter((l) => l !== DEFAULT_LOCALE).sort()];
    localeCache.set(dir, out);
  }
  // The test-only pseudo-language (lib/i18n/pseudo.ts), when switched on.
  return pseudoEnabled() ? [...out, PSEUDO_LOCALE] : out;
}

/** `tag` when it names one of `available` (any letter case), else null. */
export function matchLocale(tag: string | null | undefined, available: string[]): string | null {
  if (!tag) return null;
  return available.find((l) => l.toLowerCase() === tag.trim().toLowerCase()) ?? null;
}

/**
 * The best of `available` for an Accept-Language header ("zh-CN,zh;q=0.9,en;q=0.8"), or null:
 * ranges in order of q; each matches a locale exactly, else by its language ("zh-TW" or "zh" → "zh-CN").
 */
export function negotiateLocale(acceptLanguage: string | null | undefined, available: string[]): string | null {
  if (!acceptLanguage) return null;
  const ranges = acceptLanguage
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.tag && r.tag !== "*" && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranges) {
    const exact = matchLocale(r.tag, available);
    if (exact) return exact;
    const lang = r.tag.split("-")[0].toLowerCase();
    const byLanguage = available.find((l) => l.split("-")[0].toLowerCase() === lang);
    if (byLanguage) return byLanguage;
  }
  return null;
}

/** The language of a request: the user's saved choice, else the cookie's, else the browser's, else English. */
export function resolveLocale(opts: { saved?: string | null; cookie?: string | null; acceptLanguage?: string | null }, available = availableLocales()): string {
  return matchLocale(opts.saved, available) ?? matchLocale(opts.cookie, available) ?? negotiateLocale(opts.acceptLanguage, available) ?? DEFAULT_LOCALE;
}

/** One language's messages as they are on disk: { namespace: { key: text } }. */
export function readMessages(locale: string, dir = messagesDir()): Messages {
  const folder = join(dir, locale);
  const out: Messages = {};
  if (!existsSync(folder)) return out;
  for (const f of readdirSync(folder).filter((n) => n.endsWith(".json")).sort()) {
    out[f.slice(0, -".json".length)] = JSON.parse(readFileSync(join(folder, f), "utf8")) as Messages;
  }
  return out;
}

/** `over` on top of `base`, key by key (a key a translation lacks shows in English, not as its name). */
export function mergeMessages(base: Messages, over: Messages): Messages {
  const out: Messages = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = typeof v === "object" && typeof b === "object" ? mergeMessages(b, v) : v;
  }
  return out;
}

const messageCache = new Map<string, Messages>();
/** The messages a page in `locale` uses: the translation over English. Read once per process. */
export function loadMessages(locale: string, dir = messagesDir()): Messages {
  const key = `${dir}\0${locale}`;
  let m = messageCache.get(key);
  if (!m) {
    const en = readMessages(DEFAULT_LOCALE, dir);
    m = locale === DEFAULT_LOCALE ? en : locale === PSEUDO_LOCALE ? pseudoMessages(en) : mergeMessages(en, readMessages(locale, dir));
    messageCache.set(key, m);
  }
  return m;
}

/** Every key of a message tree, dotted ("common.signOut"). */
export function messageKeys(m: Messages, prefix = ""): string[] {
  return Object.entries(m).flatMap(([k, v]) => (typeof v === "string" ? [prefix + k] : messageKeys(v, `${prefix}${k}.`)));
}
