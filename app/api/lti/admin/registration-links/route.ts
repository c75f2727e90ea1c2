/** POST /api/lti/admin/registration-links → {url, expiresAt}: a one-time LTI Dynamic Registration link. Admins only. */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute(({ be, user, req }) => be.lti.admin.newRegistrationLink(user, be.lti.admin.baseUrl(req)), { status: 201 });
