/** POST /api/courses/:id/roster {csv} → 200 {ok: true, enrolled, created: [{email, password}]} or 422 {ok: false, errors} (nothing imported). */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(async ({ be, user, params, body }) => {
  const out = await be.importRoster(user, params.id, body);
  return out.ok ? out : Response.json({ ...out, error: `Nothing imported: ${out.errors.length} problem(s) in the file.` }, { status: 422 });
});
