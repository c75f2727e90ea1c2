/**
 * GET /api/courses/:id/assignments/:assignmentId → the assignment for editing, its change history and what an edit does (staff);
 * PATCH {title?, exerciseIds?, releaseAt?, dueAt?, latePolicy?, maxSubmissions?, cooldownSeconds?} → {assignment, changes} (instructors; scores recomputed);
 * DELETE {confirm: "<its title>"} → {deleted} (instructors; submissions stay).
 */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";
type P = { id: string; assignmentId: string };

export const GET = apiRoute<P>(({ be, user, params }) => be.assignmentForEditing(user, params.id, params.assignmentId));
export const PATCH = apiRoute<P>(({ be, user, params, body }) => be.updateAssignment(user, params.id, params.assignmentId, body));
export const DELETE = apiRoute<P>(({ be, user, params, body }) => be.deleteAssignment(user, params.id, params.assignmentId, body));
