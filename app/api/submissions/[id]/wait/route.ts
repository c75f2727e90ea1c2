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
  for (;;) {
    // Same rule as the GET: someone else's submission is a 404 (instructors read all).
    const s = be.readSubmission(user, params.id);
    if (!s) throw new be.HttpError(404, text("errors.submit.notFound", { id: params.id }));
    const left = deadline - Date.now();
    const settled = s.status === "done" || (known !== null && s.status !== known);
    const outcome = settled || left <= 0 || req.signal.aborted ? "answer" : await waits.wait(user.id, params.id, s.status, left, req.signal);
    // Re-read after a change or at the deadline; "busy" or "aborted": answer with what was read (the GET's body and redaction).
    if (outcome === "changed" || outcome === "timeout") continue;
    const headers: Record<string, string> = { "Cache-Control": "no-store", ...(outcome === "busy" ? { "Retry-After": "2" } : {}) };
    return Response.json(submissionBody(s, url.searchParams.get("code") === "1"), { headers });
  }
});
