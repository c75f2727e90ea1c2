/** GET /api/submissions/:id → {id, status, result}; 404 for someone else's (server/submission-api.ts; the web server answers it directly). */
import { serverRoute } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = serverRoute((be) => be.submissionApi.read);
