/** GET /api/submissions/:id → {id, status, result}; 404 for someone else's (instructors read all). */
import { loadServer, jsonError } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const be = await loadServer();
  const user = await be.sessionUser(req.headers);
  if (!user) return jsonError(401, "Not signed in: sign in, or send `Authorization: Bearer <token>`.");
  const { id } = await ctx.params;
  const s = be.readSubmission(user, id);
  if (!s) return jsonError(404, `No submission ${id} of yours.`);
  const withCode = new URL(req.url).searchParams.get("code") === "1";
  return Response.json(
    { id: s.id, exerciseId: s.exerciseId, status: s.status, createdAt: s.createdAt, result: s.result, ...(withCode ? { code: s.code } : {}) },
    { headers: { "Cache-Control": "no-store" } },
  );
}
