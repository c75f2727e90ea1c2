/** POST /api/join/:token → {courseId}: join the invite link's course as a learner. */
import { courseApi } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = async (req: Request, ctx: { params: Promise<{ token: string }> }) => {
  const { token } = await ctx.params;
  return courseApi(req, (be, user) => be.joinByInvite(user, token));
};
