/** GET /api/courses/:id → the course as the caller may see it; PATCH {title?, timeZone?} (instructors); DELETE (below). */
import { apiRoute } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(({ be, user, params }) => be.courseDetail(user, params.id));
export const PATCH = apiRoute<{ id: string }>(({ be, user, params, body }) => be.updateCourse(user, params.id, body));
/** DELETE {confirm: "<the course's title>"} → {deleted}: only after a full export (GET …/export); instructors. */
export const DELETE = apiRoute<{ id: string }>(({ be, user, params, body }) => be.deleteCourse(user, params.id, body));
