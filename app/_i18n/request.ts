/**
 * next-intl's per-request configuration (named in next.config.js): no locale in the URL. The
 * language is the signed-in user's saved choice, else the visitor's cookie, else the browser's
 * Accept-Language, else English; messages are messages/<locale>/*.json over the English.
 */
import { getRequestConfig } from "next-intl/server";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { LOCALE_COOKIE, loadMessages, resolveLocale } from "../../lib/i18n/locales.ts";
import { loadServer } from "../_lib/server-loader.ts";

/** The request's language (once per request). */
export const requestLocale = cache(async (): Promise<string> => {
  const h = await headers();
  const be = await loadServer();
  const user = await be.sessionUser(h);
  return resolveLocale({ saved: user ? be.userLocale(user.id) : null, cookie: (await cookies()).get(LOCALE_COOKIE)?.value, acceptLanguage: h.get("accept-language") });
});

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  // Times carry their zone explicitly (the course's or the learner's); UTC only as the default.
  return { locale, messages: loadMessages(locale), timeZone: "UTC" };
});
