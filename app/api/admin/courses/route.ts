/** GET /api/admin/courses → every course with its instructors, TAs and number of learners (admins). */
import { apiRoute } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ be, user }) => be.admin.courses(user));
