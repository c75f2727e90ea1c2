/** GET /api/submissions/:id/wait: the verdict's long poll (server/submission-api.ts; the web server answers it directly). */
import { serverRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = serverRoute((be) => be.submissionApi.wait);
