/** GET /api/courses/:id/gradebook → JSON; ?format=csv → the LMS CSV export (TAs and instructors). */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(async ({ be, user, params, url }) => {
  if (url.searchParams.get("format") !== "csv") return be.gradebook(user, params.id);
  const out = await be.gradebookCsvFor(user, params.id);
  return new Response(out.csv, { headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${out.filename}"`, "Cache-Control": "no-store" } });
});
