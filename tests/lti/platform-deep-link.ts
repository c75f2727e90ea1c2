/**
 * The test LMS's side of LTI Deep Linking 2.0 and LTI Dynamic Registration 1.0, mounted on a
 * TestPlatform (platform.ts): it sends LtiDeepLinkingRequest launches, receives the tool's
 * LtiDeepLinkingResponse at its deep_link_return_url and verifies it against the tool's JWKS as an
 * LMS would; it serves its OpenID configuration and a registration endpoint that checks the
 * registration token and the tool's configuration, then answers with the client id and deployment.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { LaunchSpec, TestPlatform } from "./platform.ts";

const CLAIM = "https://purl.imsglobal.org/spec/lti/claim/";
const DL = "https://purl.imsglobal.org/spec/lti-dl/claim/";
const TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration";

export interface ContentItem {
  type: string;
  title: string;
  text?: string;
  url: string;
  custom?: Record<string, string>;
  lineItem?: { scoreMaximum: number; label?: string; resourceId?: string; tag?: string };
}

/** What the return URL received: the verified claims, or why the platform refused the response. */
export type Received = { ok: true; claims: JWTPayload; items: ContentItem[] } | { ok: false; error: string };

export interface DeepLinkRequest {
  sub: string;
  roles: string[];
  name?: string;
  email?: string;
  data?: string;
  acceptMultiple?: boolean;
  acceptTypes?: string[];
  /** Further changes to the signed claims. */
  claims?: (c: JWTPayload) => JWTPayload;
}

/** The tool configuration posted to the registration endpoint (the parts the tests read). */
export interface ToolRegistration {
  application_type: string;
  grant_types: string[];
  response_types: string[];
  redirect_uris: string[];
  initiate_login_uri: string;
  client_name: string;
  jwks_uri: string;
  token_endpoint_auth_method: string;
  scope: string;
  [TOOL_CONFIG]: { domain: string; target_link_uri: string; claims?: string[]; messages: { type: string; target_link_uri?: string; label?: string }[] };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export class DeepLinkPlatform {
  /** Every response posted to the return URL, in order. */
  readonly received: Received[] = [];
  /** The tool's configuration as registered through dynamic registration. */
  registrations: ToolRegistration[] = [];
  /** The registration token the next registration must carry (one use). */
  registrationToken: string | null = null;
  /** Changes to the OpenID configuration served (a lying or broken platform). */
  configChanges: ((c: Record<string, unknown>) => Record<string, unknown>) | null = null;
  /** The deployment id the registration endpoint hands out. */
  readonly registeredDeploymentId = "deployment-dyn-1";
  private links = 0;

  readonly lms: TestPlatform;
  /** Where the platform reads the tool's keys (entered at registration on a real LMS). */
  toolJwksUrl: string;

  constructor(lms: TestPlatform, toolJwksUrl: string) {
    this.lms = lms;
    this.toolJwksUrl = toolJwksUrl;
    lms.mounts.push((req, res, url) => this.route(req, res, url));
  }

  get returnUrl() {
    return `${this.lms.issuer}/deep-link/return`;
  }
  get openidConfigurationUrl() {
    return `${this.lms.issuer}/.well-known/openid-configuration`;
  }

  /** A launch spec for an LtiDeepLinkingRequest (no resource link; deep_linking_settings instead). */
  request(r: DeepLinkRequest): LaunchSpec {
    return {
      sub: r.sub,
      roles: r.roles,
      name: r.name,
      email: r.email,
      claims: (c) => {
        const out: JWTPayload = {
          ...c,
          [`${CLAIM}message_type`]: "LtiDeepLinkingRequest",
          [`${DL}deep_linking_settings`]: {
            deep_link_return_url: this.returnUrl,
            accept_types: r.acceptTypes ?? ["ltiResourceLink"],
            accept_presentation_document_targets: ["iframe", "window"],
            accept_multiple: r.acceptMultiple ?? true,
            auto_create: true,
            ...(r.data !== undefined ? { data: r.data } : {}),
          },
        };
        delete out[`${CLAIM}resource_link`];
        return r.claims ? r.claims(out) : out;
      },
    };
  }

  /** A learner's (or anyone's) launch of a received resource link, as the LMS sends it. */
  launchOf(item: ContentItem, sub: string, roles: string[], extra: Partial<LaunchSpec> = {}): LaunchSpec {
    const id = `dl-link-${++this.links}`;
    return {
      sub,
      roles,
      custom: item.custom ?? {},
      targetLinkUri: item.url,
      ...extra,
      claims: (c) => {
        const out = { ...c, [`${CLAIM}resource_link`]: { id, title: item.title } };
        return extra.claims ? extra.claims(out) : out;
      },
    };
  }

  /** Verifies a response JWT as an LMS does: the tool's key, iss = our client id, aud = our issuer, the message's claims. */
  async verify(jwt: string): Promise<Received> {
    try {
      const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(this.toolJwksUrl)), { issuer: this.lms.clientId, audience: this.lms.issuer, requiredClaims: ["iat", "exp", "nonce"] });
      if (payload[`${CLAIM}message_type`] !== "LtiDeepLinkingResponse") return { ok: false, error: `message_type ${String(payload[`${CLAIM}message_type`])}` };
      if (payload[`${CLAIM}version`] !== "1.3.0") return { ok: false, error: "version" };
      if (payload[`${CLAIM}deployment_id`] !== this.lms.deploymentId && payload[`${CLAIM}deployment_id`] !== this.registeredDeploymentId) return { ok: false, error: "deployment_id" };
      const items = payload[`${DL}content_items`];
      if (!Array.isArray(items)) return { ok: false, error: "content_items missing" };
      return { ok: true, claims: payload, items: items as ContentItem[] };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname === "/deep-link/return" && req.method === "POST") {
      void this.receive(req, res);
      return true;
    }
    if (url.pathname === "/.well-known/openid-configuration") {
      const cfg = this.openidConfiguration();
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(this.configChanges ? this.configChanges(cfg) : cfg));
      return true;
    }
    if (url.pathname === "/register" && req.method === "POST") {
      void this.register(req, res);
      return true;
    }
    return false;
  }

  private async receive(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await body(req));
    const jwt = form.get("JWT");
    const got: Received = jwt ? await this.verify(jwt) : { ok: false, error: "no JWT field" };
    this.received.push(got);
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const html = got.ok
      ? `<!doctype html><title>LMS</title><h1>Added ${got.items.length} item(s)</h1><ul data-testid="lms-items">${got.items.map((i) => `<li>${esc(i.title)}</li>`).join("")}</ul>`
      : `<!doctype html><title>LMS</title><h1 data-testid="lms-refused">Refused: ${esc(got.error)}</h1>`;
    res.writeHead(got.ok ? 200 : 400, { "Content-Type": "text/html; charset=utf-8" }).end(html);
  }

  openidConfiguration() {
    const i = this.lms.issuer;
    return {
      issuer: i,
      authorization_endpoint: `${i}/auth`,
      token_endpoint: `${i}/token`,
      token_endpoint_auth_methods_supported: ["private_key_jwt"],
      token_endpoint_auth_signing_alg_values_supported: ["RS256"],
      jwks_uri: `${i}/jwks`,
      registration_endpoint: `${i}/register`,
      scopes_supported: ["openid", "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem", "https://purl.imsglobal.org/spec/lti-ags/scope/score", "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"],
      response_types_supported: ["id_token"],
      subject_types_supported: ["public", "pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      claims_supported: ["sub", "iss", "name", "given_name", "family_name", "email"],
      "https://purl.imsglobal.org/spec/lti-platform-configuration": {
        product_family_code: "gradlab-test-lms",
        version: "1.0",
        messages_supported: [{ type: "LtiResourceLinkRequest" }, { type: "LtiDeepLinkingRequest", placements: ["ContentArea"] }],
      },
    };
  }

  /** A fresh one-use registration token, as the LMS puts in the initiation URL. */
  newRegistrationToken(): string {
    this.registrationToken = randomUUID();
    return this.registrationToken;
  }

  private async register(req: IncomingMessage, res: ServerResponse) {
    const fail = (status: number, error: string) => res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ error }));
    const auth = req.headers.authorization ?? "";
    if (!this.registrationToken || auth !== `Bearer ${this.registrationToken}`) return fail(401, "invalid registration token");
    if (!String(req.headers["content-type"]).startsWith("application/json")) return fail(400, "content-type must be application/json");
    let reg: ToolRegistration;
    try {
      reg = JSON.parse(await body(req)) as ToolRegistration;
    } catch {
      return fail(400, "not JSON");
    }
    const cfg = reg[TOOL_CONFIG];
    const missing = (["initiate_login_uri", "jwks_uri", "client_name"] as const).filter((k) => !reg[k]);
    if (missing.length || !reg.redirect_uris?.length || !cfg?.target_link_uri || !cfg.domain) return fail(400, `invalid_client_metadata: missing ${missing.join(", ") || "redirect_uris/tool configuration"}`);
    if (reg.token_endpoint_auth_method !== "private_key_jwt" || !reg.response_types?.includes("id_token") || !reg.grant_types?.includes("implicit") || !reg.grant_types.includes("client_credentials")) return fail(400, "invalid_client_metadata: auth method / grant types");
    this.registrationToken = null;
    this.registrations.push(reg);
    this.toolJwksUrl = reg.jwks_uri;
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ...reg, client_id: this.lms.clientId, [TOOL_CONFIG]: { ...cfg, deployment_id: this.registeredDeploymentId } }));
  }
}
