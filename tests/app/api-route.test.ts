// The one wrapper every API route handler goes through (app/_lib/server-loader.ts apiRoute): the
// same 401 for a request without a signed-in user, a cross-site write refused, a body that is not
// JSON a 400 with the route's message, a thrown HttpError as its status and message, and a plain
// result as uncached JSON with the route's status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-api-route-"));
// loadServer() imports server/index.ts natively (outside the bundler); vitest's sandbox cannot, so hand it the module.
(globalThis as { __gradlabBackend?: unknown }).__gradlabBackend = import("../../server/index.ts");
const L = await import("../../app/_lib/server-loader.ts");
let token = "";

beforeAll(async () => {
  const be = await L.loadServer();
  const { addUser, issueApiToken } = await import("../../server/accounts.ts");
  await addUser(be.auth, be.db, "route@x.org", "instructor");
  token = (await issueApiToken(be.auth, be.db, "route@x.org", 1)).token;
}, 60_000);

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

const ctx = <P,>(params: P) => ({ params: Promise.resolve(params) });
const req = (method: string, body?: string, headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/courses/c1", { method, body, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers } });

describe("apiRoute", () => {
  const echo = L.apiRoute<{ id: string }>(({ user, params, body }) => ({ id: params.id, email: user.email, body }), { status: 201, invalidBody: "Send JSON {x}." });
  const thrower = L.apiRoute(({ be }) => {
    throw new be.HttpError(409, "Archived.", { "Retry-After": "5" });
  });

  it("answers every request without a user with the one 'not signed in' message", async () => {
    const r = await echo(new Request("http://localhost/api/courses/c1"), ctx({ id: "c1" }));
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ error: L.NOT_SIGNED_IN, code: "errors.api.notSignedIn" });
    expect(L.NOT_SIGNED_IN).toMatch(/^Not signed in: sign in, or send `Authorization: Bearer <token>`/);
  });

  it("passes the user, the params and the parsed body; a plain result is uncached JSON with the route's status", async () => {
    const r = await echo(req("POST", '{"a":1}'), ctx({ id: "c1" }));
    expect(r.status).toBe(201);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(await r.json()).toEqual({ id: "c1", email: "route@x.org", body: { a: 1 } });
  });

  it("refuses a body that is not JSON with the route's message, and a cross-site write", async () => {
    const bad = await echo(req("POST", "{nope"), ctx({ id: "c1" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "Send JSON {x}." });
    const cross = await echo(req("POST", "{}", { cookie: "x=1", origin: "https://evil.example" }), ctx({ id: "c1" }));
    expect(cross.status).toBe(403);
  });

  it("turns a thrown HttpError into its status, message and headers", async () => {
    const r = await thrower(req("GET"), ctx({}));
    expect(r.status).toBe(409);
    expect(r.headers.get("retry-after")).toBe("5");
    expect(await r.json()).toEqual({ error: "Archived." });
  });

  // Issue 17: an error given as a message key answers in the reader's language, its key and English beside it.
  it("answers a keyed HttpError in the request's language (Accept-Language, else English), with its key and values", async () => {
    const { text } = await import("../../lib/i18n/server-text.ts");
    const keyed = L.apiRoute(({ be }) => {
      throw new be.HttpError(404, text("errors.gate.notInCourses", { exercise: "dense" }));
    });
    const zh = await keyed(req("GET", undefined, { "accept-language": "zh-CN,zh;q=0.9" }), ctx({}));
    expect(zh.status).toBe(404);
    expect(await zh.json()).toEqual({ error: "练习 'dense' 不在你的课程中。", code: "errors.gate.notInCourses", params: { exercise: "dense" }, english: "Exercise 'dense' is not part of your courses." });
    const en = await keyed(req("GET"), ctx({}));
    expect(await en.json()).toEqual({ error: "Exercise 'dense' is not part of your courses.", code: "errors.gate.notInCourses", params: { exercise: "dense" } });
    const unsigned = await echo(new Request("http://localhost/api/courses/c1", { headers: { "accept-language": "zh-CN" } }), ctx({ id: "c1" }));
    expect(((await unsigned.json()) as { error: string }).error).toMatch(/^尚未登录/);
  });
});
