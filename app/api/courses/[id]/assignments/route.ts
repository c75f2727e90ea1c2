/** POST /api/courses/:id/assignments {title, exerciseIds, releaseAt?, dueAt?, latePolicy, maxSubmissions?, cooldownSeconds?} (instructors; dates local to the course). */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(({ be, user, params, body }) => be.createAssignment(user, params.id, body), { status: 201 });
