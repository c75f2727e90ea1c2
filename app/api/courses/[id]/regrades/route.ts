/** POST /api/courses/:id/regrades {exerciseId, email?, allowLower?} → 202 {batchId, total} (instructors). */
import { courseApi } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return courseApi(req, (be, user, body) => be.startRegrade(user, id, body), 202);
};
