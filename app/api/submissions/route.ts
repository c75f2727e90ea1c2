/** POST /api/submissions {exerciseId, code} → 202 {id}: stored, then queued for grading. */
import { backend, jsonError } from "../../_lib/backend.ts";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const be = await backend();
  const user = await be.sessionUser(req.headers);
  if (!user) return jsonError(401, "Not signed in: sign in, or send `Authorization: Bearer <token>` (`gradlab token <email>` prints one).");
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > be.MAX_CODE_BYTES * 2 + 4096) return jsonError(413, `The request is ${declared} bytes; code is limited to ${be.MAX_CODE_BYTES} bytes.`);
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return jsonError(400, 'The body is not valid JSON: send {"exerciseId": string, "code": string} with Content-Type: application/json.');
  }
  const out = await be.submit(user, body);
  if (!out.ok) return jsonError(out.status, out.error, out.retryAfter ? { "Retry-After": String(out.retryAfter) } : {});
  return Response.json({ id: out.id }, { status: 202, headers: { Location: `/api/submissions/${out.id}` } });
}
