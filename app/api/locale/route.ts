import { guardedJson, jsonError, loadServer, requestLocaleOf } from "../../_lib/server-loader.ts";
import { text } from "../../../lib/i18n/server-text.ts";
import { availableLocales, LOCALE_COOKIE, matchLocale } from "../../../lib/i18n/locales.ts";

/**
 * POST {"locale": "zh-CN"}: the UI language from now on. Kept in a cookie (signed out too) and,
 * when signed in, on the account, so it follows the user to other browsers.
 */
export async function POST(req: Request): Promise<Response> {
  const got = await guardedJson(req);
  if ("error" in got) return got.error;
  const asked = (got.body as { locale?: unknown } | null)?.locale;
  const locale = typeof asked === "string" ? matchLocale(asked, availableLocales()) : null;
  if (!locale) return jsonError(400, text("errors.api.unknownLanguage", { asked: JSON.stringify(asked) ?? "undefined", choices: availableLocales().join(", ") }), {}, requestLocaleOf(req));
  const be = await loadServer();
  const user = await be.sessionUser(req.headers);
  if (user) be.setUserLocale(user.id, locale);
  const secure = new URL(req.url).protocol === "https:" ? "; Secure" : "";
  return Response.json({ locale }, { headers: { "Set-Cookie": `${LOCALE_COOKIE}=${encodeURIComponent(locale)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`, "Cache-Control": "no-store" } });
}
