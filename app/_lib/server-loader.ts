/**
 * The server side (server) is loaded by Node's own module loader, not bundled by Next: it
 * holds the native SQLite driver, reads migrations and exercises from disk by path, and imports
 * exercise checks at run time. One instance per process.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Backend from "../../server/index.ts";
import { BodyTooLargeError, bodyLimit, csrfMessage, csrfVerdictOf, formatBytes, readBodyCapped } from "../../server/http-guards.ts";
import { MAX_ROSTER_CSV_BYTES } from "../../server/http-guards.ts";
import { MAX_CODE_BYTES } from "../../grader/intake.ts";
import { LOCALE_COOKIE, resolveLocale } from "../../lib/i18n/locales.ts";
import { renderText, text, type ServerText, type Text } from "../../lib/i18n/server-text.ts";

export type { SessionUser, SubmissionView, ExerciseView, CourseDetail, GradebookData, ExerciseAnalytics, HistoryEntry, AssignmentView, MemberView, CourseRole } from "../../server/index.ts";

// A dynamic import the bundler does not see (it must stay a runtime import of the .ts file).
const nativeImport = new Function("u", "return import(u)") as (url: string) => Promise<unknown>;

export function loadServer(): Promise<typeof Backend> {
  const g = globalThis as { __gradlabBackend?: Promise<typeof Backend> };
  g.__gradlabBackend ??= nativeImport(pathToFileURL(join(process.env.GRADLAB_ROOT ?? process.cwd(), "server", "index.ts")).href) as Promise<typeof Backend>;
  return g.__gradlabBackend;
}

/**
 * JSON error with the status in the status line. A message key (lib/i18n/server-text.ts) is
 * answered in `locale` as {"error"}, with its keys and values ({"code", "params"}, or {"texts"}
 * for several sentences) and, in another language, the English ({"english"}) for scripts.
 */
export function jsonError(status: number, error: string | Text, headers: Record<string, string> = {}, locale = "en"): Response {
  if (typeof error === "string") return Response.json({ error }, { status, headers });
  const texts: ServerText[] = Array.isArray(error) ? error : [error];
  const said = renderText(error, locale);
  const english = renderText(error);
  const keys = texts.length === 1 ? { code: texts[0].code, ...(texts[0].params ? { params: texts[0].params } : {}) } : { code: texts[0]?.code, texts };
  return Response.json({ error: said, ...keys, ...(english !== said ? { english } : {}) }, { status, headers });
}

/** The language to answer a request in: the user's saved choice, else the cookie's, else Accept-Language, else English. */
export function requestLocaleOf(req: Request, saved: string | null = null): string {
  const cookie = /(?:^|;\s*)([^=;]+)=([^;]*)/g;
  let chosen: string | null = null;
  for (const m of (req.headers.get("cookie") ?? "").matchAll(cookie)) if (m[1].trim() === LOCALE_COOKIE) chosen = decodeURIComponent(m[2]);
  return resolveLocale({ saved, cookie: chosen, acceptLanguage: req.headers.get("accept-language") });
}

/** A thrown HttpError (server/context.ts) becomes its status and message (and its message key); anything else is rethrown. */
export function httpErrorOf(e: unknown): { status: number; message: string; text?: Text; headers: Record<string, string> } | null {
  if (e instanceof Error && typeof (e as { status?: unknown }).status === "number") {
    const h = (e as { headers?: Record<string, string> }).headers ?? {};
    const t = (e as { text?: Text }).text;
    return { status: (e as unknown as { status: number }).status, message: e.message, ...(t ? { text: t } : {}), headers: h };
  }
  return null;
}

/**
 * The checks every state-changing route makes before it acts (the web server makes them first;
 * these hold when Next runs without it): a cross-site request is refused (403), and the JSON
 * body is read only up to the route's limit (413), never buffered past it.
 * Returns the parsed body, or the error Response to send.
 */
export async function guardedJson(req: Request, invalid: string | Text = text("errors.api.invalidJson"), locale = requestLocaleOf(req)): Promise<{ body: unknown } | { error: Response }> {
  const csrf = csrfVerdictOf(req);
  if (!csrf.ok) return { error: jsonError(403, csrfMessage(csrf.reason)) };
  let body: string;
  try {
    body = await readBodyCapped(req, bodyLimit(new URL(req.url).pathname));
  } catch (e) {
    if (e instanceof BodyTooLargeError) return { error: jsonError(413, text("errors.api.bodyTooLarge", { limit: formatBytes(e.limit), code: formatBytes(MAX_CODE_BYTES), csv: formatBytes(MAX_ROSTER_CSV_BYTES) }), {}, locale) };
    throw e;
  }
  try {
    return { body: JSON.parse(body) as unknown };
  } catch {
    return { error: jsonError(400, invalid, {}, locale) };
  }
}

/** The one answer to a request without a signed-in user, on every API route (NOT_SIGNED_IN: its English). */
export const NOT_SIGNED_IN_TEXT = text("errors.api.notSignedIn");
export const NOT_SIGNED_IN = renderText(NOT_SIGNED_IN_TEXT);

export interface ApiCall<P> {
  be: typeof Backend;
  user: Backend.SessionUser;
  /** The JSON body of a write (undefined for GET and HEAD). */
  body: unknown;
  params: P;
  req: Request;
  url: URL;
}

export interface ApiOptions {
  /** The status of a plain (non-Response) result: 200 unless said. */
  status?: number;
  /** The message for a body that is not JSON (a message key: errors.json). */
  invalidBody?: string | Text;
}

/**
 * Every API route handler: the signed-in user (401 otherwise), for writes the cross-site check
 * and the JSON body read up to the route's limit (guardedJson), the route's params, and a thrown
 * HttpError (server/context.ts) as its status with {"error"}. The handler returns a Response, or
 * a value sent as JSON (not cached).
 */
export function apiRoute<P extends Record<string, string> = Record<string, never>>(fn: (call: ApiCall<P>) => unknown, opts: ApiOptions = {}) {
  return async (req: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    const be = await loadServer();
    const user = await be.sessionUser(req.headers);
    if (!user) return jsonError(401, NOT_SIGNED_IN_TEXT, {}, requestLocaleOf(req));
    const locale = requestLocaleOf(req, be.userLocale(user.id));
    let body: unknown = undefined;
    if (req.method !== "GET" && req.method !== "HEAD") {
      const got = await guardedJson(req, opts.invalidBody, locale);
      if ("error" in got) return got.error;
      body = got.body;
    }
    try {
      const params = ((await ctx?.params) ?? {}) as P;
      const out = await fn({ be, user, body, params, req, url: new URL(req.url) });
      if (out instanceof Response) return out;
      return Response.json(out, { status: opts.status ?? 200, headers: { "Cache-Control": "no-store" } });
    } catch (e) {
      const h = httpErrorOf(e);
      if (h) return jsonError(h.status, h.text ?? h.message, h.headers, locale);
      throw e;
    }
  };
}
