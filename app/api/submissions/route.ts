/** POST /api/submissions {exerciseId, code} → 202 {id}: stored, then queued for grading. */
import { apiRoute } from "../../_lib/server-loader.ts";
import { text } from "../../../lib/i18n/server-text.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute(
  async ({ be, user, body }) => {
    const out = await be.submit(user, body);
    if (!out.ok) throw new be.HttpError(out.status, out.text, out.retryAfter ? { "Retry-After": String(out.retryAfter) } : {});
    return Response.json({ id: out.id }, { status: 202, headers: { Location: `/api/submissions/${out.id}` } });
  },
  { invalidBody: text("errors.submit.invalidJson") },
);
