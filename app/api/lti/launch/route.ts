/** POST /api/lti/launch: the platform's form_post of id_token and state (server/lti/launch.ts). Cross-site by design. */
import { loadServer } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = async (req: Request) => (await loadServer()).lti.launch(req);
