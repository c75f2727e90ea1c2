/**
 * LTI Deep Linking 2.0 (issue 16.3): an instructor in the LMS picks GradLab exercises (or a whole
 * assignment) and GradLab answers with an LtiDeepLinkingResponse JWT that the browser posts back
 * to the platform's deep_link_return_url.
 *
 * Between the launch and the pick the request's settings travel in a short-lived token signed with
 * GradLab's own key (audience `gradlab:lti-deep-link`, bound to the signed-in user), so no table
 * holds pickers in flight and a tampered token (another return URL, other data) is refused.
 */
import { randomBytes } from "node:crypto";
import { createLocalJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import type { Db } from "../../db/client.ts";
import { LtiError } from "./errors.ts";
import { activeKey, KEY_ALG, publicJwks } from "./keys.ts";
import { contextFromClaims, type ContextRef } from "./contexts.ts";
import { CLAIM, type VerifiedLaunch } from "./launch.ts";
import { platformById, type Platform } from "./platforms.ts";
import { mapLtiRoles, type LtiRole } from "./roles.ts";

export const DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/";
const SESSION_AUDIENCE = "gradlab:lti-deep-link";
/** How long an instructor may take to pick before the picker must be opened again from the LMS. */
export const SESSION_TTL_S = 60 * 60;
/** Lifetime of the response JWT: the browser posts it at once. */
const RESPONSE_TTL_S = 5 * 60;

/** What GradLab keeps of an LtiDeepLinkingRequest while the instructor picks. */
export interface DeepLinkSession {
  platformId: string;
  deploymentId: string;
  userId: string;
  returnUrl: string;
  /** The request's opaque `data`, echoed in the response as the spec requires. */
  data: string | null;
  acceptMultiple: boolean;
  /** The LMS course the request came from, with its AGS/NRPS endpoints (contexts.ts maps it to a GradLab course). */
  context: ContextRef | null;
}

/** One resource link for the LMS: an exercise, or a whole assignment of a GradLab course. */
export interface ResourceLinkItem {
  title: string;
  text?: string;
  /** Custom parameters the launch reads (server/lti/launch.ts launchTarget): exercise, course, assignment. */
  custom: Record<string, string>;
  scoreMaximum: number;
  /** The id of what is graded (exercise or assignment id): the line item's resourceId. */
  resourceId: string;
}

const str = (v: unknown) => (typeof v === "string" && v ? v : null);

function httpUrl(s: string | null): string | null {
  if (!s) return null;
  try {
    return ["https:", "http:"].includes(new URL(s).protocol) ? s : null;
  } catch {
    return null;
  }
}

/** The deep_linking_settings of a verified LtiDeepLinkingRequest, checked; refuses what GradLab cannot answer. */
export function deepLinkSettings(launch: VerifiedLaunch): Omit<DeepLinkSession, "userId" | "platformId" | "deploymentId" | "context"> {
  const s = launch.claims[`${DL_CLAIM}deep_linking_settings`] as Record<string, unknown> | undefined;
  if (!s || typeof s !== "object") throw new LtiError(400, "deep_link_no_settings", "The deep linking request has no deep_linking_settings claim: the platform must send it (LTI Deep Linking 2.0).");
  const returnUrl = httpUrl(str(s.deep_link_return_url));
  if (!returnUrl) throw new LtiError(400, "deep_link_no_return_url", "The deep linking request's deep_link_return_url is missing or not an http(s) URL.");
  const accept = Array.isArray(s.accept_types) ? s.accept_types : [];
  if (!accept.includes("ltiResourceLink"))
    throw new LtiError(400, "deep_link_no_resource_links", `The platform accepts ${accept.join(", ") || "no content types"} here, but GradLab returns LTI resource links (ltiResourceLink): add GradLab where the LMS accepts external tool links.`);
  return { returnUrl, data: typeof s.data === "string" ? s.data : null, acceptMultiple: s.accept_multiple !== false };
}

/** Only an instructor (an LMS Instructor, or a TA who also carries Instructor) may add GradLab activities. */
export function requireDeepLinker(roles: LtiRole[]): void {
  if (!roles.includes("instructor"))
    throw new LtiError(403, "deep_link_not_instructor", "Only an instructor of the LMS course may add GradLab activities (deep linking); this launch carries no Instructor role.");
}

/** Refuses a deep-linking request GradLab will not answer (before anyone is signed in). */
export function checkDeepLinkRequest(launch: VerifiedLaunch): void {
  requireDeepLinker(mapLtiRoles(launch.roles));
  deepLinkSettings(launch);
}

/** The picker's path, carrying the deep-linking request in a signed token (`/lti/deep-link?s=...`). */
export async function startDeepLink(db: Db, launch: VerifiedLaunch, userId: string, baseUrl: string): Promise<string> {
  requireDeepLinker(mapLtiRoles(launch.roles));
  const settings = deepLinkSettings(launch);
  const session: DeepLinkSession = {
    ...settings,
    platformId: launch.platform.id,
    deploymentId: launch.deploymentId,
    userId,
    context: contextFromClaims(launch.platform.id, launch.deploymentId, launch.claims),
  };
  const key = await activeKey(db);
  const token = await new SignJWT({ dl: session })
    .setProtectedHeader({ alg: KEY_ALG, kid: key.kid, typ: "JWT" })
    .setIssuer(baseUrl)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_TTL_S}s`)
    .sign(key.privateKey);
  return `/lti/deep-link?s=${encodeURIComponent(token)}`;
}

/** The picker's token, verified against GradLab's own JWKS and bound to the signed-in user. */
export async function readDeepLinkSession(db: Db, token: string | null | undefined, userId: string): Promise<{ session: DeepLinkSession; platform: Platform }> {
  if (!token) throw new LtiError(400, "deep_link_session_missing", "This page needs the deep linking request from your LMS: open GradLab from the LMS's “add activity” (deep linking) again.");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(await publicJwks(db)), { audience: SESSION_AUDIENCE, algorithms: [KEY_ALG] }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new LtiError(401, "deep_link_session_expired", "This deep linking request is more than an hour old: open GradLab from the LMS's “add activity” again.");
    throw new LtiError(401, "deep_link_session_invalid", "This deep linking request was not issued by GradLab or was changed on the way: open GradLab from the LMS's “add activity” again.");
  }
  const session = payload.dl as DeepLinkSession;
  if (session.userId !== userId) throw new LtiError(403, "deep_link_other_user", "This deep linking request belongs to another GradLab account: open GradLab from the LMS's “add activity” again, signed in as yourself.");
  const platform = platformById(db, session.platformId);
  if (!platform) throw new LtiError(400, "unknown_platform", "The platform this deep linking request came from is no longer registered in GradLab.", { issuer: "" });
  return { session, platform };
}

/** At least one item, and only one where the LMS accepts one (accept_multiple false). */
export function checkPickSize(session: DeepLinkSession, count: number): void {
  if (count === 0) throw new LtiError(400, "deep_link_nothing_picked", "Nothing was picked: choose at least one exercise or an assignment.");
  if (count > 1 && !session.acceptMultiple) throw new LtiError(400, "deep_link_one_only", "Here the LMS accepts one activity at a time: pick a single exercise or assignment.");
}

/** A content item of type ltiResourceLink (Deep Linking 2.0 §3.4.1) with a line item, so AGS has a column. */
export function contentItem(item: ResourceLinkItem, launchUrl: string) {
  return {
    type: "ltiResourceLink",
    title: item.title,
    ...(item.text ? { text: item.text } : {}),
    url: launchUrl,
    custom: item.custom,
    lineItem: { scoreMaximum: item.scoreMaximum, label: item.title, resourceId: item.resourceId, tag: "gradlab" },
  };
}

/**
 * The LtiDeepLinkingResponse JWT, signed with GradLab's active key: iss = GradLab's client id at
 * the platform, aud = the platform's issuer, the request's data echoed, one ltiResourceLink per item.
 */
export async function deepLinkResponse(db: Db, session: DeepLinkSession, platform: Platform, items: ResourceLinkItem[], baseUrl: string): Promise<string> {
  checkPickSize(session, items.length);
  const key = await activeKey(db);
  const launchUrl = `${baseUrl}/api/lti/launch`;
  const claims: JWTPayload = {
    nonce: randomBytes(16).toString("base64url"),
    [`${CLAIM}deployment_id`]: session.deploymentId,
    [`${CLAIM}message_type`]: "LtiDeepLinkingResponse",
    [`${CLAIM}version`]: "1.3.0",
    [`${DL_CLAIM}content_items`]: items.map((i) => contentItem(i, launchUrl)),
    [`${DL_CLAIM}msg`]: `GradLab: ${items.length} activit${items.length === 1 ? "y" : "ies"} added.`,
    ...(session.data !== null ? { [`${DL_CLAIM}data`]: session.data } : {}),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: KEY_ALG, kid: key.kid, typ: "JWT" })
    .setIssuer(platform.clientId)
    .setAudience(platform.issuer)
    .setIssuedAt()
    .setExpirationTime(`${RESPONSE_TTL_S}s`)
    .sign(key.privateKey);
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page that posts the response JWT to the platform (field `JWT`), with a CSP of its own: the
 * site-wide one allows forms to post only to GradLab. A button for browsers without script.
 */
export function autoPostPage(returnUrl: string, jwt: string, text: { title: string; button: string }, locale: string): { html: string; csp: string } {
  const nonce = randomBytes(16).toString("base64");
  const html = `<!doctype html><html lang="${escape(locale)}"><head><meta charset="utf-8"><title>${escape(text.title)} · GradLab</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<form method="post" action="${escape(returnUrl)}" data-testid="deep-link-return"><input type="hidden" name="JWT" value="${escape(jwt)}"><p>${escape(text.title)}</p><button type="submit">${escape(text.button)}</button></form>
<script nonce="${nonce}">document.forms[0].submit()</script>
</body></html>`;
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; form-action ${new URL(returnUrl).origin}; base-uri 'none'; frame-ancestors 'self' ${new URL(returnUrl).origin}`;
  return { html, csp };
}
