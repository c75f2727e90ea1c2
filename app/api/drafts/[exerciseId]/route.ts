/**
 * PUT /api/drafts/:exerciseId {code}: the editor's autosave (one draft per user and exercise).
 * 204; the header X-Draft-Revision says the saved draft's revision, which the editor's local
 * journal records (app/_components/draft-journal.ts).
 */
import { apiRoute } from "../../../_lib/server-loader.ts";
import { text } from "../../../../lib/i18n/server-text.ts";

// Read by the editor (app/_components/Workbench.tsx) to record what the server holds.
const DRAFT_REVISION_HEADER = "x-draft-revision";
const SHAPE = text("errors.draft.shape");

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ exerciseId: string }>(
  async ({ be, user, params, body }) => {
    if (!(await be.findExercise(params.exerciseId))) throw new be.HttpError(404, text("errors.draft.unknownExercise", { exercise: params.exerciseId }));
    const code = (body as { code?: unknown } | null)?.code;
    if (typeof code !== "string") throw new be.HttpError(400, SHAPE);
    if (Buffer.byteLength(code, "utf8") > be.MAX_CODE_BYTES) throw new be.HttpError(413, text("errors.draft.tooLarge", { limit: be.MAX_CODE_BYTES }));
    const rev = be.saveDraft(user.id, params.exerciseId, code);
    return new Response(null, { status: 204, headers: { [DRAFT_REVISION_HEADER]: String(rev), "cache-control": "no-store" } });
  },
  { invalidBody: SHAPE },
);
