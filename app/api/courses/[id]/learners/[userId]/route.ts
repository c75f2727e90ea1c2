/** GET /api/courses/:id/learners/:userId → one learner's whole history in this course (TAs and instructors). */
import { courseApi } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = async (req: Request, ctx: { params: Promise<{ id: string; userId: string }> }) => {
  const { id, userId } = await ctx.params;
  return courseApi(req, (be, user) => be.learnerHistory(user, id, userId));
};
