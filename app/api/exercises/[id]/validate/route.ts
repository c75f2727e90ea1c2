/** POST /api/exercises/:id/validate → `gradlab validate` for this exercise (staff; grades in this process). */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(({ be, user, params }) => be.validateExercise(user, params.id));
