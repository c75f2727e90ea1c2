/** POST /api/admin/users/:userId/enable {} → the user, able to sign in again (admins). */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ userId: string }>(({ be, user, req, params }) => be.admin.enable(user, req.headers, params.userId));
