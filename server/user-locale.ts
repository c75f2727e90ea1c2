/** The UI language a user chose (users.locale); null until they choose one from the top bar. */
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { availableLocales, matchLocale } from "../lib/i18n/locales.ts";
import { db, HttpError } from "./context.ts";

export function userLocale(userId: string): string | null {
  return db.select({ locale: users.locale }).from(users).where(eq(users.id, userId)).get()?.locale ?? null;
}

/** Saves `locale` (one of the folders under messages/) as the user's choice; returns it as spelt there. */
export function setUserLocale(userId: string, locale: unknown): string {
  const l = typeof locale === "string" ? matchLocale(locale, availableLocales()) : null;
  if (!l) throw new HttpError(400, `Unknown language ${JSON.stringify(locale)}: choose one of ${availableLocales().join(", ")}.`);
  db.update(users).set({ locale: l, updatedAt: new Date() }).where(eq(users.id, userId)).run();
  return l;
}
