/** POST /api/submissions {exerciseId, code} → 202 {id}: stored, then queued for grading. */
import { apiRoute } from "../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute(
  async ({ be, user, body }) => {
    const out = await be.submit(user, body);
    if (!out.ok) throw new be.HttpError(out.status, out.error, out.retryAfter ? { "Retry-After": String(out.retryAfter) } : {});
    return Response.json({ id: out.id }, { status: 202, headers: { Location: `/api/submissions/${out.id}` } });
  },
  { invalidBody: 'The body is not valid JSON: send {"exerciseId": string, "code": string} with Content-Type: application/json.' },
);
