/** GET /api/courses/:id/similarity/:runId/pairs/:index → both submissions' code and their shared fragments (course staff). */
import { apiRoute } from "../../../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; runId: string; index: string }>(({ be, user, params }) => be.similarityPair(user, params.id, params.runId, Number(params.index)));
