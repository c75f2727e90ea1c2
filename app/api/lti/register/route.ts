/**
 * GET /api/lti/register?openid_configuration=…&registration_token=…: LTI Dynamic Registration for a
 * signed-in admin (the confirmation page); POST registers (server/lti/dynamic-registration-http.ts).
 */
import { loadServer } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = async (req: Request) => (await loadServer()).lti.registration.page(req, null);
export const POST = async (req: Request) => (await loadServer()).lti.registration.complete(req, null);
