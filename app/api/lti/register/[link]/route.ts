/** GET and POST /api/lti/register/<token>: dynamic registration through a one-time link an admin made (Admin → LTI). */
import { loadServer } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ link: string }> };
export const GET = async (req: Request, ctx: Ctx) => (await loadServer()).lti.registration.page(req, (await ctx.params).link);
export const POST = async (req: Request, ctx: Ctx) => (await loadServer()).lti.registration.complete(req, (await ctx.params).link);
