/**
 * A test LMS: the platform side of an LTI 1.3 launch over real HTTP on localhost, with its own RSA
 * key (jose) and JWKS endpoint. It starts a launch (the third-party-initiated login URL), answers
 * the OIDC auth request with the auto-submitting form_post page an LMS sends, and signs the
 * id_token: as told per launch, including the broken ones the failure tests need.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";

const CLAIM = "https://purl.imsglobal.org/spec/lti/claim/";
const LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership";
export const ROLE = { instructor: `${LIS}#Instructor`, learner: `${LIS}#Learner`, ta: `${LIS}/Instructor#TeachingAssistant`, admin: "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator" };

export interface LaunchSpec {
  sub: string;
  roles: string[];
  email?: string;
  name?: string;
  custom?: Record<string, string>;
  deploymentId?: string;
  targetLinkUri?: string;
  /** Changes to the signed claims (aud, exp, azp, message type...). */
  claims?: (c: JWTPayload) => JWTPayload;
  /** Sign with a key that is not in the platform's JWKS. */
  foreignKey?: boolean;
}

type Key = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export class TestPlatform {
  readonly clientId = "gradlab-client-1";
  readonly deploymentId = "deployment-1";
  private server!: Server;
  private key!: Key;
  private foreign!: Key;
  private kid = randomUUID();
  private jwks: unknown;
  private launches = new Map<string, LaunchSpec>();
  issuer = "";
  /** More endpoints (platform-deep-link.ts, platform-services.ts): each returns true when it answered. */
  readonly mounts: ((req: IncomingMessage, res: ServerResponse, url: URL) => boolean)[] = [];

  async start(): Promise<this> {
    const pair = await generateKeyPair("RS256", { extractable: true });
    this.key = pair.privateKey;
    this.foreign = (await generateKeyPair("RS256")).privateKey;
    this.jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: this.kid, alg: "RS256", use: "sig" }] };
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", this.issuer);
      if (url.pathname === "/jwks") {
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(this.jwks));
      } else if (url.pathname === "/auth") {
        this.authorize(url).then(
          (html) => res.writeHead(200, { "Content-Type": "text/html" }).end(html),
          (e: Error) => res.writeHead(400).end(e.message),
        );
      } else if (!this.mounts.some((m) => m(req, res, url))) res.writeHead(404).end();
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  /** What an admin registers in GradLab for this platform. */
  registration() {
    return { issuer: this.issuer, clientId: this.clientId, authEndpoint: `${this.issuer}/auth`, tokenEndpoint: `${this.issuer}/token`, jwksUrl: `${this.issuer}/jwks`, deploymentIds: [this.deploymentId] };
  }

  /** The URL the LMS sends the browser to in order to start a launch (third-party-initiated login). */
  loginInitiation(toolLoginUrl: string, spec: LaunchSpec, target = "http://tool.invalid/"): string {
    const hint = randomUUID();
    this.launches.set(hint, spec);
    const u = new URL(toolLoginUrl);
    u.searchParams.set("iss", this.issuer);
    u.searchParams.set("login_hint", hint);
    u.searchParams.set("target_link_uri", spec.targetLinkUri ?? target);
    u.searchParams.set("client_id", this.clientId);
    u.searchParams.set("lti_deployment_id", spec.deploymentId ?? this.deploymentId);
    return u.href;
  }

  /** The OIDC auth endpoint: checks the request as an LMS would and answers the form_post page. */
  private async authorize(url: URL): Promise<string> {
    const q = Object.fromEntries(url.searchParams);
    const spec = this.launches.get(q.login_hint ?? "");
    if (!spec) throw new Error("unknown login_hint");
    if (q.client_id !== this.clientId || q.response_type !== "id_token" || q.response_mode !== "form_post" || q.scope !== "openid" || !q.nonce || !q.state) throw new Error(`bad auth request ${url.search}`);
    const now = Math.floor(Date.now() / 1000);
    let claims: JWTPayload = {
      iss: this.issuer,
      aud: this.clientId,
      sub: spec.sub,
      iat: now,
      exp: now + 300,
      nonce: q.nonce,
      name: spec.name,
      email: spec.email,
      [`${CLAIM}message_type`]: "LtiResourceLinkRequest",
      [`${CLAIM}version`]: "1.3.0",
      [`${CLAIM}deployment_id`]: spec.deploymentId ?? this.deploymentId,
      [`${CLAIM}target_link_uri`]: spec.targetLinkUri ?? q.redirect_uri,
      [`${CLAIM}resource_link`]: { id: "link-1", title: "Exercise" },
      [`${CLAIM}roles`]: spec.roles,
      [`${CLAIM}custom`]: spec.custom ?? {},
      [`${CLAIM}context`]: { id: "course-1", title: "Deep Learning 101" },
    };
    if (spec.claims) claims = spec.claims(claims);
    const idToken = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: this.kid, typ: "JWT" }).sign(spec.foreignKey ? this.foreign : this.key);
    const field = (n: string, v: string) => `<input type="hidden" name="${n}" value="${v}">`;
    return `<form method="post" action="${q.redirect_uri}">${field("id_token", idToken)}${field("state", q.state)}</form><script>document.forms[0].submit()</script>`;
  }
}

/** The hidden fields and action of the platform's form_post page. */
export function parseFormPost(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in ${html.slice(0, 200)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = m[2];
  return { action, fields };
}
