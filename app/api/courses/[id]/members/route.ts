/** PUT /api/courses/:id/members {email, role: learner|ta|instructor} — add a member or change their role (instructors). */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ id: string }>(({ be, user, params, body }) => be.setMemberRole(user, params.id, body));
