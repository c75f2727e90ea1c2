/** GET /api/courses/:id/similarity → the course's similarity checks; POST {exerciseId} → 202 {runId, total} (course staff). */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(({ be, user, params }) => be.similarityRunsOf(user, params.id));
export const POST = apiRoute<{ id: string }>(({ be, user, params, body }) => be.startSimilarity(user, params.id, body), { status: 202 });
