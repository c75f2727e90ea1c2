/** POST /api/courses/:id/lti/roster → 200 {members, enrolled, accountsCreated, inactive}: sync the roster from the LMS (NRPS) now (instructors). */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(({ be, user, params }) => be.lti.course.syncRoster(user, params.id));
