/** POST /api/courses/:id/invitation {accept: boolean} → {courseId, joined}: answer the invitation to the signed-in account's email. */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(({ be, user, params, body }) => be.answerInvitation(user, params.id, body));
