/**
 * GET /api/admin/lti/platforms → [platform] (admins).
 * POST {issuer, clientId, authEndpoint, tokenEndpoint, jwksUrl, deploymentIds[]} → the registration (201).
 */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ be, user }) => be.lti.platforms.list(user));
export const POST = apiRoute(({ be, user, body }) => be.lti.platforms.register(user, body), { status: 201 });
