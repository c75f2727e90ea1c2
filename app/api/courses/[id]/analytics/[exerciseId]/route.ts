/** GET /api/courses/:id/analytics/:exerciseId → pass rate, score distribution, failing checks, hints (TAs and instructors). */
import { apiRoute } from "../../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; exerciseId: string }>(({ be, user, params }) => be.exerciseAnalytics(user, params.id, params.exerciseId));
