/** GET /api/submissions/:id → {id, status, result}; 404 for someone else's (instructors read all). */
import { apiRoute } from "../../../_lib/server-loader.ts";
import { text } from "../../../../lib/i18n/server-text.ts";
import { submissionBody } from "./submission-body.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(({ be, user, params, url }) => {
  const s = be.readSubmission(user, params.id);
  if (!s) throw new be.HttpError(404, text("errors.submit.notFound", { id: params.id }));
  return submissionBody(s, url.searchParams.get("code") === "1");
});
