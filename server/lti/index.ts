/**
 * LTI 1.3 (issue 16): GradLab as a tool inside an LMS. What the routes under app/api/lti and the
 * admin API call; docs/lti.md has the setup.
 */
import { auth, db, type SessionUser } from "../context.ts";
import { readCookie, clearStateCookie, STATE_COOKIE } from "./cookies.ts";
import { LtiError } from "./errors.ts";
import { errorPage } from "./error-page.ts";
import { linkAccount, sessionCookieFor } from "./accounts.ts";
import { verifyLaunch } from "./launch.ts";
import { checkDeepLinkRequest, startDeepLink } from "./deep-link.ts";
import { deepLinkApi } from "./deep-link-http.ts";
import { registrationApi } from "./dynamic-registration-http.ts";
import { adminApi } from "./admin.ts";
import { startLogin, toolBaseUrl, type LoginRequest } from "./login.ts";
import { listPlatforms, registerPlatform } from "./platforms.ts";
import { publicJwks } from "./keys.ts";
import { joinContext, passbackStatus, resendPassbacks, syncCourseRoster } from "./passback.ts";

export { LtiError } from "./errors.ts";

function adminOnly(user: SessionUser): void {
  if (user.role !== "admin") throw new LtiError(403, "admin_only", "Only admins may register LMS platforms.");
}

/** A refused request as its HTML error page (or re-thrown when it is not an LtiError). */
function refusal(e: unknown, req: Request, extraHeaders: [string, string][] = []): Response {
  if (!(e instanceof LtiError)) throw e;
  const page = errorPage(e, req.headers.get("accept-language"));
  const headers = new Headers([["Content-Type", "text/html; charset=utf-8"], ["Cache-Control", "no-store"], ["Content-Language", page.locale], ...extraHeaders]);
  return new Response(page.html, { status: e.status, headers });
}

/** The parameters of a GET (query) or POST (form) request. */
async function params(req: Request): Promise<Record<string, string>> {
  const out: Record<string, string> = Object.fromEntries(new URL(req.url).searchParams);
  if (req.method === "POST") {
    const form = new URLSearchParams(await req.text());
    for (const [k, v] of form) out[k] = v;
  }
  return out;
}

export const lti = {
  /** GET or POST /api/lti/login: redirect to the platform's auth endpoint, state cookie set. */
  async login(req: Request): Promise<Response> {
    try {
      const { redirect, setCookie } = startLogin(db, (await params(req)) as LoginRequest, toolBaseUrl(req));
      return new Response(null, { status: 302, headers: { Location: redirect, "Set-Cookie": setCookie, "Cache-Control": "no-store" } });
    } catch (e) {
      return refusal(e, req);
    }
  },

  /** POST /api/lti/launch: verify, sign in (account made on first launch), redirect to the exercise. */
  async launch(req: Request): Promise<Response> {
    const base = toolBaseUrl(req);
    const clear: [string, string] = ["Set-Cookie", clearStateCookie(base)];
    try {
      if (req.method !== "POST") throw new LtiError(405, "launch_not_post", "The launch must be a form_post (POST) of id_token and state.");
      const form = await params(req);
      const launch = await verifyLaunch(db, form, readCookie(req.headers.get("cookie"), STATE_COOKIE), base);
      const deepLink = launch.messageType === "LtiDeepLinkingRequest";
      if (deepLink) checkDeepLinkRequest(launch);
      const user = await linkAccount(auth, db, launch);
      await joinContext(db, auth, launch, user.userId);
      const next = deepLink ? await startDeepLink(db, launch, user.userId, base) : launch.next;
      const headers = new Headers({ Location: next, "Cache-Control": "no-store" });
      headers.append("Set-Cookie", await sessionCookieFor(auth, user.userId));
      headers.append(...clear);
      return new Response(null, { status: 303, headers });
    } catch (e) {
      return refusal(e, req, [clear]);
    }
  },

  jwks: () => publicJwks(db),

  platforms: {
    list: (user: SessionUser) => (adminOnly(user), listPlatforms(db)),
    register: (user: SessionUser, body: unknown) => (adminOnly(user), registerPlatform(db, body)),
  },

  /** Deep linking: the picker page's data and its form's answer (server/lti/deep-link-http.ts). */
  deepLink: deepLinkApi,
  /** LTI Dynamic Registration pages (server/lti/dynamic-registration-http.ts). */
  registration: registrationApi,
  /** Admin → LTI: platforms, GradLab's values and key, registration links (server/lti/admin.ts). */
  admin: adminApi,

  /** A course's LMS grade passback and roster (server/lti/passback.ts). */
  course: {
    status: (user: SessionUser, courseId: string) => passbackStatus(db, user, courseId),
    resend: (user: SessionUser, courseId: string, body: unknown) => resendPassbacks(db, user, courseId, body),
    syncRoster: (user: SessionUser, courseId: string) => syncCourseRoster(db, auth, user, courseId),
  },
};
