/** POST /api/courses/:id/submissions/:submissionId/comments {body} → 201 {id}: a comment its learner sees (TAs and instructors). */
import { apiRoute } from "../../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string; submissionId: string }>(({ be, user, params, body }) => be.commentOnSubmission(user, params.id, params.submissionId, body), { status: 201 });
