/**
 * PUT /api/drafts/:exerciseId {code}: the editor's autosave (one draft per user and exercise).
 * 204; the header X-Draft-Revision says the saved draft's revision, which the editor's local
 * journal records (app/_components/draft-journal.ts).
 */
import { loadServer, guardedJson, jsonError } from "../../../_lib/server-loader.ts";

// Read by the editor (app/_components/Workbench.tsx) to record what the server holds.
const DRAFT_REVISION_HEADER = "x-draft-revision";

export const dynamic = "force-dynamic";

export async function PUT(req: Request, ctx: { params: Promise<{ exerciseId: string }> }): Promise<Response> {
  const be = await loadServer();
  const user = await be.sessionUser(req.headers);
  if (!user) return jsonError(401, "Not signed in.");
  const { exerciseId } = await ctx.params;
  if (!(await be.findExercise(exerciseId))) return jsonError(404, `Unknown exercise '${exerciseId}'.`);
  const got = await guardedJson(req, 'The body must be JSON {"code": string}.');
  if ("error" in got) return got.error;
  const body = got.body as { code?: unknown } | null;
  if (typeof body?.code !== "string") return jsonError(400, 'The body must be JSON {"code": string}.');
  if (Buffer.byteLength(body.code, "utf8") > be.MAX_CODE_BYTES) return jsonError(413, `A draft is limited to ${be.MAX_CODE_BYTES} bytes.`);
  const rev = be.saveDraft(user.id, exerciseId, body.code);
  return new Response(null, { status: 204, headers: { [DRAFT_REVISION_HEADER]: String(rev), "cache-control": "no-store" } });
}
