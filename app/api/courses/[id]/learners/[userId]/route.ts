/** GET /api/courses/:id/learners/:userId → one learner's whole history in this course (TAs and instructors). */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; userId: string }>(({ be, user, params }) => be.learnerHistory(user, params.id, params.userId));
