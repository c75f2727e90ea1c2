/**
 * The dynamic registration pages (GET and POST /api/lti/register[/<one-time link>]): the LMS shows
 * them in its own dialog (an iframe), so each page allows exactly that platform as its frame
 * ancestor and carries its own CSP; the close page's one script posts `org.imsglobal.lti.close`.
 */
import { randomBytes } from "node:crypto";
import { db, sessionUser } from "../context.ts";
import { csrfMessage, csrfVerdictOf } from "../http-guards.ts";
import { userLocale } from "../user-locale.ts";
import { loadMessages, resolveLocale, type Messages } from "../../lib/i18n/locales.ts";
import { consumeLink, linkRegistered, linkUsable, readPlatformConfiguration, registerWithPlatform, releaseLink, toolUrls, TOOL_SCOPES, PLATFORM_CONFIGURATION } from "./dynamic-registration.ts";
import { errorPage } from "./error-page.ts";
import { LtiError } from "./errors.ts";
import { toolBaseUrl } from "./login.ts";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fill = (t: string, p: Record<string, string>) => t.replace(/\{(\w+)\}/g, (_, k: string) => p[k] ?? `{${k}}`);

/** The LMS's origin (from the openid_configuration URL), allowed to frame these pages. */
function frameAncestor(openidConfiguration: string | null): string {
  try {
    return openidConfiguration ? new URL(openidConfiguration).origin : "'none'";
  } catch {
    return "'none'";
  }
}

function page(body: string, status: number, locale: string, ancestor: string, nonce?: string): Response {
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors ${ancestor}${nonce ? `; script-src 'nonce-${nonce}'` : ""}`;
  // The LMS may open the dialog as a pop-up: the close message needs window.opener.
  return new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Language": locale, "Content-Security-Policy": csp, "Cross-Origin-Opener-Policy": "unsafe-none" } });
}

function shell(locale: string, title: string, inner: string): string {
  return `<!doctype html><html lang="${escape(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · GradLab</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5"><h1>${escape(title)}</h1>${inner}</body></html>`;
}

interface Who {
  locale: string;
  t: (k: string, p?: Record<string, string>) => string;
}

async function who(req: Request): Promise<Who & { admin: boolean }> {
  const user = await sessionUser(req.headers);
  const locale = resolveLocale({ saved: user ? userLocale(user.id) : null, acceptLanguage: req.headers.get("accept-language") });
  const texts = ((loadMessages(locale).ltiAdmin ?? {}) as Messages).register as Messages | undefined;
  const t = (k: string, p: Record<string, string> = {}) => fill(typeof texts?.[k] === "string" ? (texts[k] as string) : k, p);
  return { locale, t, admin: user?.role === "admin" };
}

function refused(e: unknown, req: Request, ancestor: string): Response {
  if (!(e instanceof LtiError)) throw e;
  const p = errorPage(e, req.headers.get("accept-language"));
  return page(p.html, e.status, p.locale, ancestor);
}

const denied = () => new LtiError(403, "registration_denied", "Only a GradLab admin, or a one-time registration link an admin made (Admin → LTI), may register a platform. Sign in to GradLab as an admin in this browser, or use such a link as the LMS's registration URL.");

/** GET: what GradLab will register with the platform, and the button that does it. */
export async function registrationPage(req: Request, link: string | null): Promise<Response> {
  const q = new URL(req.url).searchParams;
  const openid = q.get("openid_configuration");
  const ancestor = frameAncestor(openid);
  try {
    const w = await who(req);
    if (link ? !linkUsable(db, link) : !w.admin) throw link ? new LtiError(403, "registration_link_used", "This registration link was already used or has expired: an admin can make a new one under Admin → LTI.") : denied();
    const cfg = await readPlatformConfiguration(openid);
    const urls = toolUrls(toolBaseUrl(req));
    const product = cfg[PLATFORM_CONFIGURATION]?.product_family_code ?? "";
    const hidden = (n: string, v: string | null) => (v ? `<input type="hidden" name="${n}" value="${escape(v)}">` : "");
    const row = (k: string, v: string) => `<tr><th style="text-align:left;padding-right:1rem">${escape(k)}</th><td><code>${escape(v)}</code></td></tr>`;
    const inner = `<p>${escape(w.t("intro", { issuer: cfg.issuer, product }))}</p>
<table data-testid="registration-values">${row(w.t("loginUrl"), urls.login)}${row(w.t("launchUrl"), urls.launch)}${row(w.t("jwksUrl"), urls.jwks)}${row(w.t("services"), TOOL_SCOPES.map((s) => s.split("/scope/")[1]).join(", "))}</table>
<form method="post">${hidden("openid_configuration", openid)}${hidden("registration_token", q.get("registration_token"))}<p><button type="submit" data-testid="register">${escape(w.t("confirm"))}</button></p></form>`;
    return page(shell(w.locale, w.t("title"), inner), 200, w.locale, ancestor);
  } catch (e) {
    return refused(e, req, ancestor);
  }
}

/** POST: register with the platform, store it, and tell the LMS to close the dialog. */
export async function completeRegistration(req: Request, link: string | null): Promise<Response> {
  const form = new URLSearchParams(await req.text());
  const openid = form.get("openid_configuration");
  const ancestor = frameAncestor(openid);
  let consumed = false;
  try {
    const csrf = csrfVerdictOf(req);
    if (!csrf.ok) throw new LtiError(403, "cross_site", csrfMessage(csrf.reason));
    const w = await who(req);
    if (link) {
      consumeLink(db, link);
      consumed = true;
    } else if (!w.admin) throw denied();
    const cfg = await readPlatformConfiguration(openid);
    const platform = await registerWithPlatform(db, cfg, form.get("registration_token"), toolBaseUrl(req));
    if (link) linkRegistered(db, link, platform.id);
    const nonce = randomBytes(16).toString("base64");
    const deployment = platform.deploymentIds.at(-1);
    const inner = `<p data-testid="registered">${escape(w.t("done", { issuer: platform.issuer, clientId: platform.clientId }))}</p>
<p>${escape(deployment ? w.t("deployment", { deployment }) : w.t("noDeployment"))}</p><p>${escape(w.t("close"))}</p>
<script nonce="${nonce}">(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");</script>`;
    return page(shell(w.locale, w.t("doneTitle"), inner), 200, w.locale, ancestor, nonce);
  } catch (e) {
    if (consumed && link) releaseLink(db, link);
    return refused(e, req, ancestor);
  }
}

/** What server/lti/index.ts publishes as `lti.registration`. */
export const registrationApi = { page: registrationPage, complete: completeRegistration };
