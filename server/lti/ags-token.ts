/**
 * Access tokens for the platform's LTI services (AGS and NRPS): OAuth 2.0 client_credentials
 * grant with a JWT bearer client assertion (RFC 7523, IMS Security Framework §4.1) signed with
 * GradLab's active key, whose public half the platform reads from GradLab's JWKS. A token is
 * cached per (platform, scopes) until shortly before it expires; a service that answers 401
 * gets one fresh token and one retry.
 */
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { Db } from "../../db/client.ts";
import { activeKey, KEY_ALG } from "./keys.ts";
import type { Platform } from "./platforms.ts";

export const SCOPE = {
  lineItem: "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
  score: "https://purl.imsglobal.org/spec/lti-ags/scope/score",
  memberships: "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
} as const;

/** A service call the platform refused or could not answer: its status and what it said. */
export class ServiceError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
  /** Worth retrying later: the platform is down or busy (5xx, 408, 429) or unreachable (status 0). */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

/** Re-read the token this long before the platform says it expires (clock skew, request time). */
const EXPIRY_MARGIN_MS = 30_000;
const cache = new Map<string, { token: string; expiresAt: number }>();

const cacheKey = (platform: Platform, scopes: string[]) => `${platform.id}\n${[...scopes].sort().join(" ")}`;

/** The platform's answer as a short text for the instructor: status and the start of its body. */
export async function answerText(res: Response): Promise<string> {
  const body = (await res.text().catch(() => "")).replace(/\s+/g, " ").trim().slice(0, 300);
  return `HTTP ${res.status}${body ? `: ${body}` : ""}`;
}

export async function fetchOrThrow(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw new ServiceError(0, `${what}: ${url} could not be reached (${(e as Error).message}).`);
  }
}

/** A bearer token for `scopes` at the platform's token endpoint (cached until near its expiry). */
export async function serviceToken(db: Db, platform: Platform, scopes: string[], now = Date.now()): Promise<string> {
  const key = cacheKey(platform, scopes);
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.token;
  const { kid, privateKey } = await activeKey(db);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: KEY_ALG, kid, typ: "JWT" })
    .setIssuer(platform.clientId)
    .setSubject(platform.clientId)
    .setAudience(platform.tokenEndpoint)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + 300)
    .setJti(randomUUID())
    .sign(privateKey);
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
    scope: scopes.join(" "),
  });
  const res = await fetchOrThrow(platform.tokenEndpoint, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" }, body: form }, "The platform's token endpoint");
  if (!res.ok) throw new ServiceError(res.status, `The platform refused GradLab's service token request (${await answerText(res)}): check the client id and that the platform has GradLab's JWKS URL.`);
  const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
  if (typeof body.access_token !== "string" || !body.access_token) throw new ServiceError(502, "The platform's token endpoint answered without an access_token.");
  const lifetimeMs = (typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
  cache.set(key, { token: body.access_token, expiresAt: now + Math.max(0, lifetimeMs - EXPIRY_MARGIN_MS) });
  return body.access_token;
}

/** Drop the cached tokens of a platform (after a 401: the platform no longer accepts them). */
export function forgetTokens(platformId: string): void {
  for (const k of cache.keys()) if (k.startsWith(`${platformId}\n`)) cache.delete(k);
}

/** A call to an LTI service with a bearer token; on 401 one retry with a fresh token. */
export async function serviceFetch(db: Db, platform: Platform, scopes: string[], url: string, init: RequestInit, what: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = await serviceToken(db, platform, scopes);
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    const res = await fetchOrThrow(url, { ...init, headers }, what);
    if (res.status !== 401 || attempt > 0) return res;
    forgetTokens(platform.id);
  }
}
