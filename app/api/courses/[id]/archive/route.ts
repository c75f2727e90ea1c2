/** POST /api/courses/:id/archive {archived: boolean} → {archived}: archived is read-only (no submissions, no changes); instructors. */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(({ be, user, params, body }) => be.archiveCourse(user, params.id, body));
