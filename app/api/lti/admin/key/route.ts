/** POST /api/lti/admin/key {graceDays?} → a new GradLab signing key; the old one stays published for the grace period. Admins only. */
import { apiRoute } from "../../../../_lib/server-loader.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute(({ be, user, body }) => be.lti.admin.rotateKey(user, body));
