/** GET /api/courses/:id/regrades/:batchId → progress {total, done, failed, keptHigher, changed, finished}. */
import { courseApi } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = async (req: Request, ctx: { params: Promise<{ id: string; batchId: string }> }) => {
  const { id, batchId } = await ctx.params;
  return courseApi(req, (be, user) => be.regradeStatus(user, id, batchId));
};
