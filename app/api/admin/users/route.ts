/** GET /api/admin/users?q=<part of an email>&offset=<n> → {users, total, offset, pageSize} (admins). */
import { apiRoute } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ be, user, req, url }) => be.admin.users(user, req.headers, url.searchParams.get("q") ?? undefined, Number(url.searchParams.get("offset") ?? 0)));
