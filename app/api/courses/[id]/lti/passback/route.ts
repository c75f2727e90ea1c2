/**
 * GET /api/courses/:id/lti/passback → the course's LMS links and per-learner grade passback status (staff).
 * POST {id?} → 200 {resent}: send a passback again (one row, or every failed one) (instructors).
 */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(({ be, user, params }) => be.lti.course.status(user, params.id));
export const POST = apiRoute<{ id: string }>(({ be, user, params, body }) => be.lti.course.resend(user, params.id, body));
