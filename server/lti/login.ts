/**
 * Step 1 of an LTI 1.3 launch (OIDC third-party-initiated login): the platform sends the browser
 * here with its issuer and a login hint; GradLab answers with a redirect to the platform's auth
 * endpoint carrying a fresh state and nonce. The state goes to the browser as a cookie and, with
 * the nonce, into lti_launch_states, where the launch finds it (once).
 */
import { randomBytes } from "node:crypto";
import { lt } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { ltiLaunchStates } from "../../db/schema.ts";
import { setStateCookie, STATE_TTL_MS } from "./cookies.ts";
import { LtiError } from "./errors.ts";
import { findPlatform } from "./platforms.ts";

export interface LoginRequest {
  iss?: string | null;
  login_hint?: string | null;
  target_link_uri?: string | null;
  lti_message_hint?: string | null;
  client_id?: string | null;
  lti_deployment_id?: string | null;
}

/**
 * Where GradLab is reached (the launch URL registered on the platform is `${base}/api/lti/launch`):
 * GRADLAB_BASE_URL, else the request's Host. Not the request's URL alone: Next hands route
 * handlers a URL on the host it listens on (localhost), and a redirect_uri there would send the
 * launch to another host than the one holding the browser's state cookie.
 */
export function toolBaseUrl(req: Request | string): string {
  if (process.env.GRADLAB_BASE_URL) return process.env.GRADLAB_BASE_URL.replace(/\/+$/, "");
  const url = new URL(typeof req === "string" ? req : req.url);
  const host = typeof req === "string" ? null : req.headers.get("host");
  return `${url.protocol}//${host ?? url.host}`;
}

export function startLogin(db: Db, p: LoginRequest, baseUrl: string, now = Date.now()): { redirect: string; setCookie: string } {
  if (!p.iss) throw new LtiError(400, "login_missing_iss", "The login request has no `iss`: the platform must send its issuer (LTI 1.3 third-party-initiated login).");
  if (!p.login_hint) throw new LtiError(400, "login_missing_hint", "The login request has no `login_hint`: the platform must send one.");
  const platform = findPlatform(db, p.iss, p.client_id ?? undefined);
  if (!platform)
    throw new LtiError(400, "unknown_platform", `No LMS platform is registered with issuer ${p.iss}${p.client_id ? ` and client id ${p.client_id}` : ""}: an admin must register it (Admin → LTI, or \`gradlab lti add-platform\`).`, { issuer: p.iss });
  if (p.lti_deployment_id && !platform.deploymentIds.includes(p.lti_deployment_id))
    throw new LtiError(400, "unknown_deployment", `Deployment ${p.lti_deployment_id} of ${platform.issuer} is not registered in GradLab: an admin must add it to the platform's deployment ids.`, { deployment: p.lti_deployment_id });

  const state = randomBytes(24).toString("base64url");
  const nonce = randomBytes(24).toString("base64url");
  db.delete(ltiLaunchStates).where(lt(ltiLaunchStates.expiresAt, new Date(now - STATE_TTL_MS))).run();
  db.insert(ltiLaunchStates).values({ state, nonce, platformId: platform.id, expiresAt: new Date(now + STATE_TTL_MS) }).run();

  const auth = new URL(platform.authEndpoint);
  const q = {
    scope: "openid",
    response_type: "id_token",
    response_mode: "form_post",
    prompt: "none",
    client_id: platform.clientId,
    redirect_uri: `${baseUrl}/api/lti/launch`,
    login_hint: p.login_hint,
    state,
    nonce,
    ...(p.lti_message_hint ? { lti_message_hint: p.lti_message_hint } : {}),
  };
  for (const [k, v] of Object.entries(q)) auth.searchParams.set(k, v);
  return { redirect: auth.href, setCookie: setStateCookie(state, baseUrl) };
}
