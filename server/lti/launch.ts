/**
 * Step 2 of an LTI 1.3 launch: the platform form_posts `id_token` and `state` back. Each check
 * refuses with an LtiError that says what is wrong:
 *   - the state matches the browser's cookie (the login started in this browser) and a login in flight;
 *   - the id_token is signed by a key in the platform's JWKS (fetched over HTTP by jose, cached);
 *   - iss = the platform's issuer; aud has our client id (several audiences: azp must be ours);
 *   - exp not past, iat present; the nonce is the one this login sent, used once only;
 *   - the deployment id is registered; version 1.3.0; message type LtiResourceLinkRequest (with a
 *     resource link) or LtiDeepLinkingRequest (with deep_linking_settings: server/lti/deep-link.ts).
 */
import { and, eq, isNull } from "drizzle-orm";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { Db } from "../../db/client.ts";
import { ltiLaunchStates } from "../../db/schema.ts";
import { safeNextPath } from "../http-guards.ts";
import { LtiError } from "./errors.ts";
import { platformById, type Platform } from "./platforms.ts";

export const CLAIM = "https://purl.imsglobal.org/spec/lti/claim/";
/** Clock skew allowed between the platform and GradLab. */
const CLOCK_TOLERANCE_S = 30;

export interface VerifiedLaunch {
  platform: Platform;
  subject: string;
  name: string | null;
  email: string | null;
  roles: unknown;
  deploymentId: string;
  messageType: LaunchMessageType;
  /** The resource link launched; null for a deep-linking request (it has none). */
  resourceLinkId: string | null;
  /** Where to send the learner: a path on GradLab. */
  next: string;
  claims: JWTPayload;
}

export const MESSAGE_TYPES = ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"] as const;
export type LaunchMessageType = (typeof MESSAGE_TYPES)[number];

const jwksByUrl = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function platformKeys(url: string) {
  let set = jwksByUrl.get(url);
  if (!set) jwksByUrl.set(url, (set = createRemoteJWKSet(new URL(url), { timeoutDuration: 10_000 })));
  return set;
}

async function verifyToken(idToken: string, platform: Platform): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(idToken, platformKeys(platform.jwksUrl), {
      issuer: platform.issuer,
      audience: platform.clientId,
      algorithms: ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"],
      requiredClaims: ["exp", "iat", "nonce", "sub"],
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    return payload;
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new LtiError(401, "token_expired", `The launch token from ${platform.issuer} has expired (exp is past): launch again from the LMS. If this repeats, the LMS's or GradLab's clock is wrong.`);
    if (e instanceof joseErrors.JWSSignatureVerificationFailed || e instanceof joseErrors.JWKSNoMatchingKey)
      throw new LtiError(401, "bad_signature", `The launch token's signature does not match any key at ${platform.jwksUrl}: the token was not signed by ${platform.issuer}, or the registered JWKS URL is wrong.`);
    if (e instanceof joseErrors.JWTClaimValidationFailed) {
      if (e.claim === "aud") throw new LtiError(401, "wrong_audience", `The launch token is for another tool: its aud does not include GradLab's client id ${platform.clientId} at ${platform.issuer}.`);
      if (e.claim === "iss") throw new LtiError(401, "wrong_issuer", `The launch token was issued by someone other than ${platform.issuer}, the platform this login started with.`);
      if (e.claim === "iat") throw new LtiError(401, "bad_iat", "The launch token's iat (issued at) is missing or in the future: check the LMS's clock.");
      throw new LtiError(401, "bad_claim", `The launch token's ${e.claim} claim is missing or invalid (${e.reason}).`, { claim: e.claim });
    }
    if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JOSEError && e.code === "ERR_JWKS_INVALID")
      throw new LtiError(502, "jwks_unreachable", `GradLab could not read the platform's keys at ${platform.jwksUrl}: check the registered JWKS URL.`);
    if (e instanceof joseErrors.JOSEError) throw new LtiError(401, "bad_token", `The launch token is not a valid signed JWT (${e.code}).`);
    if (e instanceof TypeError) throw new LtiError(502, "jwks_unreachable", `GradLab could not read the platform's keys at ${platform.jwksUrl}: check the registered JWKS URL.`);
    throw e;
  }
}

const str = (v: unknown) => (typeof v === "string" && v ? v : null);

export async function verifyLaunch(db: Db, form: { id_token?: string | null; state?: string | null }, stateCookie: string | null, baseUrl: string, now = Date.now()): Promise<VerifiedLaunch> {
  if (!form.id_token) throw new LtiError(400, "missing_id_token", "The launch has no id_token: the platform must form_post id_token and state to /api/lti/launch.");
  if (!form.state) throw new LtiError(400, "missing_state", "The launch has no state: the platform must return the state GradLab sent at login.");
  if (!stateCookie)
    throw new LtiError(401, "state_cookie_missing", "This browser did not keep GradLab's login cookie, so the launch cannot be tied to it: allow cookies for GradLab (third-party cookies when GradLab opens inside the LMS page), or have the LMS open GradLab in a new window.");
  if (stateCookie !== form.state) throw new LtiError(401, "state_mismatch", "The launch's state does not match the login this browser started: launch again from the LMS.");
  const row = db.select().from(ltiLaunchStates).where(eq(ltiLaunchStates.state, form.state)).get();
  if (!row) throw new LtiError(401, "state_unknown", "GradLab has no login in flight with this state (it expired or never started here): launch again from the LMS.");
  if (row.expiresAt.getTime() < now) throw new LtiError(401, "state_expired", "The login took too long (more than 10 minutes): launch again from the LMS.");
  const platform = platformById(db, row.platformId);
  if (!platform) throw new LtiError(400, "unknown_platform", "The platform this login started with is no longer registered.");

  const claims = await verifyToken(form.id_token, platform);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if ((aud.length > 1 || claims.azp !== undefined) && claims.azp !== platform.clientId)
    throw new LtiError(401, "wrong_azp", `The launch token names several audiences, so its azp must be GradLab's client id ${platform.clientId}; it is ${String(claims.azp ?? "missing")}.`);
  if (claims.nonce !== row.nonce) throw new LtiError(401, "nonce_mismatch", "The launch token's nonce is not the one GradLab sent with this login: the token belongs to another launch. Launch again from the LMS.");
  // Single use: the first launch with this state and nonce wins; any replay finds it used.
  const used = db.update(ltiLaunchStates).set({ usedAt: new Date(now) }).where(and(eq(ltiLaunchStates.state, row.state), isNull(ltiLaunchStates.usedAt))).run();
  if (used.changes !== 1) throw new LtiError(401, "nonce_replayed", "This launch token was already used (its nonce is single-use): launch again from the LMS.");

  const deploymentId = str(claims[`${CLAIM}deployment_id`]);
  if (!deploymentId || !platform.deploymentIds.includes(deploymentId))
    throw new LtiError(401, "unknown_deployment", `Deployment ${deploymentId ?? "(none)"} of ${platform.issuer} is not registered in GradLab: an admin must add it to the platform's deployment ids.`, { deployment: deploymentId ?? "" });
  const type = claims[`${CLAIM}message_type`];
  if (!MESSAGE_TYPES.includes(type as LaunchMessageType))
    throw new LtiError(400, "wrong_message_type", `GradLab accepts resource link launches (LtiResourceLinkRequest) and deep linking (LtiDeepLinkingRequest) here, not ${String(type)}.`, { type: String(type) });
  const messageType = type as LaunchMessageType;
  if (claims[`${CLAIM}version`] !== "1.3.0") throw new LtiError(400, "wrong_version", `The launch is LTI version ${String(claims[`${CLAIM}version`])}; GradLab speaks 1.3.0.`);
  const link = claims[`${CLAIM}resource_link`] as { id?: unknown } | undefined;
  const resourceLinkId = str(link?.id);
  if (!resourceLinkId && messageType === "LtiResourceLinkRequest") throw new LtiError(400, "missing_resource_link", "The launch has no resource link id: the platform must send the resource_link claim.");

  return {
    platform,
    subject: String(claims.sub),
    name: str(claims.name) ?? ([str(claims.given_name), str(claims.family_name)].filter(Boolean).join(" ") || null),
    email: str(claims.email),
    roles: claims[`${CLAIM}roles`],
    deploymentId,
    messageType,
    resourceLinkId,
    next: launchTarget(claims, baseUrl),
    claims,
  };
}

/**
 * The GradLab page a launch opens: the resource link's custom parameter `exercise` (an exercise
 * id), else `course` + `assignment` (a deep-linked assignment), else target_link_uri when it is on
 * GradLab, else the home page. Only ever a path here.
 */
export function launchTarget(claims: JWTPayload, baseUrl: string): string {
  const custom = (claims[`${CLAIM}custom`] ?? {}) as Record<string, unknown>;
  const exercise = str(custom.exercise);
  if (exercise) return safeNextPath(`/exercises/${encodeURIComponent(exercise)}`);
  const [course, assignment] = [str(custom.course), str(custom.assignment)];
  if (course && assignment) return safeNextPath(`/courses/${encodeURIComponent(course)}/assignments/${encodeURIComponent(assignment)}`);
  const target = str(claims[`${CLAIM}target_link_uri`]);
  if (target) {
    try {
      const u = new URL(target);
      // The launch URL itself is a common target_link_uri: that means "GradLab's home".
      if (u.origin === new URL(baseUrl).origin && !u.pathname.startsWith("/api/")) return safeNextPath(u.pathname + u.search);
    } catch {
      /* not a URL: home */
    }
  }
  return "/";
}
