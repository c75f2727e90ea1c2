/** GET /api/courses/:id/gradebook → JSON; ?format=csv → the LMS CSV export (TAs and instructors). */
import { courseApi } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const csv = new URL(req.url).searchParams.get("format") === "csv";
  return courseApi(req, async (be, user) => {
    if (!csv) return be.gradebook(user, id);
    const out = await be.gradebookCsvFor(user, id);
    return new Response(out.csv, { headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${out.filename}"`, "Cache-Control": "no-store" } });
  });
};
