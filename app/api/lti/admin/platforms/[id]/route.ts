/** PUT /api/lti/admin/platforms/<id> {…the platform's values} → the platform; DELETE removes it. Admins only. */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ id: string }>(({ be, user, body, params }) => be.lti.admin.edit(user, params.id, body));
export const DELETE = apiRoute<{ id: string }>(({ be, user, params }) => be.lti.admin.remove(user, params.id));
