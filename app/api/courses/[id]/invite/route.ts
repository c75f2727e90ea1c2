/** POST /api/courses/:id/invite {rotate?} → {token, path}: the invite link learners join by (instructors). */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(({ be, user, params, body }) => {
  const token = be.inviteToken(user, params.id, (body as { rotate?: unknown } | null)?.rotate === true);
  return { token, path: `/join/${token}` };
});
