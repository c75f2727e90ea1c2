/**
 * Texts the server sends (API errors, submission refusals) as a message key and its values, so
 * a page or an API client gets them in the reader's language: the key names a message in
 * messages/<locale>/*.json ("errors.gate.notReleased"), the same catalogue the UI uses; English
 * is the fallback for a key a translation lacks. A value may be a date (shown in its zone, in
 * the reader's format) or another text (rendered first, in the same language).
 */
import { createFormatter, createTranslator } from "next-intl";
import { formatInZone } from "../course/dates.ts";
import { DEFAULT_LOCALE, loadMessages } from "./locales.ts";

export interface ServerText {
  code: string;
  params?: Record<string, TextValue>;
}
/** A moment shown as date and time in `tz` (IANA), with the zone's name. */
export interface TextDate {
  at: string;
  tz: string;
}
export type TextValue = string | number | TextDate | ServerText;
/** One sentence, or several read one after the other. */
export type Text = ServerText | ServerText[];

export const text = (code: string, params?: Record<string, TextValue>): ServerText => (params ? { code, params } : { code });
export const textDate = (at: Date, tz: string): TextDate => ({ at: at.toISOString(), tz });

const isDate = (v: TextValue): v is TextDate => typeof v === "object" && "at" in v;

/** `t` in `locale` (English where the translation lacks the key; the key itself when English does too). */
export function renderText(t: Text, locale: string = DEFAULT_LOCALE): string {
  const parts = (Array.isArray(t) ? t : [t]).map((one) => renderOne(one, locale));
  // Chinese and Japanese sentences run on without a space.
  return parts.join(/^(zh|ja)\b/.test(locale) ? "" : " ");
}

function renderOne(t: ServerText, locale: string): string {
  const messages = loadMessages(locale);
  const translate = createTranslator({ locale, messages, onError: (e) => { throw e; } });
  const format = createFormatter({ locale, timeZone: "UTC" });
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(t.params ?? {})) {
    values[k] = typeof v !== "object" ? v : isDate(v) ? dateIn(v, locale, format) : renderOne(v, locale);
  }
  try {
    if (translate.has(t.code as never)) return translate(t.code as never, values as never);
  } catch {
    // A translation that does not parse: say it in English rather than not at all.
  }
  if (locale !== DEFAULT_LOCALE) return renderOne(t, DEFAULT_LOCALE);
  return t.code;
}

/** English keeps the API's long-standing "2026-12-01 23:59 CET"; other languages their own format. */
function dateIn(d: TextDate, locale: string, format: ReturnType<typeof createFormatter>): string {
  if (locale === DEFAULT_LOCALE) return formatInZone(new Date(d.at), d.tz);
  return format.dateTime(new Date(d.at), { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: d.tz, timeZoneName: "short" });
}
