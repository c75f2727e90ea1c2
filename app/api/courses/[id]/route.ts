/** GET /api/courses/:id → the course as the caller may see it; PATCH {title?, timeZone?} (instructors). */
import { courseApi } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";
type Ctx = { params: Promise<{ id: string }> };

export const GET = async (req: Request, ctx: Ctx) => {
  const { id } = await ctx.params;
  return courseApi(req, (be, user) => be.courseDetail(user, id));
};
export const PATCH = async (req: Request, ctx: Ctx) => {
  const { id } = await ctx.params;
  return courseApi(req, (be, user, body) => be.updateCourse(user, id, body));
};
