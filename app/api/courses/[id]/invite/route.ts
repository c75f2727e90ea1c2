/** POST /api/courses/:id/invite {rotate?} → {token, path}: the invite link learners join by (instructors). */
import { courseApi } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return courseApi(req, (be, user, body) => {
    const token = be.inviteToken(user, id, (body as { rotate?: unknown } | null)?.rotate === true);
    return { token, path: `/join/${token}` };
  });
};
