/**
 * GET /api/lti/admin/platforms → the Admin → LTI overview (platforms, GradLab's URLs, keys, links).
 * POST {issuer, clientId, authEndpoint, tokenEndpoint, jwksUrl, deploymentIds} → the new platform (201);
 * 400 {error, fields} names each wrong field. Admins only (server/lti/admin.ts).
 */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ be, user, req }) => be.lti.admin.overview(user, be.lti.admin.baseUrl(req)));
export const POST = apiRoute(({ be, user, body }) => be.lti.admin.add(user, body));
