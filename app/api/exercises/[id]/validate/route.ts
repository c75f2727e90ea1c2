/** POST /api/exercises/:id/validate → `gradlab validate` for this exercise (staff; grades in this process). */
import { courseApi } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return courseApi(req, (be, user) => be.validateExercise(user, id));
};
