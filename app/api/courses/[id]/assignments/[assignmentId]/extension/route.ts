/** PUT /api/courses/:id/assignments/:assignmentId/extension {email, until} — a learner's own due date (empty until removes it); instructors and TAs with the right. */
import { apiRoute } from "../../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ id: string; assignmentId: string }>(({ be, user, params, body }) => be.setExtension(user, params.id, params.assignmentId, body));
