/** GET /api/courses/:id/feedback → {overrides, comments}: what the course's staff told the signed-in learner. */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(({ be, user, params }) => be.withholdOverrides(be.myFeedback(user, params.id), user.id));
