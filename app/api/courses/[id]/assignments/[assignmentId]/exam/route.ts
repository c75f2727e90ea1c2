/**
 * GET /api/courses/:id/assignments/:assignmentId/exam → {feedbackAt, feedbackLocal, timeLimitMinutes} (staff);
 * PUT {feedbackAt: "2026-12-01T18:00" | "", timeLimitMinutes: 90 | ""} (instructors): exam mode.
 */
import { apiRoute } from "../../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; assignmentId: string }>(({ be, user, params }) => be.readExamSettings(user, params.id, params.assignmentId));
export const PUT = apiRoute<{ id: string; assignmentId: string }>(({ be, user, params, body }) => be.setExamSettings(user, params.id, params.assignmentId, body));
