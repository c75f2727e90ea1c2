/**
 * GET /api/submissions/:id/wait → the same answer as GET /api/submissions/:id, as soon as the
 * submission's status differs from ?known= (queued or running; without it: once the verdict is in),
 * or after ?timeout= seconds (at most 25) with the current status, and the client asks again.
 * A long poll: one request per change instead of one every few hundred ms. The waiting itself is
 * shared by all requests in server/verdict-waits.ts (one query for every waiting request, woken
 * by database writes). A user past their share of waiting requests gets the current status at
 * once with Retry-After (the page then backs off).
 */
import { apiRoute } from "../../../../_lib/server-loader.ts";
import { text } from "../../../../../lib/i18n/server-text.ts";
import { submissionBody } from "../submission-body.ts";

export const dynamic = "force-dynamic";

const MAX_WAIT_S = 25;
const KNOWN = new Set(["queued", "running"]);

export const GET = apiRoute<{ id: string }>(async ({ be, user, params, req, url }) => {
  const asked = Number(url.searchParams.get("timeout") ?? MAX_WAIT_S);
  const waitMs = 1000 * Math.min(MAX_WAIT_S, Math.max(0, Number.isFinite(asked) ? asked : MAX_WAIT_S));
  const knownParam = url.searchParams.get("known");
  const known = knownParam && KNOWN.has(knownParam) ? knownParam : null;
  const deadline = Date.now() + waitMs;
  const waits = be.verdictWaitsOn(be.db.$client);
  let busy = false;
  for (;;) {
    // Same rule as the GET: someone else's submission is a 404 (instructors read all). Only the
    // status while waiting; the answer is built once, below.
    const status = be.readableStatus(user, params.id);
    if (!status) throw new be.HttpError(404, text("errors.submit.notFound", { id: params.id }));
    const left = deadline - Date.now();
    if (status === "done" || (known !== null && status !== known) || left <= 0 || req.signal.aborted) break;
    const outcome = await waits.wait(user.id, params.id, status, left, req.signal);
    if (outcome === "busy") busy = true;
    // "changed" or "timeout": look again (the deadline ends the loop); "busy" or "aborted": answer now.
    if (outcome === "busy" || outcome === "aborted") break;
  }
  // The answer (and its redaction) is exactly the GET's.
  const s = be.readSubmission(user, params.id);
  if (!s) throw new be.HttpError(404, text("errors.submit.notFound", { id: params.id }));
  const headers: Record<string, string> = { "Cache-Control": "no-store", ...(busy ? { "Retry-After": "2" } : {}) };
  return Response.json(submissionBody(s, url.searchParams.get("code") === "1"), { headers });
});
