// better-auth's endpoints (sign-in, sign-out, session) under /api/auth/*: the body read up to the
// auth limit and cross-site writes refused before better-auth sees them; a 429 says when to retry.
// Every refusal is in the reader's language (the web server's guard refuses these first; this
// holds when Next runs without it), with better-auth's `message` field beside the API's `error`.
import { loadServer, requestLocaleOf } from "../../../_lib/server-loader.ts";
import { renderText, text, type ServerText } from "../../../../lib/i18n/server-text.ts";
import { bodyTooLargeText, crossSiteText, errorAnswer } from "../../../../server/api-answer.ts";
import { BodyTooLargeError, bodyLimit, csrfVerdictOf, readBodyCapped } from "../../../../server/http-guards.ts";
import { retryIn, tooManySignInsText } from "../../../../server/sign-in-throttle.ts";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  return withRetryAfter(await (await loadServer()).auth.handler(req), requestLocaleOf(req));
}

export async function POST(req: Request): Promise<Response> {
  const locale = requestLocaleOf(req);
  const csrf = csrfVerdictOf(req);
  if (!csrf.ok) return refusal(403, crossSiteText(csrf.from), locale);
  let body: string;
  try {
    body = await readBodyCapped(req, bodyLimit(new URL(req.url).pathname));
  } catch (e) {
    if (e instanceof BodyTooLargeError) return refusal(413, bodyTooLargeText(e.limit), locale);
    throw e;
  }
  const again = new Request(req.url, { method: req.method, headers: req.headers, body });
  return withRetryAfter(await (await loadServer()).auth.handler(again), locale);
}

/** The API's JSON error (server/api-answer.ts), with the `message` better-auth's client reads. */
function refusal(status: number, said: ServerText, locale: string): Response {
  const answer = errorAnswer(status, said, { "Cache-Control": "no-store" }, locale);
  const body = answer.body as { error: string };
  return Response.json({ ...body, message: body.error }, { status, headers: answer.headers });
}

/**
 * A 429 says when, in the reader's language: the per-account limit (sign-in-throttle.ts) as such,
 * better-auth's own per-address limit (X-Retry-After, a vague message) as one from this address.
 */
async function withRetryAfter(res: Response, locale: string): Promise<Response> {
  if (res.status !== 429) return res;
  const seconds = Number(res.headers.get("retry-after") ?? res.headers.get("x-retry-after") ?? 60);
  const body = (await res.clone().json().catch(() => ({}))) as { message?: string; code?: string };
  const said = body.code === "TOO_MANY_SIGN_IN_ATTEMPTS" ? tooManySignInsText(seconds) : text("errors.api.tooManyRequests", retryIn(seconds));
  const message = renderText(said, locale);
  return Response.json({ ...body, message, error: message, retryAfter: seconds }, { status: 429, headers: { "Retry-After": String(seconds), "Cache-Control": "no-store" } });
}
