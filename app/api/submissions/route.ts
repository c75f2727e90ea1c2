/** POST /api/submissions {exerciseId, code} → 202 {id}: stored, then queued for grading. */
import { loadServer, guardedJson, jsonError } from "../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const be = await loadServer();
  const user = await be.sessionUser(req.headers);
  if (!user) return jsonError(401, "Not signed in: sign in, or send `Authorization: Bearer <token>` (`gradlab token <email>` prints one).");
  const got = await guardedJson(req, 'The body is not valid JSON: send {"exerciseId": string, "code": string} with Content-Type: application/json.');
  if ("error" in got) return got.error;
  const out = await be.submit(user, got.body);
  if (!out.ok) return jsonError(out.status, out.error, out.retryAfter ? { "Retry-After": String(out.retryAfter) } : {});
  return Response.json({ id: out.id }, { status: 202, headers: { Location: `/api/submissions/${out.id}` } });
}
