/** GET /api/courses → the caller's courses; POST {title, timeZone} → 201 the new course (instructors, admins). */
import { apiRoute } from "../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ be, user }) => ({ courses: be.myCourses(user) }));
export const POST = apiRoute(({ be, user, body }) => be.createCourse(user, body), { status: 201 });
