/** POST /api/courses/:id/invitation {accept: boolean} → {courseId, joined}: answer the invitation to the signed-in account's email. */
import { courseApi } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return courseApi(req, (be, user, body) => be.answerInvitation(user, id, body));
};
