/** PUT /api/courses/:id/members {email, role: learner|ta|instructor} — add a member or change their role (instructors). */
import { courseApi } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const PUT = async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return courseApi(req, (be, user, body) => be.setMemberRole(user, id, body));
};
