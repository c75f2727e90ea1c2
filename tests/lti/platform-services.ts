/**
 * The test LMS's LTI Advantage services, mounted on a TestPlatform (platform.ts): an OAuth 2.0
 * token endpoint (client_credentials with a JWT bearer client assertion, verified against the
 * tool's JWKS over HTTP as an LMS does: iss = sub = client id, aud = this token endpoint, exp,
 * single-use jti), Assignment and Grade Services (line items container, scores, each checked
 * for the spec's media type and shape) and Names and Role Provisioning (memberships in pages
 * linked by `Link: <…>; rel="next"`). Every service checks the bearer token and its scope.
 * `failScores = n` makes the next n score posts answer 500 (a platform that is down a while).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { TestPlatform } from "./platform.ts";

const CLAIM = "https://purl.imsglobal.org/spec/lti/claim/";
export const AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
export const NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice";
export const SCOPE = {
  lineItem: "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
  score: "https://purl.imsglobal.org/spec/lti-ags/scope/score",
  memberships: "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
};
const SCORE_TYPE = "application/vnd.ims.lis.v1.score+json";
const LINE_ITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json";
const MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json";

export interface LineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceLinkId?: string;
  resourceId?: string;
  tag?: string;
}

export interface ReceivedScore {
  lineItem: string;
  userId: string;
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: string;
  gradingProgress: string;
  timestamp: string;
  contentType: string;
}

export interface Member {
  user_id: string;
  roles: string[];
  status?: "Active" | "Inactive";
  name?: string;
  email?: string;
}

/** What a token request got: the error the platform answered, or the scopes granted. */
export type TokenOutcome = { ok: true; scopes: string[] } | { ok: false; status: number; error: string };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: ServerResponse, status: number, body: unknown, type = "application/json", headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": type, ...headers }).end(JSON.stringify(body));
}

export class ServicesPlatform {
  readonly lms: TestPlatform;
  /** Where the platform reads the tool's keys (entered when the tool is registered on a real LMS). */
  toolJwksUrl: string;
  readonly contextId = "course-1";
  readonly tokenRequests: TokenOutcome[] = [];
  /** Every score post the platform accepted, in order. */
  readonly scores: ReceivedScore[] = [];
  /** Every score post, accepted or not (a 500 included). */
  scorePosts = 0;
  /** The next this many score posts answer 500. */
  failScores = 0;
  readonly lineItems = new Map<string, LineItem>();
  members: Member[] = [];
  pageSize = 2;
  /** The pages of the roster served (URLs), in order. */
  readonly pagesServed: string[] = [];
  private tokens = new Map<string, { scopes: string[]; expiresAt: number }>();
  private jtis = new Set<string>();
  private toolKeys: ReturnType<typeof createRemoteJWKSet> | null = null;

  constructor(lms: TestPlatform, toolJwksUrl: string) {
    this.lms = lms;
    this.toolJwksUrl = toolJwksUrl;
    lms.mounts.push((req, res, url) => this.route(req, res, url));
  }

  get tokenUrl() {
    return `${this.lms.issuer}/token`;
  }
  get lineItemsUrl() {
    return `${this.lms.issuer}/ags/contexts/${this.contextId}/lineitems`;
  }
  get membershipsUrl() {
    return `${this.lms.issuer}/nrps/contexts/${this.contextId}/memberships`;
  }

  /** A line item the platform made for a link (as an LMS does when an instructor adds a graded link). */
  addLineItem(item: Omit<LineItem, "id">): string {
    const id = `${this.lineItemsUrl}/${this.lineItems.size + 1}`;
    this.lineItems.set(id, { ...item, id });
    return id;
  }

  /**
   * The claims a launch from this platform's course carries: context, resource link, AGS endpoint
   * (the link's line item when given) and NRPS, to pass as LaunchSpec.claims.
   */
  launchClaims(o: { resourceLinkId: string; title?: string; lineItem?: string | null; nrps?: boolean; scopes?: string[] }) {
    return (c: JWTPayload): JWTPayload => ({
      ...c,
      [`${CLAIM}resource_link`]: { id: o.resourceLinkId, title: o.title ?? o.resourceLinkId },
      [`${CLAIM}context`]: { id: this.contextId, title: "Deep Learning 101", label: "DL101", type: ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"] },
      [AGS_CLAIM]: { scope: o.scopes ?? [SCOPE.lineItem, SCOPE.score], lineitems: this.lineItemsUrl, ...(o.lineItem ? { lineitem: o.lineItem } : {}) },
      ...(o.nrps === false ? {} : { [NRPS_CLAIM]: { context_memberships_url: this.membershipsUrl, service_versions: ["2.0"] } }),
    });
  }

  /** A bearer token as the token endpoint would issue it (for tests of the services' own checks). */
  issueToken(scopes: string[], lifetimeS = 3600): string {
    const token = randomUUID();
    this.tokens.set(token, { scopes, expiresAt: Date.now() + lifetimeS * 1000 });
    return token;
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const p = url.pathname;
    const base = `/ags/contexts/${this.contextId}/lineitems`;
    if (p === "/token" && req.method === "POST") void this.token(req, res);
    else if (p === base && req.method === "POST") void this.createLineItem(req, res);
    else if (p === base && req.method === "GET") this.authorized(req, res, SCOPE.lineItem) && json(res, 200, [...this.lineItems.values()], "application/vnd.ims.lis.v2.lineitemcontainer+json");
    else if (p.startsWith(`${base}/`) && p.endsWith("/scores") && req.method === "POST") void this.score(req, res, url);
    else if (p === `/nrps/contexts/${this.contextId}/memberships` && req.method === "GET") this.memberships(req, res, url);
    else return false;
    return true;
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const refuse = (status: number, error: string, description: string) => {
      this.tokenRequests.push({ ok: false, status, error: `${error}: ${description}` });
      json(res, status, { error, error_description: description });
    };
    if (form.get("grant_type") !== "client_credentials") return refuse(400, "unsupported_grant_type", "grant_type must be client_credentials");
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return refuse(400, "invalid_request", "client_assertion_type must be jwt-bearer");
    let claims: JWTPayload;
    try {
      this.toolKeys ??= createRemoteJWKSet(new URL(this.toolJwksUrl));
      ({ payload: claims } = await jwtVerify(form.get("client_assertion") ?? "", this.toolKeys, { issuer: this.lms.clientId, subject: this.lms.clientId, audience: this.tokenUrl, requiredClaims: ["exp", "iat", "jti"] }));
    } catch (e) {
      return refuse(401, "invalid_client", `client assertion refused (${(e as Error).message})`);
    }
    if (this.jtis.has(String(claims.jti))) return refuse(401, "invalid_client", "client assertion jti already used");
    this.jtis.add(String(claims.jti));
    const known = Object.values(SCOPE);
    const scopes = (form.get("scope") ?? "").split(" ").filter(Boolean);
    if (!scopes.length || scopes.some((s) => !known.includes(s))) return refuse(400, "invalid_scope", `unknown scope in ${form.get("scope")}`);
    this.tokenRequests.push({ ok: true, scopes });
    json(res, 200, { access_token: this.issueToken(scopes), token_type: "Bearer", expires_in: 3600, scope: scopes.join(" ") });
  }

  /** The bearer token is one this platform issued, not expired, with `scope`; else answers 401/403. */
  private authorized(req: IncomingMessage, res: ServerResponse, scope: string): boolean {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const t = m ? this.tokens.get(m[1]) : undefined;
    if (!t || t.expiresAt < Date.now()) {
      json(res, 401, { error: "invalid_token" }, "application/json", { "WWW-Authenticate": 'Bearer error="invalid_token"' });
      return false;
    }
    if (!t.scopes.includes(scope)) {
      json(res, 403, { error: "insufficient_scope", scope });
      return false;
    }
    return true;
  }

  private async createLineItem(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (!this.authorized(req, res, SCOPE.lineItem)) return;
    if (!(req.headers["content-type"] ?? "").startsWith(LINE_ITEM_TYPE)) return json(res, 415, { error: `Content-Type must be ${LINE_ITEM_TYPE}` });
    const item = JSON.parse(body) as Omit<LineItem, "id">;
    if (typeof item.label !== "string" || !item.label || typeof item.scoreMaximum !== "number" || !(item.scoreMaximum > 0)) return json(res, 400, { error: "label and scoreMaximum > 0 are required" });
    const id = this.addLineItem(item);
    json(res, 201, this.lineItems.get(id), LINE_ITEM_TYPE);
  }

  private async score(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    if (!this.authorized(req, res, SCOPE.score)) return;
    this.scorePosts++;
    const lineItem = `${url.origin}${url.pathname.replace(/\/scores$/, "")}`;
    if (!this.lineItems.has(lineItem)) return json(res, 404, { error: `no line item ${lineItem}` });
    const contentType = req.headers["content-type"] ?? "";
    if (!contentType.startsWith(SCORE_TYPE)) return json(res, 415, { error: `Content-Type must be ${SCORE_TYPE}` });
    if (this.failScores > 0) {
      this.failScores--;
      return json(res, 500, { error: "gradebook temporarily unavailable" });
    }
    const s = JSON.parse(body) as Partial<ReceivedScore>;
    const problems = [
      typeof s.userId === "string" && s.userId ? null : "userId",
      typeof s.scoreGiven === "number" && s.scoreGiven >= 0 ? null : "scoreGiven",
      typeof s.scoreMaximum === "number" && s.scoreMaximum > 0 ? null : "scoreMaximum",
      ["Initialized", "Started", "InProgress", "Submitted", "Completed"].includes(String(s.activityProgress)) ? null : "activityProgress",
      ["FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"].includes(String(s.gradingProgress)) ? null : "gradingProgress",
      typeof s.timestamp === "string" && !Number.isNaN(Date.parse(s.timestamp)) && /T.*(Z|[+-]\d\d:\d\d)$/.test(s.timestamp) ? null : "timestamp",
    ].filter(Boolean);
    if (problems.length) return json(res, 400, { error: `invalid score: ${problems.join(", ")}` });
    this.scores.push({ ...(s as ReceivedScore), lineItem, contentType });
    json(res, 200, {});
  }

  private memberships(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (!this.authorized(req, res, SCOPE.memberships)) return;
    if (!(req.headers.accept ?? "").includes(MEMBERSHIP_TYPE)) return json(res, 406, { error: `Accept must include ${MEMBERSHIP_TYPE}` });
    this.pagesServed.push(url.href);
    const page = Number(url.searchParams.get("page") ?? "1");
    const slice = this.members.slice((page - 1) * this.pageSize, page * this.pageSize);
    const headers: Record<string, string> = {};
    if (page * this.pageSize < this.members.length) {
      const next = new URL(url.href);
      next.searchParams.set("page", String(page + 1));
      headers.Link = `<${next.href}>; rel="next"`;
    }
    json(res, 200, { id: url.href, context: { id: this.contextId, title: "Deep Learning 101" }, members: slice }, MEMBERSHIP_TYPE, headers);
  }
}
