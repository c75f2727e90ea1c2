/** GET /api/courses/:id/assignments/:assignmentId/submissions → a zip: one folder per learner with each exercise's final code and result JSON (TAs and instructors). */
import { apiRoute } from "../../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; assignmentId: string }>(async ({ be, user, params }) => {
  const out = await be.assignmentZip(user, params.id, params.assignmentId);
  return new Response(out.zip as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": "application/zip", "Content-Disposition": `attachment; filename="${out.filename}"`, "Cache-Control": "no-store" } });
});
