// better-auth's endpoints (sign-in, sign-out, session) under /api/auth/*: the body read up to the
// auth limit and cross-site writes refused before better-auth sees them; a 429 says when to retry.
import { loadServer, requestLocaleOf } from "../../../_lib/server-loader.ts";
import { renderText, text } from "../../../../lib/i18n/server-text.ts";
import { BodyTooLargeError, bodyLimit, csrfMessage, csrfVerdictOf, readBodyCapped } from "../../../../server/http-guards.ts";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  return withRetryAfter(await (await loadServer()).auth.handler(req), requestLocaleOf(req));
}

export async function POST(req: Request): Promise<Response> {
  const csrf = csrfVerdictOf(req);
  if (!csrf.ok) return Response.json({ error: csrfMessage(csrf.reason), message: csrfMessage(csrf.reason) }, { status: 403 });
  let body: string;
  try {
    body = await readBodyCapped(req, bodyLimit(new URL(req.url).pathname));
  } catch (e) {
    if (e instanceof BodyTooLargeError) return Response.json({ error: e.message, message: e.message }, { status: 413 });
    throw e;
  }
  const again = new Request(req.url, { method: req.method, headers: req.headers, body });
  return withRetryAfter(await (await loadServer()).auth.handler(again), requestLocaleOf(req));
}

/** better-auth's own 429 (per address) carries X-Retry-After and a vague message: say when, in the reader's language. */
async function withRetryAfter(res: Response, locale: string): Promise<Response> {
  if (res.status !== 429) return res;
  const seconds = Number(res.headers.get("retry-after") ?? res.headers.get("x-retry-after") ?? 60);
  const body = (await res.clone().json().catch(() => ({}))) as { message?: string; code?: string };
  const later = seconds < 90 ? { unit: "seconds", n: seconds } : { unit: "minutes", n: Math.ceil(seconds / 60) };
  const message = body.code === "TOO_MANY_SIGN_IN_ATTEMPTS" && body.message && locale === "en" ? body.message : renderText(text("errors.api.tooManyRequests", later), locale);
  return Response.json({ ...body, message, error: message, retryAfter: seconds }, { status: 429, headers: { "Retry-After": String(seconds), "Cache-Control": "no-store" } });
}
