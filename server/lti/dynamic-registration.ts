/**
 * LTI Dynamic Registration 1.0 (issue 16.2): the LMS opens GradLab's registration URL with
 * `openid_configuration` (where its OpenID configuration is) and usually a `registration_token`.
 * GradLab reads that configuration, checks it, shows what it will register, and on the admin's
 * confirmation POSTs its tool configuration to the platform's registration endpoint, stores the
 * platform (issuer, client id, endpoints, deployment) and answers with the page that tells the LMS
 * to close the dialog (postMessage `org.imsglobal.lti.close`).
 *
 * Who may register: a signed-in GradLab admin, or anyone holding a one-time registration link an
 * admin made (the LMS opens the URL inside its own page, where GradLab's session cookie is often
 * not sent). A link's token is stored only as its hash and is used up by the first registration.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { ltiPlatforms, ltiRegistrationLinks } from "../../db/schema.ts";
import { LtiError } from "./errors.ts";
import { findPlatform, registerPlatform, type Platform } from "./platforms.ts";

export const TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration";
export const PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration";
/** The services GradLab uses: AGS (line items, scores, results) and NRPS (roster). */
export const TOOL_SCOPES = [
  "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
  "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
  "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
  "https://purl.imsglobal.org/spec/lti-ags/scope/score",
  "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
];
export const LINK_TTL_DAYS = 7;
const FETCH_TIMEOUT_MS = 10_000;

/** GradLab's own LTI URLs: what an admin pastes into an LMS, and what dynamic registration sends. */
export function toolUrls(baseUrl: string) {
  return {
    login: `${baseUrl}/api/lti/login`,
    launch: `${baseUrl}/api/lti/launch`,
    jwks: `${baseUrl}/api/lti/jwks`,
    deepLink: `${baseUrl}/api/lti/launch`,
    registration: `${baseUrl}/api/lti/register`,
  };
}

const url = z.string().refine((s) => {
  try {
    return ["https:", "http:"].includes(new URL(s).protocol);
  } catch {
    return false;
  }
}, "must be an http(s) URL");

/** The parts of a platform's OpenID configuration GradLab needs (Dynamic Registration §3.4). */
const OpenIdConfiguration = z.object({
  issuer: url,
  authorization_endpoint: url,
  token_endpoint: url,
  jwks_uri: url,
  registration_endpoint: url,
  scopes_supported: z.array(z.string()).optional(),
  [PLATFORM_CONFIGURATION]: z
    .object({ product_family_code: z.string().optional(), version: z.string().optional(), messages_supported: z.array(z.object({ type: z.string() }).passthrough()).optional() })
    .passthrough()
    .optional(),
});
export type OpenIdConfiguration = z.infer<typeof OpenIdConfiguration>;

const RegistrationResponse = z.object({
  client_id: z.string().min(1, "client_id is missing"),
  [TOOL_CONFIGURATION]: z.object({ deployment_id: z.string().optional() }).passthrough().optional(),
});

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join(".") || "body"} ${i.message}`).join("; ");

async function fetchJson(target: string, init: RequestInit = {}): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(target, { ...init, redirect: "error", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: reported by the caller */
  }
  return { status: res.status, json, text };
}

/**
 * The platform's OpenID configuration, read from `openidConfigurationUrl` and checked: the fields
 * GradLab needs are there, and the issuer is on the same host as the configuration URL (as the
 * spec requires, so a page cannot register someone else's issuer).
 */
export async function readPlatformConfiguration(openidConfigurationUrl: string | null | undefined): Promise<OpenIdConfiguration> {
  if (!openidConfigurationUrl || !url.safeParse(openidConfigurationUrl).success)
    throw new LtiError(400, "registration_bad_request", "The registration request has no valid openid_configuration URL: open GradLab's registration URL from the LMS's dynamic registration (it adds openid_configuration and registration_token).");
  let got;
  try {
    got = await fetchJson(openidConfigurationUrl, { headers: { Accept: "application/json" } });
  } catch (e) {
    throw new LtiError(502, "registration_config_unreachable", `GradLab could not read the platform's OpenID configuration at ${openidConfigurationUrl} (${(e as Error).message}).`, { url: openidConfigurationUrl });
  }
  if (got.status !== 200) throw new LtiError(502, "registration_config_unreachable", `The platform's OpenID configuration at ${openidConfigurationUrl} answered HTTP ${got.status}.`, { url: openidConfigurationUrl });
  const parsed = OpenIdConfiguration.safeParse(got.json);
  if (!parsed.success) {
    const reason = got.json === null ? "it is not JSON" : issues(parsed.error);
    throw new LtiError(502, "registration_bad_config", `The platform's OpenID configuration at ${openidConfigurationUrl} is not usable: ${reason}.`, { reason });
  }
  const cfg = parsed.data;
  if (new URL(cfg.issuer).host !== new URL(openidConfigurationUrl).host) {
    const reason = `its issuer ${cfg.issuer} is not on the host of ${openidConfigurationUrl}`;
    throw new LtiError(400, "registration_bad_config", `The platform's OpenID configuration is refused: ${reason}.`, { reason });
  }
  return cfg;
}

/** The tool configuration GradLab registers (an OpenID client registration with the LTI tool configuration). */
export function toolConfiguration(baseUrl: string, platform: OpenIdConfiguration) {
  const urls = toolUrls(baseUrl);
  const supported = platform.scopes_supported;
  const scopes = supported ? TOOL_SCOPES.filter((s) => supported.includes(s)) : TOOL_SCOPES;
  return {
    application_type: "web",
    response_types: ["id_token"],
    grant_types: ["implicit", "client_credentials"],
    initiate_login_uri: urls.login,
    redirect_uris: [urls.launch],
    client_name: "GradLab",
    jwks_uri: urls.jwks,
    logo_uri: `${baseUrl}/icon.svg`,
    token_endpoint_auth_method: "private_key_jwt",
    scope: scopes.join(" "),
    [TOOL_CONFIGURATION]: {
      domain: new URL(baseUrl).host,
      description: "Deep-learning exercises with an autograder: learners implement layers, losses and training loops; scores go to the LMS gradebook.",
      target_link_uri: urls.launch,
      claims: ["iss", "sub", "name", "given_name", "family_name", "email"],
      messages: [
        { type: "LtiResourceLinkRequest", target_link_uri: urls.launch, label: "GradLab" },
        { type: "LtiDeepLinkingRequest", target_link_uri: urls.deepLink, label: "GradLab exercises" },
      ],
    },
  };
}

/**
 * Registers GradLab with the platform (POST to its registration endpoint, with the registration
 * token) and stores the platform with the client id and deployment the platform answered.
 */
export async function registerWithPlatform(db: Db, platformCfg: OpenIdConfiguration, registrationToken: string | null, baseUrl: string): Promise<Platform> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  if (registrationToken) headers.Authorization = `Bearer ${registrationToken}`;
  let got;
  try {
    got = await fetchJson(platformCfg.registration_endpoint, { method: "POST", headers, body: JSON.stringify(toolConfiguration(baseUrl, platformCfg)) });
  } catch (e) {
    const reason = `its registration endpoint ${platformCfg.registration_endpoint} could not be reached (${(e as Error).message})`;
    throw new LtiError(502, "registration_refused", `The platform did not register GradLab: ${reason}.`, { reason });
  }
  if (got.status < 200 || got.status > 299) {
    const reason = `HTTP ${got.status} ${got.text.slice(0, 300)}`;
    throw new LtiError(502, "registration_refused", `The platform refused GradLab's registration: ${reason}. An expired registration token is a common cause: start the registration again from the LMS.`, { reason });
  }
  const parsed = RegistrationResponse.safeParse(got.json);
  if (!parsed.success) {
    const reason = `its answer is not a client registration (${got.json === null ? "not JSON" : issues(parsed.error)})`;
    throw new LtiError(502, "registration_refused", `The platform's answer to the registration is unusable: ${reason}.`, { reason });
  }
  const deploymentId = parsed.data[TOOL_CONFIGURATION]?.deployment_id;
  const input = { issuer: platformCfg.issuer, clientId: parsed.data.client_id, authEndpoint: platformCfg.authorization_endpoint, tokenEndpoint: platformCfg.token_endpoint, jwksUrl: platformCfg.jwks_uri };
  if (deploymentId) return registerPlatform(db, { ...input, deploymentIds: [deploymentId] });
  // The platform made no deployment yet: keep the registration; an admin adds the deployment id later (Admin → LTI).
  return findPlatform(db, input.issuer, input.clientId) ?? insertWithoutDeployment(db, input);
}

function insertWithoutDeployment(db: Db, p: Omit<Platform, "id" | "deploymentIds" | "createdAt">): Platform {
  const row: Platform = { id: randomUUID(), ...p, deploymentIds: [], createdAt: new Date() };
  db.insert(ltiPlatforms).values(row).run();
  return row;
}

// ---- one-time registration links ------------------------------------------------------------

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** A new one-time registration link (the token is shown once; only its hash is stored). */
export function createRegistrationLink(db: Db, adminId: string, baseUrl: string, now = new Date()): { url: string; expiresAt: Date } {
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + LINK_TTL_DAYS * 86_400_000);
  db.insert(ltiRegistrationLinks).values({ tokenHash: hashOf(token), createdBy: adminId, createdAt: now, expiresAt }).run();
  return { url: `${toolUrls(baseUrl).registration}/${token}`, expiresAt };
}

export function listRegistrationLinks(db: Db) {
  return db.select({ createdAt: ltiRegistrationLinks.createdAt, expiresAt: ltiRegistrationLinks.expiresAt, usedAt: ltiRegistrationLinks.usedAt, platformId: ltiRegistrationLinks.platformId }).from(ltiRegistrationLinks).orderBy(desc(ltiRegistrationLinks.createdAt)).all();
}

/** Whether `token` is an unused, unexpired link (for showing the confirmation page). */
export function linkUsable(db: Db, token: string, now = new Date()): boolean {
  return !!db.select().from(ltiRegistrationLinks).where(and(eq(ltiRegistrationLinks.tokenHash, hashOf(token)), isNull(ltiRegistrationLinks.usedAt), gt(ltiRegistrationLinks.expiresAt, now))).get();
}

/** Uses the link up (once: a second registration through it finds it used). */
export function consumeLink(db: Db, token: string, now = new Date()): void {
  const used = db
    .update(ltiRegistrationLinks)
    .set({ usedAt: now })
    .where(and(eq(ltiRegistrationLinks.tokenHash, hashOf(token)), isNull(ltiRegistrationLinks.usedAt), gt(ltiRegistrationLinks.expiresAt, now)))
    .run();
  if (used.changes !== 1) throw new LtiError(403, "registration_link_used", "This registration link was already used or has expired: an admin can make a new one under Admin → LTI.");
}

/** Gives a link back when the registration through it failed (the platform refused, say). */
export function releaseLink(db: Db, token: string): void {
  db.update(ltiRegistrationLinks).set({ usedAt: null }).where(and(eq(ltiRegistrationLinks.tokenHash, hashOf(token)), isNull(ltiRegistrationLinks.platformId))).run();
}

export function linkRegistered(db: Db, token: string, platformId: string): void {
  db.update(ltiRegistrationLinks).set({ platformId }).where(eq(ltiRegistrationLinks.tokenHash, hashOf(token))).run();
}
