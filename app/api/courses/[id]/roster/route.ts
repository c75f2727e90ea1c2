/** POST /api/courses/:id/roster {csv} → 200 {ok: true, enrolled, created: [{email, password}]} or 422 {ok: false, errors} (nothing imported). */
import { apiRoute, requestLocaleOf } from "../../../../_lib/server-loader.ts";
import { renderText, text } from "../../../../../lib/i18n/server-text.ts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(async ({ be, user, params, body, req }) => {
  const out = await be.importRoster(user, params.id, body);
  if (out.ok) return out;
  const said = text("errors.course.rosterNothing", { n: out.errors.length });
  return Response.json({ ...out, error: renderText(said, requestLocaleOf(req, be.userLocale(user.id))), code: said.code }, { status: 422 });
});
