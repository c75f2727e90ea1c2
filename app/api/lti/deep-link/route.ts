/** POST /api/lti/deep-link: the deep-linking picker's form → the page that posts the signed response to the LMS (server/lti/deep-link-http.ts). */
import { loadServer } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = async (req: Request) => (await loadServer()).lti.deepLink.respond(req);
