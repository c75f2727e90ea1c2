// LTI 1.3 core launch (issue 16.1, 16.2, 16.6) against a test LMS over real HTTP (platform.ts):
// GradLab's real route handlers are served on localhost behind the same request guards as the
// web server (server/request-guard.ts), and a cookie-keeping "browser" follows login initiation →
// the platform's auth endpoint → the cross-site form_post of the id_token. Every failure path is
// refused with a message naming what is wrong.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROLE, TestPlatform, parseFormPost, type LaunchSpec } from "./platform.ts";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-lti-"));
delete process.env.GRADLAB_BASE_URL;
const B = await import("../../server/index.ts");
(globalThis as { __gradlabBackend?: Promise<typeof B> }).__gradlabBackend = Promise.resolve(B);
const { guardRequests } = await import("../../server/request-guard.ts");
const loginRoute = await import("../../app/api/lti/login/route.ts");
const launchRoute = await import("../../app/api/lti/launch/route.ts");
const jwksRoute = await import("../../app/api/lti/jwks/route.ts");
const platformsRoute = await import("../../app/api/admin/lti/platforms/route.ts");
const A = await import("../../server/accounts.ts");
const { ltiAccounts, users } = await import("../../db/schema.ts");
const { eq } = await import("drizzle-orm");

type Route = (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;
const routes: Record<string, Partial<Record<string, Route>>> = {
  "/api/lti/login": { GET: loginRoute.GET, POST: loginRoute.POST },
  "/api/lti/launch": { POST: launchRoute.POST },
  "/api/lti/jwks": { GET: jwksRoute.GET as unknown as Route },
  "/api/admin/lti/platforms": { GET: platformsRoute.GET, POST: platformsRoute.POST },
};

let tool: Server;
let base = "";
const lms = new TestPlatform();
let adminToken = "";
let learnerToken = "";

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  return new Request(`${base}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
}

beforeAll(async () => {
  await lms.start();
  tool = createServer(
    guardRequests(async (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      const handler = routes[path]?.[req.method ?? "GET"];
      const out = handler ? await handler(await toRequest(req), { params: Promise.resolve({}) }) : new Response("not found", { status: 404 });
      const headers: Record<string, string | string[]> = {};
      out.headers.forEach((v, k) => (headers[k] = k === "set-cookie" ? out.headers.getSetCookie() : v));
      res.writeHead(out.status, headers).end(Buffer.from(await out.arrayBuffer()));
    }),
  );
  await new Promise<void>((r) => tool.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(tool.address() as AddressInfo).port}`;
  await A.addUser(B.auth, B.db, "root@lti.org", "admin");
  await A.addUser(B.auth, B.db, "someone@lti.org", "learner");
  adminToken = await A.issueToken(B.auth, B.db, "root@lti.org");
  learnerToken = await A.issueToken(B.auth, B.db, "someone@lti.org");
  const r = await fetch(`${base}/api/admin/lti/platforms`, { method: "POST", headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" }, body: JSON.stringify(lms.registration()) });
  expect(r.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => tool.close(() => r()));
  await lms.stop();
  (await import("../../db/client.ts")).closeAllDbs();
});

/** A browser: keeps GradLab's cookies (name=value only; attributes checked separately). */
class Browser {
  jar = new Map<string, string>();
  setCookies: string[] = [];
  keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c);
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const v = pair.slice(i + 1);
      if (v) this.jar.set(pair.slice(0, i), v);
      else this.jar.delete(pair.slice(0, i));
    }
  }
  cookie = () => [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

interface Launch {
  res: Response;
  body: string;
  browser: Browser;
  form: { action: string; fields: Record<string, string> };
}

/** Login initiation → auth redirect → the platform's form_post (cross-site, Origin = the LMS), as a browser does it. */
async function launch(spec: LaunchSpec, tamper: { dropCookie?: boolean; cookieState?: string; browser?: Browser } = {}): Promise<Launch> {
  const browser = tamper.browser ?? new Browser();
  const login = await fetch(lms.loginInitiation(`${base}/api/lti/login`, spec), { redirect: "manual" });
  expect(login.status).toBe(302);
  browser.keep(login);
  const page = await fetch(login.headers.get("location")!);
  expect(page.status).toBe(200);
  const form = parseFormPost(await page.text());
  expect(form.action).toBe(`${base}/api/lti/launch`);
  if (tamper.dropCookie) browser.jar.delete("gradlab-lti-state");
  if (tamper.cookieState) browser.jar.set("gradlab-lti-state", tamper.cookieState);
  const res = await postLaunch(browser, form.fields);
  return { res, body: await res.clone().text(), browser, form };
}

async function postLaunch(browser: Browser, fields: Record<string, string>, acceptLanguage = "en"): Promise<Response> {
  const res = await fetch(`${base}/api/lti/launch`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: lms.issuer, "sec-fetch-site": "cross-site", cookie: browser.cookie(), "accept-language": acceptLanguage },
    body: new URLSearchParams(fields).toString(),
  });
  browser.keep(res);
  return res;
}

async function sessionOf(browser: Browser) {
  return B.sessionUser(new Headers({ cookie: browser.cookie() }));
}

function refusedWith(l: Launch, status: number, code: string, message: RegExp) {
  expect(l.res.status).toBe(status);
  expect(l.res.headers.get("content-type")).toMatch(/^text\/html/);
  expect(l.body).toContain(`data-lti-error="${code}"`);
  expect(l.body.replace(/&#39;/g, "'")).toMatch(message);
  expect(l.browser.jar.has("better-auth.session_token")).toBe(false);
}

describe("a launch from the LMS", () => {
  it("signs a learner in as a new account tied to (issuer, sub) and opens the exercise named by the custom parameter", async () => {
    const l = await launch({ sub: "stu-1", roles: [ROLE.learner], email: "Ada@uni.edu", name: "Ada L", custom: { exercise: "dense" } });
    expect(l.res.status).toBe(303);
    expect(l.res.headers.get("location")).toBe("/exercises/dense");
    const me = await sessionOf(l.browser);
    expect(me).toMatchObject({ email: "ada@uni.edu", name: "Ada L", role: "learner" });
    const link = B.db.select().from(ltiAccounts).where(eq(ltiAccounts.subject, "stu-1")).get();
    expect(link).toMatchObject({ issuer: lms.issuer, userId: me!.id, roles: ["learner"] });
    // The state cookie was SameSite=None; Secure (127.0.0.1 counts as secure in browsers) and is cleared after use.
    expect(l.browser.setCookies.find((c) => c.startsWith("gradlab-lti-state=") && !c.startsWith("gradlab-lti-state=;"))).toMatch(/HttpOnly; SameSite=None; Secure/);
    expect(l.browser.jar.has("gradlab-lti-state")).toBe(false);

    // The second launch signs the same account in: no new account.
    const again = await launch({ sub: "stu-1", roles: [ROLE.learner], email: "ada@uni.edu" });
    expect(again.res.status).toBe(303);
    expect((await sessionOf(again.browser))!.id).toBe(me!.id);
    expect(B.db.select().from(users).where(eq(users.email, "ada@uni.edu")).all()).toHaveLength(1);
  });

  it("maps LTI roles: a TA who is also Instructor is an instructor; an LMS Administrator is never a GradLab admin", async () => {
    const ta = await launch({ sub: "ta-1", roles: [ROLE.ta, ROLE.instructor], targetLinkUri: `${base}/courses` });
    expect(ta.res.headers.get("location")).toBe("/courses");
    expect((await sessionOf(ta.browser))!.role).toBe("instructor");
    expect(B.db.select().from(ltiAccounts).where(eq(ltiAccounts.subject, "ta-1")).get()!.roles).toEqual(["instructor", "ta"]);
    const adm = await launch({ sub: "lms-admin", roles: [ROLE.admin] });
    expect((await sessionOf(adm.browser))!.role).toBe("learner");
  });

  it("never takes over an existing account by its email: the platform user gets an account of its own", async () => {
    const l = await launch({ sub: "stu-evil", roles: [ROLE.learner], email: "root@lti.org" });
    const me = await sessionOf(l.browser);
    expect(me!.email).not.toBe("root@lti.org");
    expect(me!.email).toMatch(/@lti\.gradlab\.invalid$/);
    expect(me!.role).toBe("learner");
  });

  it("goes home, never off-site, when the target is another origin or the launch URL itself", async () => {
    expect((await launch({ sub: "s2", roles: [ROLE.learner], targetLinkUri: "https://evil.example/x" })).res.headers.get("location")).toBe("/");
    expect((await launch({ sub: "s3", roles: [ROLE.learner], custom: { exercise: "//evil.example" } })).res.headers.get("location")).toMatch(/^\/exercises\//);
  });
});

describe("a launch is refused, saying what is wrong", () => {
  const learner = { sub: "stu-x", roles: [ROLE.learner] };
  it("signed with a key not in the platform's JWKS", async () => {
    refusedWith(await launch({ ...learner, foreignKey: true }), 401, "bad_signature", /signature does not match any key at http:\/\/127\.0\.0\.1:\d+\/jwks/);
  });
  it("for another tool (aud), or with several audiences and no azp of ours", async () => {
    refusedWith(await launch({ ...learner, claims: (c) => ({ ...c, aud: "someone-else" }) }), 401, "wrong_audience", /aud does not include GradLab's client id gradlab-client-1/);
    refusedWith(await launch({ ...learner, claims: (c) => ({ ...c, aud: ["gradlab-client-1", "other"] }) }), 401, "wrong_azp", /azp must be GradLab's client id gradlab-client-1; it is missing/);
    const ok = await launch({ ...learner, claims: (c) => ({ ...c, aud: ["gradlab-client-1", "other"], azp: "gradlab-client-1" }) });
    expect(ok.res.status).toBe(303);
  });
  it("expired", async () => {
    refusedWith(await launch({ ...learner, claims: (c) => ({ ...c, iat: Number(c.iat) - 3600, exp: Number(c.iat) - 600 }) }), 401, "token_expired", /has expired \(exp is past\)/);
  });
  it("replayed: the same id_token and state posted again", async () => {
    const first = await launch(learner);
    expect(first.res.status).toBe(303);
    // The attacker replays with the state cookie too.
    const b = new Browser();
    b.jar.set("gradlab-lti-state", first.form.fields.state);
    const replay = await postLaunch(b, first.form.fields);
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain("already used (its nonce is single-use)");
    // Replayed into a fresh login of the attacker's own: the nonce is not the one sent with it.
    const fresh = await launch(learner);
    const b2 = new Browser();
    const login = await fetch(lms.loginInitiation(`${base}/api/lti/login`, learner), { redirect: "manual" });
    b2.keep(login);
    const state = new URL(login.headers.get("location")!).searchParams.get("state")!;
    const mixed = await postLaunch(b2, { id_token: fresh.form.fields.id_token, state });
    expect(mixed.status).toBe(401);
    expect(await mixed.text()).toContain("nonce is not the one GradLab sent with this login");
  });
  it("from an unregistered deployment (at login, and in a token whose claim differs)", async () => {
    const login = await fetch(lms.loginInitiation(`${base}/api/lti/login`, { ...learner, deploymentId: "dep-unknown" }), { redirect: "manual" });
    expect(login.status).toBe(400);
    expect(await login.text()).toContain("Deployment dep-unknown of");
    const claims = (c: Record<string, unknown>) => ({ ...c, "https://purl.imsglobal.org/spec/lti/claim/deployment_id": "dep-other" });
    refusedWith(await launch({ ...learner, claims }), 401, "unknown_deployment", /Deployment dep-other of http:\/\/127\.0\.0\.1:\d+ is not registered/);
  });
  it("without the state cookie, or with another login's", async () => {
    refusedWith(await launch(learner, { dropCookie: true }), 401, "state_cookie_missing", /did not keep GradLab's login cookie/);
    refusedWith(await launch(learner, { cookieState: "someone-elses-state" }), 401, "state_mismatch", /state does not match the login this browser started/);
  });
  it("with the wrong message type or version", async () => {
    refusedWith(await launch({ ...learner, claims: (c) => ({ ...c, "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiSubmissionReviewRequest" }) }), 400, "wrong_message_type", /not LtiSubmissionReviewRequest/);
    refusedWith(await launch({ ...learner, claims: (c) => ({ ...c, "https://purl.imsglobal.org/spec/lti/claim/version": "1.1" }) }), 400, "wrong_version", /version 1\.1; GradLab speaks 1\.3\.0/);
  });
  it("from an unregistered platform, with the page in the reader's language", async () => {
    const res = await fetch(`${base}/api/lti/login?iss=${encodeURIComponent("https://nobody.example")}&login_hint=x`, { headers: { "accept-language": "zh-CN" } });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("从课程启动失败");
    expect(html).toContain("https://nobody.example");
    expect(html).toContain("No LMS platform is registered with issuer https://nobody.example");
  });
});

describe("the cross-site exemption is exactly the LTI login and launch", () => {
  it("still refuses a cross-site write to any other route", async () => {
    const res = await fetch(`${base}/api/admin/lti/platforms`, { method: "POST", headers: { origin: lms.issuer, cookie: "x=1", "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/^Refused a request from http:\/\/127\.0\.0\.1/);
  });
});

describe("registration and GradLab's keys", () => {
  it("only admins register platforms; a bad registration says which field is wrong", async () => {
    const asLearner = await fetch(`${base}/api/admin/lti/platforms`, { headers: { authorization: `Bearer ${learnerToken}` } });
    expect(asLearner.status).toBe(403);
    const bad = await fetch(`${base}/api/admin/lti/platforms`, { method: "POST", headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" }, body: JSON.stringify({ ...lms.registration(), jwksUrl: "ftp://x", deploymentIds: [] }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/jwksUrl: jwksUrl must be an http\(s\) URL; deploymentIds: deploymentIds needs at least one/);
    const list = await (await fetch(`${base}/api/admin/lti/platforms`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
    expect(list).toMatchObject([{ issuer: lms.issuer, clientId: lms.clientId, deploymentIds: [lms.deploymentId] }]);
  });

  it("publishes its JWKS; a rotated-out key stays published for the grace period only", async () => {
    const K = await import("../../server/lti/keys.ts");
    const first = (await (await fetch(`${base}/api/lti/jwks`)).json()) as { keys: { kid: string; kty: string; d?: string }[] };
    expect(first.keys).toHaveLength(1);
    expect(first.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(first.keys[0].d).toBeUndefined();
    const rotated = await K.rotateKey(B.db, 7);
    expect(rotated.retired).toEqual([first.keys[0].kid]);
    const after = (await (await fetch(`${base}/api/lti/jwks`)).json()) as { keys: { kid: string }[] };
    expect(after.keys.map((k) => k.kid).sort()).toEqual([first.keys[0].kid, rotated.kid].sort());
    expect((await K.activeKey(B.db)).kid).toBe(rotated.kid);
    const later = await K.publicJwks(B.db, Date.now() + 8 * 86_400_000);
    expect(later.keys.map((k) => k.kid)).toEqual([rotated.kid]);
  });
});
