/** POST /api/courses/:id/regrades {exerciseId, email?, allowLower?} → 202 {batchId, total} (instructors). */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(({ be, user, params, body }) => be.startRegrade(user, params.id, body), { status: 202 });
