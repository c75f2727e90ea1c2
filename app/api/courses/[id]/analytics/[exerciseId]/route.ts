/** GET /api/courses/:id/analytics/:exerciseId → pass rate, score distribution, failing checks, hints (TAs and instructors). */
import { courseApi } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = async (req: Request, ctx: { params: Promise<{ id: string; exerciseId: string }> }) => {
  const { id, exerciseId } = await ctx.params;
  return courseApi(req, (be, user) => be.exerciseAnalytics(user, id, exerciseId));
};
