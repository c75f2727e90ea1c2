/** GET /api/lti/jwks: GradLab's public keys as a JWKS (server/lti/keys.ts), for the platform to verify GradLab's messages. */
import { loadServer } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = async () => Response.json(await (await loadServer()).lti.jwks(), { headers: { "Cache-Control": "public, max-age=300" } });
