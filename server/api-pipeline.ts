/**
 * What every API route does around its own work, once for both ways a request arrives (Next's
 * route handlers through app/_lib/server-loader.ts, and the web server's direct routes in
 * submission-fast-path.ts): the signed-in user (401 otherwise), the answer's language (the
 * user's saved choice first), for writes the cross-site check and the JSON body read up to the
 * route's limit, and a thrown HttpError as its status with {"error"} in that language.
 */
import { ApiAnswer, errorAnswer, httpErrorOf, NOT_SIGNED_IN_TEXT, readJsonBody, requestLocale, type BodySource } from "./api-answer.ts";
import { sessionUser, type SessionUser } from "./context.ts";
import { userLocale } from "./user-locale.ts";
import type { Text } from "../lib/i18n/server-text.ts";

export interface ApiRequest extends BodySource {
  /** The request's headers as Web Headers, for the session lookup (better-auth reads them). */
  headers(): Headers;
}

export interface ApiOptions {
  /** The status of a plain (non-answer) result: 200 unless said. */
  status?: number;
  /** The message for a body that is not JSON (a message key: errors.json). */
  invalidBody?: string | Text;
}

export interface ApiCall {
  user: SessionUser;
  /** The JSON body of a write (undefined for GET and HEAD). */
  body: unknown;
  /** The language of the answer. */
  locale: string;
}

/**
 * Runs `fn` for a request: its result is an ApiAnswer, a Web Response (returned as it is, for
 * Next's routes), or a value sent as uncached JSON with the route's status. Anything thrown that is
 * not an HttpError is rethrown (a 500).
 */
export async function serveApi(req: ApiRequest, fn: (call: ApiCall) => unknown, opts: ApiOptions = {}): Promise<ApiAnswer | Response> {
  const user = await sessionUser(req.headers());
  if (!user) return errorAnswer(401, NOT_SIGNED_IN_TEXT, {}, requestLocale(req.header));
  const locale = requestLocale(req.header, userLocale(user.id));
  let body: unknown = undefined;
  if (req.method !== "GET" && req.method !== "HEAD") {
    const got = await readJsonBody(req, opts.invalidBody, locale);
    if ("error" in got) return got.error;
    body = got.body;
  }
  try {
    const out = await fn({ user, body, locale });
    if (out instanceof ApiAnswer || out instanceof Response) return out;
    return new ApiAnswer(opts.status ?? 200, out, { "Cache-Control": "no-store" });
  } catch (e) {
    const h = httpErrorOf(e);
    if (h) return errorAnswer(h.status, h.text ?? h.message, h.headers, locale);
    throw e;
  }
}
