/**
 * The pieces of an API answer that do not depend on how the request arrived (Next's Web Request
 * or Node's IncomingMessage): the JSON error shape, the language of the answer, the checks and
 * reading of a JSON body. Shared by the API pipeline (api-pipeline.ts) and the route helpers in
 * app/_lib/server-loader.ts, which bundles this file: kept free of the database and of Node-only imports.
 */
import { MAX_CODE_BYTES } from "../grader/intake.ts";
import { LOCALE_COOKIE, resolveLocale } from "../lib/i18n/locales.ts";
import { renderText, text, type ServerText, type Text } from "../lib/i18n/server-text.ts";
import { BodyTooLargeError, MAX_ROSTER_CSV_BYTES, bodyLimit, configuredOrigins, csrfVerdict, formatBytes, type CrossSiteFrom } from "./http-guards.ts";

/** A request header by lower-case name (null when absent; repeated headers joined). */
export type HeaderOf = (name: string) => string | null | undefined;

/** What an API route answers: sent as JSON with `status` and `headers` (a JSON Content-Type is added). */
export class ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/**
 * JSON error with the status in the status line. A message key (lib/i18n/server-text.ts) is
 * answered in `locale` as {"error"}, with its keys and values ({"code", "params"}, or {"texts"}
 * for several sentences) and, in another language, the English ({"english"}) for scripts.
 */
export function errorAnswer(status: number, error: string | Text, headers: Record<string, string> = {}, locale = "en"): ApiAnswer {
  if (typeof error === "string") return new ApiAnswer(status, { error }, headers);
  const texts: ServerText[] = Array.isArray(error) ? error : [error];
  const said = renderText(error, locale);
  const english = renderText(error);
  const keys = texts.length === 1 ? { code: texts[0].code, ...(texts[0].params ? { params: texts[0].params } : {}) } : { code: texts[0]?.code, texts };
  return new ApiAnswer(status, { error: said, ...keys, ...(english !== said ? { english } : {}) }, headers);
}

const COOKIE_PAIR = /(?:^|;\s*)([^=;]+)=([^;]*)/g;

/** The language to answer in: the user's saved choice, else the locale cookie's, else Accept-Language, else English. */
export function requestLocale(header: HeaderOf, saved: string | null = null): string {
  let chosen: string | null = null;
  for (const m of (header("cookie") ?? "").matchAll(COOKIE_PAIR)) if (m[1].trim() === LOCALE_COOKIE) chosen = decodedOrNull(m[2]);
  return resolveLocale({ saved, cookie: chosen, acceptLanguage: header("accept-language") });
}

/** A malformed escape ("%E0%A4%A") is the client's mistake: no language, not a 500 (nor, in the web server's guard, a crash). */
function decodedOrNull(v: string): string | null {
  try {
    return decodeURIComponent(v);
  } catch {
    return null;
  }
}

/** A thrown HttpError (server/context.ts) becomes its status and message (and its message key); anything else: null. */
export function httpErrorOf(e: unknown): { status: number; message: string; text?: Text; headers: Record<string, string> } | null {
  if (e instanceof Error && typeof (e as { status?: unknown }).status === "number") {
    const h = (e as { headers?: Record<string, string> }).headers ?? {};
    const t = (e as { text?: Text }).text;
    return { status: (e as unknown as { status: number }).status, message: e.message, ...(t ? { text: t } : {}), headers: h };
  }
  return null;
}

/** The one answer to a request without a signed-in user, on every API route (NOT_SIGNED_IN: its English). */
export const NOT_SIGNED_IN_TEXT = text("errors.api.notSignedIn");
export const NOT_SIGNED_IN = renderText(NOT_SIGNED_IN_TEXT);

/** The default message for a body that is not JSON. */
export const INVALID_JSON_TEXT = text("errors.api.invalidJson");

/** The 413 of a body past `limit` bytes (in English: http-guards.ts tooLargeMessage). */
export function bodyTooLargeText(limit: number): ServerText {
  return text("errors.api.bodyTooLarge", { limit: formatBytes(limit), code: formatBytes(MAX_CODE_BYTES), csv: formatBytes(MAX_ROSTER_CSV_BYTES) });
}

/** The 403 of a cross-site write, saying where it came from (in English: http-guards.ts csrfMessage). */
export function crossSiteText(from: CrossSiteFrom): ServerText {
  const where = "origin" in from ? text("errors.api.crossSiteFrom.origin", { origin: from.origin }) : "site" in from ? text("errors.api.crossSiteFrom.site", { site: from.site }) : text("errors.api.crossSiteFrom.opaque");
  return text("errors.api.crossSite", { from: where });
}

/** How a write's body is read: its method, headers, path, and its text up to a limit (throws BodyTooLargeError past it). */
export interface BodySource {
  method: string;
  header: HeaderOf;
  pathname: string;
  readBody(limit: number): Promise<string>;
}

/**
 * The checks every state-changing route makes before it acts (the web server makes them first;
 * these hold when Next runs without it): a cross-site request is refused (403), and the JSON
 * body is read only up to the route's limit (413), never buffered past it; a body that is not
 * JSON is a 400 with `invalid`. Returns the parsed body, or the error to send.
 */
export async function readJsonBody(req: BodySource, invalid: string | Text = INVALID_JSON_TEXT, locale = requestLocale(req.header), origins = configuredOrigins()): Promise<{ body: unknown } | { error: ApiAnswer }> {
  const csrf = csrfVerdict({ method: req.method, header: req.header }, origins);
  if (!csrf.ok) return { error: errorAnswer(403, crossSiteText(csrf.from), {}, locale) };
  let body: string;
  try {
    body = await req.readBody(bodyLimit(req.pathname));
  } catch (e) {
    if (e instanceof BodyTooLargeError) return { error: errorAnswer(413, bodyTooLargeText(e.limit), {}, locale) };
    throw e;
  }
  try {
    return { body: JSON.parse(body) as unknown };
  } catch {
    return { error: errorAnswer(400, invalid, {}, locale) };
  }
}
