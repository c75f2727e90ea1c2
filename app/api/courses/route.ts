/** GET /api/courses → the caller's courses; POST {title, timeZone} → 201 the new course (instructors, admins). */
import { courseApi } from "../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = (req: Request) => courseApi(req, (be, user) => ({ courses: be.myCourses(user) }));
export const POST = (req: Request) => courseApi(req, (be, user, body) => be.createCourse(user, body), 201);
