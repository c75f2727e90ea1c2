/** GET /api/courses/:id/export → a zip of the gradebook CSV and every assignment's final submissions (instructors); deleting needs one. */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(async ({ be, user, params }) => {
  const out = await be.courseExport(user, params.id);
  return new Response(out.zip as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": "application/zip", "Content-Disposition": `attachment; filename="${out.filename}"`, "Cache-Control": "no-store" } });
});
