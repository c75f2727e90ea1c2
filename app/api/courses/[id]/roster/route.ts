/** POST /api/courses/:id/roster {csv} → 200 {ok: true, enrolled, created: [{email, password}]} or 422 {ok: false, errors} (nothing imported). */
import { courseApi } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return courseApi(req, async (be, user, body) => {
    const out = await be.importRoster(user, id, (body as { csv?: unknown } | null)?.csv);
    return out.ok ? Response.json(out, { headers: { "Cache-Control": "no-store" } }) : Response.json({ ...out, error: `Nothing imported: ${out.errors.length} problem(s) in the file.` }, { status: 422 });
  });
};
