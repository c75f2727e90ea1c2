/** GET /api/admin/queue → the grading queue's status for monitoring (admins): see server/queue-status.ts. */
import { apiRoute } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ be, user }) => be.queueStatus(user));
