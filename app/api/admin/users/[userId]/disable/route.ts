/** POST /api/admin/users/:userId/disable {reason?} → the user: no sign-in, sessions and API tokens revoked (admins). */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ userId: string }>(({ be, user, req, params, body }) => be.admin.disable(user, req.headers, params.userId, body));
