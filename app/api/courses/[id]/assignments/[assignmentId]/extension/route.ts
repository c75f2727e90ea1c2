/** PUT /api/courses/:id/assignments/:assignmentId/extension {email, until} — a learner's own due date (empty until removes it). */
import { courseApi } from "../../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const PUT = async (req: Request, ctx: { params: Promise<{ id: string; assignmentId: string }> }) => {
  const { id, assignmentId } = await ctx.params;
  return courseApi(req, (be, user, body) => be.setExtension(user, id, assignmentId, body));
};
