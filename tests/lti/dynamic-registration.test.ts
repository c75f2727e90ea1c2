// LTI Dynamic Registration 1.0 (issue 16.2) against the test LMS over real HTTP: the LMS opens
// GradLab's registration URL with openid_configuration and registration_token; GradLab reads the
// configuration, the admin confirms, GradLab posts its tool configuration with the token, stores
// the platform with the client id and deployment the LMS answered, and closes the dialog. Then a
// launch from that LMS works. Who may register, and a lying or refusing platform, are refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { B, Browser, formOf, launch, postForm, startTool, type Tool } from "./tool-harness.ts";
import { ROLE, TestPlatform } from "./platform.ts";
import { DeepLinkPlatform } from "./platform-deep-link.ts";

const A = await import("../../server/accounts.ts");

let tool: Tool;
const lms = new TestPlatform();
let dl: DeepLinkPlatform;
let adminToken = "";
let learnerToken = "";
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

beforeAll(async () => {
  tool = await startTool();
  await lms.start();
  dl = new DeepLinkPlatform(lms, "http://unset.invalid/");
  await A.addUser(B.auth, B.db, "root@reg.org", "admin");
  await A.addUser(B.auth, B.db, "someone@reg.org", "learner");
  adminToken = await A.issueToken(B.auth, B.db, "root@reg.org");
  learnerToken = await A.issueToken(B.auth, B.db, "someone@reg.org");
}, 60_000);

afterAll(async () => {
  await tool.close();
  await lms.stop();
  (await import("../../db/client.ts")).closeAllDbs();
});

/** The URL the LMS opens: GradLab's registration URL with the LMS's two parameters. */
function initiation(registrationUrl: string, token = dl.newRegistrationToken()): string {
  const u = new URL(registrationUrl);
  u.searchParams.set("openid_configuration", dl.openidConfigurationUrl);
  u.searchParams.set("registration_token", token);
  return u.href;
}

async function newLink(): Promise<string> {
  const res = await fetch(`${tool.base}/api/lti/admin/registration-links`, { method: "POST", headers: { ...bearer(adminToken), "content-type": "application/json" }, body: "{}" });
  expect(res.status).toBe(201);
  const { url } = (await res.json()) as { url: string };
  expect(url).toMatch(new RegExp(`^${tool.base}/api/lti/register/[\\w-]{20,}$`));
  return url;
}

/** The LMS's dialog: GET the registration page, then press its button (a same-origin form post). */
async function register(url: string, headers: Record<string, string> = {}) {
  const page = await fetch(url, { headers });
  const html = await page.text();
  if (page.status !== 200) return { page, html, done: null };
  const form = formOf(html);
  const done = await postForm(tool, new Browser(), new URL(url).pathname, Object.entries(form.fields), headers);
  return { page, html, done, doneHtml: await done.text() };
}

describe("dynamic registration", () => {
  it("through a one-time link: registers GradLab's configuration with the token, stores a usable platform, closes the dialog", async () => {
    const link = await newLink();
    const r = await register(initiation(link));
    expect(r.page.status, r.html).toBe(200);
    // The LMS shows the page in its own dialog: it may frame it, nobody else may.
    expect(r.page.headers.get("content-security-policy")).toContain(`frame-ancestors ${lms.issuer}`);
    expect(r.html).toContain(lms.issuer);
    expect(r.html).toContain(`${tool.base}/api/lti/login`);
    expect(r.done!.status, r.doneHtml).toBe(200);
    expect(r.doneHtml).toContain('postMessage({ subject: "org.imsglobal.lti.close" }, "*")');
    expect(r.done!.headers.get("content-security-policy")).toMatch(/script-src 'nonce-[^']+'/);

    // What the platform received (it checked the bearer registration token, or it would have refused).
    expect(dl.registrations).toHaveLength(1);
    const reg = dl.registrations[0];
    expect(reg).toMatchObject({
      application_type: "web",
      initiate_login_uri: `${tool.base}/api/lti/login`,
      redirect_uris: [`${tool.base}/api/lti/launch`],
      jwks_uri: `${tool.base}/api/lti/jwks`,
      token_endpoint_auth_method: "private_key_jwt",
    });
    expect(reg.scope.split(" ")).toEqual(expect.arrayContaining(["https://purl.imsglobal.org/spec/lti-ags/scope/score", "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem", "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"]));
    const cfg = reg["https://purl.imsglobal.org/spec/lti-tool-configuration"];
    expect(cfg.domain).toBe(new URL(tool.base).host);
    expect(cfg.messages.map((m) => m.type)).toEqual(["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]);

    // GradLab stored the platform as the LMS answered.
    const admin = (await B.sessionUser(new Headers(bearer(adminToken))))!;
    const stored = B.lti.platforms.list(admin).find((p) => p.issuer === lms.issuer)!;
    expect(stored).toMatchObject({ clientId: lms.clientId, authEndpoint: `${lms.issuer}/auth`, tokenEndpoint: `${lms.issuer}/token`, jwksUrl: `${lms.issuer}/jwks`, deploymentIds: [dl.registeredDeploymentId] });

    // And it works: a launch from the registered deployment signs the learner in.
    const l = await launch(tool, lms, { sub: "dyn-stu", roles: [ROLE.learner], deploymentId: dl.registeredDeploymentId, custom: { exercise: "dense" } });
    expect(l.res.status, l.body).toBe(303);
    expect(l.res.headers.get("location")).toBe("/exercises/dense");
    // A deep link from it verifies against the JWKS URL GradLab registered.
    const d = await launch(tool, lms, { ...dl.request({ sub: "dyn-prof", roles: [ROLE.instructor] }), deploymentId: dl.registeredDeploymentId });
    expect(d.res.status, d.body).toBe(303);
    const s = new URL(d.res.headers.get("location")!, tool.base).searchParams.get("s")!;
    const picked = await postForm(tool, d.browser, "/api/lti/deep-link", [["s", s], ["exercise", "dense"]]);
    const jwt = formOf(await picked.text()).fields.JWT;
    expect(dl.toolJwksUrl).toBe(`${tool.base}/api/lti/jwks`);
    expect(await dl.verify(jwt)).toMatchObject({ ok: true });

    // The link is used up: a second registration through it is refused.
    const again = await register(initiation(link));
    expect(again.page.status).toBe(403);
    expect(again.html).toContain('data-lti-error="registration_link_used"');
  });

  it("by a signed-in admin at the plain registration URL; nobody else", async () => {
    const url = `${tool.base}/api/lti/register`;
    const anon = await fetch(initiation(url));
    expect(anon.status).toBe(403);
    expect(await anon.text()).toContain('data-lti-error="registration_denied"');
    const learner = await fetch(initiation(url), { headers: bearer(learnerToken) });
    expect(learner.status).toBe(403);
    const forged = await postForm(tool, new Browser(), "/api/lti/register", [["openid_configuration", dl.openidConfigurationUrl], ["registration_token", dl.newRegistrationToken()]]);
    expect(forged.status).toBe(403);
    const before = dl.registrations.length;
    const r = await register(initiation(url), bearer(adminToken));
    expect(r.done?.status, r.doneHtml).toBe(200);
    expect(dl.registrations).toHaveLength(before + 1);
  });

  it("refuses a platform whose issuer is on another host than its configuration, or that refuses the registration; the link survives a failure", async () => {
    const link = await newLink();
    dl.configChanges = (c) => ({ ...c, issuer: "https://lms.elsewhere.example" });
    try {
      const lying = await fetch(initiation(link));
      expect(lying.status).toBe(400);
      expect(await lying.text()).toContain("is not on the host of");
    } finally {
      dl.configChanges = null;
    }
    // A stale registration token: the platform answers 401, GradLab says so and stores nothing new.
    const page = await fetch(initiation(link, "stale-token"));
    const form = formOf(await page.text());
    dl.newRegistrationToken();
    const refused = await postForm(tool, new Browser(), new URL(link).pathname, Object.entries(form.fields));
    expect(refused.status).toBe(502);
    expect(await refused.text()).toContain("HTTP 401");
    // The failed attempt did not use the link up.
    const retry = await register(initiation(link));
    expect(retry.done?.status, retry.doneHtml).toBe(200);
  });

  it("refuses a request without openid_configuration, and an unreachable configuration", async () => {
    const link = await newLink();
    const bare = await fetch(link);
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain('data-lti-error="registration_bad_request"');
    const gone = await fetch(`${link}?openid_configuration=${encodeURIComponent(`${lms.issuer}/no-such-config`)}`);
    expect(gone.status).toBe(502);
    expect(await gone.text()).toContain("answered HTTP 404");
  });
});
