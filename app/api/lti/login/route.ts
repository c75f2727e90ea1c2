/** GET or POST /api/lti/login: LTI 1.3 third-party-initiated login (server/lti/login.ts). Cross-site by design. */
import { loadServer } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = async (req: Request) => (await loadServer()).lti.login(req);
export const POST = GET;
