/**
 * PUT /api/courses/:id/members {email, role: learner|ta|instructor} — add a member or change their role;
 * PATCH {email, canExtend} — a TA's right to grant extensions; DELETE {email} — remove a member (instructors).
 */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ id: string }>(({ be, user, params, body }) => be.setMemberRole(user, params.id, body));
export const PATCH = apiRoute<{ id: string }>(({ be, user, params, body }) => be.setTaRights(user, params.id, body));
export const DELETE = apiRoute<{ id: string }>(({ be, user, params, body }) => be.removeMember(user, params.id, body));
