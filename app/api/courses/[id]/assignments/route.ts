/** POST /api/courses/:id/assignments {title, exerciseIds, releaseAt?, dueAt?, latePolicy, maxSubmissions?, cooldownSeconds?} (instructors; dates local to the course). */
import { courseApi } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return courseApi(req, (be, user, body) => be.createAssignment(user, id, body), 201);
};
