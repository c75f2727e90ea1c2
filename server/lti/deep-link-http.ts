/**
 * The deep-linking picker's server side: what the page at /lti/deep-link shows, and
 * POST /api/lti/deep-link (the picker's form) → the page that posts the signed response to the LMS.
 */
import { db, sessionUser, type SessionUser } from "../context.ts";
import { csrfMessage, csrfVerdictOf } from "../http-guards.ts";
import { userLocale } from "../user-locale.ts";
import { loadMessages, resolveLocale, type Messages } from "../../lib/i18n/locales.ts";
import { autoPostPage, checkPickSize, deepLinkResponse, readDeepLinkSession, type DeepLinkSession } from "./deep-link.ts";
import { contextCourseOf, courseOfSession, itemsForPick, pickerOptions, pickOf, type CourseForSession, type PickerOptions } from "./deep-link-items.ts";
import { errorPage } from "./error-page.ts";
import { LtiError } from "./errors.ts";
import { toolBaseUrl } from "./login.ts";

/** Errors the picker shows on itself (the instructor fixes the pick); others get the error page. */
const PICK_ERRORS = new Set(["deep_link_nothing_picked", "deep_link_one_only", "deep_link_mixed_pick", "deep_link_bad_pick"]);

export interface PickerView {
  options: PickerOptions;
  acceptMultiple: boolean;
  contextTitle: string | null;
  platformIssuer: string;
}

/** The picker page's data; throws LtiError for a missing, tampered, expired or someone else's request. */
export async function pickerView(user: SessionUser, token: string | undefined, locale: string): Promise<PickerView> {
  const { session, platform } = await readDeepLinkSession(db, token, user.id);
  return { options: await pickerOptions(user, locale, contextCourseOf(session)), acceptMultiple: session.acceptMultiple, contextTitle: session.context?.title ?? null, platformIssuer: platform.issuer };
}

function html(body: string, status: number, headers: Record<string, string>): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", ...headers } });
}

/** POST /api/lti/deep-link: the picked items as a signed LtiDeepLinkingResponse, auto-posted to the LMS. */
export async function respondToPick(req: Request, courseFor: CourseForSession): Promise<Response> {
  const fail = (e: unknown) => {
    if (!(e instanceof LtiError)) throw e;
    const page = errorPage(e, req.headers.get("accept-language"));
    return html(page.html, e.status, { "Content-Language": page.locale });
  };
  const csrf = csrfVerdictOf(req);
  if (!csrf.ok) return fail(new LtiError(403, "cross_site", csrfMessage(csrf.reason)));
  const user = await sessionUser(req.headers);
  if (!user) return fail(new LtiError(401, "deep_link_signed_out", "You are not signed in to GradLab any more: open GradLab from the LMS's “add activity” again."));
  const form = new URLSearchParams(await req.text());
  const token = form.get("s") ?? "";
  const locale = resolveLocale({ saved: userLocale(user.id), acceptLanguage: req.headers.get("accept-language") });
  let session: DeepLinkSession;
  try {
    const read = await readDeepLinkSession(db, token, user.id);
    session = read.session;
    const pick = pickOf(form);
    checkPickSize(session, pick.exercises.length + (pick.assignment ? 1 : 0));
    const items = await itemsForPick(user, session, pick, locale, courseFor);
    const jwt = await deepLinkResponse(db, session, read.platform, items, toolBaseUrl(req));
    const t = (loadMessages(locale).ltiDeepLink ?? {}) as Messages;
    const page = autoPostPage(session.returnUrl, jwt, { title: String(t.returning ?? "Returning to your course…"), button: String(t.continue ?? "Continue") }, locale);
    return html(page.html, 200, { "Content-Security-Policy": page.csp, "Content-Language": locale });
  } catch (e) {
    if (e instanceof LtiError && PICK_ERRORS.has(e.code)) {
      // Back to the picker, which names what to fix.
      return new Response(null, { status: 303, headers: { Location: `/lti/deep-link?s=${encodeURIComponent(token)}&error=${e.code}`, "Cache-Control": "no-store" } });
    }
    return fail(e);
  }
}

/** What server/lti/index.ts publishes as `lti.deepLink`. */
export const deepLinkApi = {
  picker: pickerView,
  respond: (req: Request) => respondToPick(req, courseOfSession),
};
