/** GET /gradlab/run/...: the Run worker, the visible checks and drivers, for who may open the exercise (app/_run/assets.ts). */
import { loadServer } from "../../../_lib/server-loader.ts";
import { serveRunAsset } from "../../../_run/assets.ts";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await ctx.params;
  const be = await loadServer();
  return serveRunAsset(req, path, {
    user: (r) => be.sessionUser(r.headers),
    mayOpen: async (user, id) => !!(await be.findExercise(id)) && be.mayOpenExercise(user as Parameters<typeof be.mayOpenExercise>[0], id),
  });
}
