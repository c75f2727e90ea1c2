/** The UI language a user chose (users.locale); null until they choose one from the top bar. */
import { eq } from "drizzle-orm";
import type { Statement } from "better-sqlite3";
import { users } from "../db/schema.ts";
import { availableLocales, matchLocale } from "../lib/i18n/locales.ts";
import { text } from "../lib/i18n/server-text.ts";
import { db, HttpError } from "./context.ts";

// Read on every API request (the language of its answer): prepared once, not rebuilt by drizzle each time.
let readLocale: Statement<[string]> | undefined;

export function userLocale(userId: string): string | null {
  readLocale ??= db.$client.prepare(`SELECT locale FROM users WHERE id = ?`);
  return (readLocale.get(userId) as { locale: string | null } | undefined)?.locale ?? null;
}

/** Saves `locale` (one of the folders under messages/) as the user's choice; returns it as spelt there. */
export function setUserLocale(userId: string, locale: unknown): string {
  const l = typeof locale === "string" ? matchLocale(locale, availableLocales()) : null;
  if (!l) throw new HttpError(400, text("errors.api.unknownLanguage", { asked: JSON.stringify(locale) ?? "undefined", choices: availableLocales().join(", ") }));
  db.update(users).set({ locale: l, updatedAt: new Date() }).where(eq(users.id, userId)).run();
  return l;
}
