/** POST /api/admin/users/:userId/reset-link {} → {url, expiresAt, email}: a one-time password-reset link to hand over (admins). */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ userId: string }>(({ be, user, req, params, url }) => be.admin.resetLink(user, req.headers, params.userId, process.env.GRADLAB_BASE_URL ?? url.origin));
