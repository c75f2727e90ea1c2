/** POST /api/join/:token → {courseId}: join the invite link's course as a learner. */
import { apiRoute } from "../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ token: string }>(({ be, user, params }) => be.joinByInvite(user, params.token));
