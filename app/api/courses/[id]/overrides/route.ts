/** POST /api/courses/:id/overrides {email, exerciseId, score (null ends it), comment} → 201: a manual score the learner sees with the comment (instructors). */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(({ be, user, params, body }) => be.setOverride(user, params.id, body), { status: 201 });
