/** POST /api/admin/users/:userId/role {role: "learner" | "instructor" | "admin"} → the user (admins; not their own role). */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ userId: string }>(({ be, user, req, params, body }) => be.admin.setRole(user, req.headers, params.userId, body));
