/** GET /api/courses/:id/regrades/:batchId → progress {total, done, failed, keptHigher, changed, finished}. */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; batchId: string }>(({ be, user, params }) => be.regradeStatus(user, params.id, params.batchId));
