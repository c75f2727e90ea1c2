/** POST /api/submissions {exerciseId, code} → 202 {id}: stored, then queued for grading (server/submission-api.ts; the web server answers it directly). */
import { serverRoute } from "../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = serverRoute((be) => be.submissionApi.post);
