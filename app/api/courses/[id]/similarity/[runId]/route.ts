/** GET /api/courses/:id/similarity/:runId → {state, done, total, pairs} (course staff). */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; runId: string }>(({ be, user, params }) => be.similarityRun(user, params.id, params.runId));
