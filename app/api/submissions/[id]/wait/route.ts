/**
 * GET /api/submissions/:id/wait → the same answer as GET /api/submissions/:id, once the verdict is
 * in (or after ?timeout= seconds, at most 25: then the status is still queued or running and the
 * client asks again). A long poll: one request per verdict instead of one every few hundred ms,
 * each of which costs the web server a whole request. Waiting reads the row in this process.
 */
import { apiRoute } from "../../../../_lib/server-loader.ts";
import { text } from "../../../../../lib/i18n/server-text.ts";
import { GET as readSubmission } from "../route.ts";

export const dynamic = "force-dynamic";

const MAX_WAIT_S = 25;
/** Between reads of the row while waiting (a primary-key read: microseconds). */
const CHECK_MS = 100;

export const GET = apiRoute<{ id: string }>(async ({ be, user, params, req, url }) => {
  const asked = Number(url.searchParams.get("timeout") ?? MAX_WAIT_S);
  const waitMs = 1000 * Math.min(MAX_WAIT_S, Math.max(0, Number.isFinite(asked) ? asked : MAX_WAIT_S));
  const deadline = Date.now() + waitMs;
  for (;;) {
    // Same rule as the GET: someone else's submission is a 404 (instructors read all).
    const s = be.readSubmission(user, params.id);
    if (!s) throw new be.HttpError(404, text("errors.submit.notFound", { id: params.id }));
    if (s.status === "done" || Date.now() >= deadline || req.signal.aborted) break;
    await new Promise((r) => setTimeout(r, CHECK_MS));
  }
  // The answer (and its redaction) is exactly the GET's.
  return readSubmission(req, { params: Promise.resolve(params) });
});
