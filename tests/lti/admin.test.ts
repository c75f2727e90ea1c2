// Admin → LTI's API (server/lti/admin.ts): admins only; a platform added with each wrong field
// named, edited (deployments as given), removed; GradLab's own values; key rotation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { B, startTool, type Tool } from "./tool-harness.ts";

const A = await import("../../server/accounts.ts");

let tool: Tool;
let admin = "";
let learner = "";

beforeAll(async () => {
  tool = await startTool();
  await A.addUser(B.auth, B.db, "root@adm.org", "admin");
  await A.addUser(B.auth, B.db, "someone@adm.org", "learner");
  admin = await A.issueToken(B.auth, B.db, "root@adm.org");
  learner = await A.issueToken(B.auth, B.db, "someone@adm.org");
}, 60_000);

afterAll(async () => {
  await tool.close();
  (await import("../../db/client.ts")).closeAllDbs();
});

async function api(method: string, path: string, body?: unknown, token = admin) {
  const res = await fetch(`${tool.base}/api/lti/admin${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: string } };
}

const canvas = { issuer: "https://canvas.instructure.com", clientId: "10000000000042", authEndpoint: "https://sso.canvaslms.com/api/lti/authorize_redirect", tokenEndpoint: "https://uni.instructure.com/login/oauth2/token", jwksUrl: "https://sso.canvaslms.com/api/lti/security/jwks", deploymentIds: "12:abc\n13:def" };

describe("Admin → LTI API", () => {
  it("is for admins only", async () => {
    expect((await api("GET", "/platforms", undefined, learner)).status).toBe(403);
    expect((await api("POST", "/platforms", canvas, learner)).status).toBe(403);
    expect((await api("POST", "/key", {}, learner)).status).toBe(403);
    expect((await api("POST", "/registration-links", {}, learner)).status).toBe(403);
  });

  it("names each wrong field of a platform", async () => {
    const bad = await api("POST", "/platforms", { ...canvas, issuer: "canvas", jwksUrl: "ftp://x", clientId: " ", deploymentIds: "" });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.fields as object).sort()).toEqual(["clientId", "deploymentIds", "issuer", "jwksUrl"]);
    expect(bad.json.error).toMatch(/issuer: issuer must be an http\(s\) URL/);
  });

  it("adds, refuses a duplicate, edits and removes a platform; shows GradLab's values", async () => {
    const added = await api("POST", "/platforms", canvas);
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ issuer: canvas.issuer, deploymentIds: ["12:abc", "13:def"] });
    expect((await api("POST", "/platforms", canvas)).status).toBe(409);
    const id = added.json.id as string;
    const edited = await api("PUT", `/platforms/${id}`, { ...canvas, deploymentIds: ["13:def"], tokenEndpoint: "https://other.instructure.com/login/oauth2/token" });
    expect(edited.status).toBe(200);
    const view = await api("GET", "/platforms");
    expect(view.json.platforms).toEqual([expect.objectContaining({ id, deploymentIds: ["13:def"], tokenEndpoint: "https://other.instructure.com/login/oauth2/token" })]);
    expect(view.json.tool).toEqual({ login: `${tool.base}/api/lti/login`, launch: `${tool.base}/api/lti/launch`, jwks: `${tool.base}/api/lti/jwks`, deepLink: `${tool.base}/api/lti/launch`, registration: `${tool.base}/api/lti/register` });
    expect((await api("DELETE", `/platforms/${id}`, {})).json).toEqual({ removed: id });
    expect((await api("GET", "/platforms")).json.platforms).toEqual([]);
    expect((await api("DELETE", `/platforms/${id}`, {})).status).toBe(404);
  });

  it("rotates GradLab's key: the old one stays listed as retired for the grace period", async () => {
    const before = (await (await fetch(`${tool.base}/api/lti/jwks`)).json()) as { keys: { kid: string }[] };
    const r = await api("POST", "/key", { graceDays: 3 });
    expect(r.status).toBe(200);
    const keys = (await api("GET", "/platforms")).json.keys as { kid: string; retired: boolean; publishUntil: number | null }[];
    expect(keys.find((k) => k.kid === r.json.kid)).toMatchObject({ retired: false });
    const old = keys.find((k) => k.kid === before.keys[0].kid)!;
    expect(old.retired).toBe(true);
    expect(old.publishUntil! - Date.now()).toBeGreaterThan(2.9 * 86_400_000);
    expect((await api("POST", "/key", { graceDays: -1 })).status).toBe(400);
  });
});

describe("GradLab's base URL", () => {
  it("is the Host the browser used, not the URL Next hands the route (its own listening host)", async () => {
    const { toolBaseUrl } = await import("../../server/lti/login.ts");
    expect(toolBaseUrl(new Request("http://localhost:3000/api/lti/login", { headers: { host: "127.0.0.1:4000" } }))).toBe("http://127.0.0.1:4000");
    expect(toolBaseUrl("http://localhost:3000/api/lti/login")).toBe("http://localhost:3000");
  });
});
