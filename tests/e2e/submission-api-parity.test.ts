/**
 * The web server answers the three submission routes itself (server/submission-fast-path.ts);
 * Next's route files delegate to the same code. This runs the real web server twice on one data
 * folder, once as shipped and once with GRADLAB_API_FAST_PATH=off (every request through Next),
 * sends both the same requests, and requires the same status, body and relevant headers: body
 * limits, cross-site refusals, sessions (cookie, bearer, missing, expired), someone else's and
 * unknown ids, the long poll, Retry-After, Location, Cache-Control and the language of errors
 * (the direct routes alone, without a build: tests/app/submission-fast-path.test.ts).
 * No grading worker runs: submissions stay queued unless the test stores a verdict. The built web
 * app is needed (ensureBuilt); no browser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt, freePort, ROOT } from "./server.ts";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-api-parity-"));
// Nothing grades here: the per-learner cap on waiting submissions is lifted (the per-minute limit stays, for a 429).
process.env.GRADLAB_MAX_QUEUED_PER_LEARNER = "1000";
const ctx = await import("../../server/context.ts");
const B = await import("../../server/index.ts");
const A = await import("../../server/accounts.ts");
const S = await import("../../db/schema.ts");
const { eq } = await import("drizzle-orm");

interface Web {
  url: string;
  child: ChildProcess;
  out: string;
}
const webs: Web[] = [];

async function startWeb(fastPath: boolean): Promise<Web> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", GRADLAB_ROOT: ROOT, NEXT_TELEMETRY_DISABLED: "1", GRADLAB_API_FAST_PATH: fastPath ? "on" : "off", GRADLAB_LTI_RELAY: "off" };
  const child = spawn(process.execPath, ["--no-node-snapshot", join(ROOT, "server", "web-server.ts")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const web: Web = { url: `http://127.0.0.1:${port}`, child, out: "" };
  webs.push(web);
  await new Promise<void>((resolve, reject) => {
    const seen = (d: Buffer) => {
      web.out += d;
      if (/web server listening/.test(web.out)) resolve();
    };
    child.stdout!.on("data", seen);
    child.stderr!.on("data", seen);
    child.once("exit", () => reject(new Error(`the web server exited:\n${web.out}`)));
  });
  return web;
}

const u: Record<string, { id: string; email: string; password: string; token: string }> = {};
const subs: Record<string, string> = {};
let fast: Web;
let viaNext: Web;
let cookie = "";

function graded(id: string): void {
  const result = {
    exercise: "dense", score: 7, maxScore: 10, status: "failed", stdout: "", durationMs: 1, seed: "hidden-seed-0123456789", version: "v1",
    tests: [
      { name: "visible case", score: 5, maxScore: 5, status: "passed", output: "", visibility: "visible" },
      { name: "hidden batch", score: 2, maxScore: 5, status: "failed", output: "dW[3,1] expected 0.25 got 0.5", visibility: "hidden" },
    ],
  };
  const now = new Date();
  ctx.db.update(S.submissions).set({ result, score: 7, maxScore: 10, verdict: "failed", startedAt: now, finishedAt: now }).where(eq(S.submissions.id, id)).run();
}

async function submitted(who: string, code: string): Promise<string> {
  const out = await B.submit({ id: u[who].id, email: u[who].email, name: who, role: "learner" }, { exerciseId: "dense", code });
  if (!out.ok) throw new Error(out.error);
  return out.id;
}

beforeAll(async () => {
  ensureBuilt();
  for (const who of ["owner", "other", "zh", "expired", "hurried"]) {
    const r = await A.addUser(ctx.auth, ctx.db, `${who}@parity.org`, "learner");
    u[who] = { id: r.id, email: r.email, password: r.password, token: await A.issueToken(ctx.auth, ctx.db, r.email) };
  }
  ctx.db.update(S.users).set({ locale: "zh-CN" }).where(eq(S.users.id, u.zh.id)).run();
  // An expired bearer token: better-auth refuses (and deletes) it on either server.
  ctx.db.update(S.sessions).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(S.sessions.userId, u.expired.id)).run();
  subs.queued = await submitted("owner", "export const a = 1;");
  subs.done = await submitted("owner", "export const b = 2;");
  graded(subs.done);
  subs.others = await submitted("other", "export const c = 3;");
  // The next POST of this learner is past the per-minute limit (429 with Retry-After).
  for (let i = 0; i < B.SUBMISSIONS_PER_MINUTE; i++) await submitted("hurried", `export const d = ${i};`);
  [fast, viaNext] = await Promise.all([startWeb(true), startWeb(false)]);
  // A browser's cookie session, signed in through the app's own form endpoint.
  const r = await fetch(`${fast.url}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: u.owner.email, password: u.owner.password }) });
  expect(r.status).toBe(200);
  cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  expect(cookie).toMatch(/session_token=/);
}, 900_000);

afterAll(async () => {
  for (const w of webs) {
    if (w.child.exitCode !== null) continue;
    w.child.kill("SIGTERM");
    await new Promise<void>((r) => (w.child.exitCode !== null ? r() : w.child.on("exit", () => r())));
  }
  (await import("../../db/client.ts")).closeAllDbs();
});

/** The headers a client or a browser acts on (Date, Keep-Alive and the like excepted). */
const RELEVANT = ["content-type", "cache-control", "location", "retry-after", "content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy", "cross-origin-opener-policy", "permissions-policy", "set-cookie", "www-authenticate"];

interface Case {
  name: string;
  method?: "GET" | "POST";
  path: string;
  headers?: (base: string) => Record<string, string>;
  body?: string;
}

const bearer = (who: string) => () => ({ authorization: `Bearer ${u[who].token}` });
const json = { "content-type": "application/json" };
const good = JSON.stringify({ exerciseId: "dense", code: "export const ok = 1;" });

const CASES: () => Case[] = () => [
  { name: "good POST (bearer)", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("owner")(), ...json }), body: good },
  { name: "good POST (cookie, same-origin page)", method: "POST", path: "/api/submissions", headers: (base) => ({ cookie, origin: base, ...json }), body: good },
  { name: "POST, not JSON", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("owner")(), ...json }), body: "{nope" },
  { name: "POST, not JSON, zh-CN Accept-Language", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("owner")(), ...json, "accept-language": "zh-CN,zh;q=0.9" }), body: "{nope" },
  { name: "POST, not JSON, user's saved locale zh-CN", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("zh")(), ...json }), body: "{nope" },
  { name: "POST, wrong shape", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("owner")(), ...json }), body: "{}" },
  { name: "POST, unknown exercise", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("owner")(), ...json }), body: JSON.stringify({ exerciseId: "nope", code: "x" }) },
  { name: "POST, empty code, locale cookie zh-CN", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("owner")(), ...json, cookie: "gradlab-locale=zh-CN" }), body: JSON.stringify({ exerciseId: "dense", code: " " }) },
  { name: "POST, body over the limit", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("owner")(), ...json }), body: JSON.stringify({ exerciseId: "dense", code: "x".repeat(700 * 1024) }) },
  { name: "POST, cross-origin with a cookie", method: "POST", path: "/api/submissions", headers: () => ({ cookie, origin: "https://evil.example", ...json }), body: good },
  { name: "POST, body over the limit, zh-CN Accept-Language", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("owner")(), ...json, "accept-language": "zh-CN,zh;q=0.9" }), body: JSON.stringify({ exerciseId: "dense", code: "x".repeat(700 * 1024) }) },
  { name: "POST, cross-origin with a cookie, locale cookie zh-CN", method: "POST", path: "/api/submissions", headers: () => ({ cookie: `${cookie}; gradlab-locale=zh-CN`, origin: "https://evil.example", ...json }), body: good },
  { name: "POST, past the per-minute limit (Retry-After)", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("hurried")(), ...json }), body: good },
  { name: "POST, no session", method: "POST", path: "/api/submissions", headers: () => json, body: good },
  { name: "POST, expired session, zh-CN", method: "POST", path: "/api/submissions", headers: () => ({ ...bearer("expired")(), ...json, "accept-language": "zh-CN" }), body: good },
  { name: "GET own queued (bearer)", path: `/api/submissions/${subs.queued}`, headers: bearer("owner") },
  { name: "GET own graded with code (cookie)", path: `/api/submissions/${subs.done}?code=1`, headers: () => ({ cookie }) },
  { name: "GET someone else's", path: `/api/submissions/${subs.others}`, headers: bearer("owner") },
  { name: "GET unknown id, zh-CN", path: "/api/submissions/no-such-id", headers: () => ({ ...bearer("owner")(), "accept-language": "zh-CN" }) },
  { name: "GET without a session", path: `/api/submissions/${subs.queued}` },
  { name: "GET with a made-up token, zh-CN", path: `/api/submissions/${subs.queued}`, headers: () => ({ authorization: "Bearer not-a-token", "accept-language": "zh-CN" }) },
  { name: "wait known=queued timeout=0", path: `/api/submissions/${subs.queued}/wait?known=queued&timeout=0`, headers: bearer("owner") },
  { name: "wait on a graded one", path: `/api/submissions/${subs.done}/wait`, headers: bearer("owner") },
  { name: "wait, someone else's", path: `/api/submissions/${subs.others}/wait?timeout=0`, headers: bearer("owner") },
  { name: "wait, unknown id, user's locale zh-CN", path: "/api/submissions/nope/wait?timeout=0", headers: bearer("zh") },
  { name: "wait without a session", path: `/api/submissions/${subs.queued}/wait?timeout=0` },
];

interface Seen {
  status: number;
  headers: Record<string, string | null>;
  body: unknown;
}

async function send(base: string, c: Case): Promise<Seen> {
  const r = await fetch(base + c.path, { method: c.method ?? "GET", headers: c.headers?.(base) ?? {}, body: c.body });
  const raw = await r.text();
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    /* compared as text */
  }
  // A new submission's id differs between the two servers: compared as "<new>".
  const fresh = (body as { id?: unknown } | null)?.id;
  if (r.status === 202 && typeof fresh === "string") body = { ...(body as object), id: "<new>" };
  const headers = Object.fromEntries(RELEVANT.map((h) => [h, r.headers.get(h)?.replace(typeof fresh === "string" ? fresh : "\0", "<new>") ?? null]));
  return { status: r.status, headers, body };
}

describe("the submission routes answered by the web server and by Next", () => {
  it("give the same status, body and headers for the same requests", async () => {
    const diffs: string[] = [];
    for (const c of CASES()) {
      const a = await send(fast.url, c);
      const b = await send(viaNext.url, c);
      try {
        expect(a, c.name).toEqual(b);
      } catch {
        diffs.push(`${c.name}:\n  direct ${JSON.stringify(a)}\n  Next   ${JSON.stringify(b)}`);
      }
    }
    expect(diffs.join("\n")).toBe("");
  }, 120_000);

  it("says what the learner sees in those cases (the comparison is not of two broken answers)", async () => {
    const c = Object.fromEntries(CASES().map((x) => [x.name, x]));
    const posted = await send(fast.url, c["good POST (bearer)"]);
    expect(posted).toMatchObject({ status: 202, body: { id: "<new>" }, headers: { location: "/api/submissions/<new>", "x-frame-options": "DENY" } });
    expect((await send(fast.url, c["POST, not JSON, user's saved locale zh-CN"])).body).toMatchObject({ code: "errors.submit.invalidJson", error: expect.stringMatching(/[\u4e00-\u9fff]/) });
    expect(await send(fast.url, c["POST, past the per-minute limit (Retry-After)"])).toMatchObject({ status: 429, headers: { "retry-after": "60" } });
    expect(await send(fast.url, c["POST, body over the limit"])).toMatchObject({ status: 413, body: { code: "errors.api.bodyTooLarge", error: expect.stringMatching(/^The request body is larger than this route accepts/) } });
    expect(await send(fast.url, c["POST, cross-origin with a cookie"])).toMatchObject({ status: 403, body: { code: "errors.api.crossSite", error: expect.stringMatching(/^Refused a request from https:\/\/evil\.example/) } });
    expect(await send(fast.url, c["POST, body over the limit, zh-CN Accept-Language"])).toMatchObject({ status: 413, headers: { "cache-control": "no-store" }, body: { error: expect.stringMatching(/^请求体超出此接口的上限/), english: expect.stringMatching(/^The request body is larger/) } });
    expect(await send(fast.url, c["POST, cross-origin with a cookie, locale cookie zh-CN"])).toMatchObject({ status: 403, headers: { "cache-control": "no-store" }, body: { error: expect.stringMatching(/^已拒绝来自 https:\/\/evil\.example 的请求/), english: expect.stringMatching(/^Refused a request from https:\/\/evil\.example/) } });
    expect((await send(fast.url, c["GET someone else's"])).status).toBe(404);
    expect(await send(fast.url, c["GET own graded with code (cookie)"])).toMatchObject({ status: 200, headers: { "cache-control": "no-store" }, body: { id: subs.done, status: "done", code: "export const b = 2;" } });
    expect(JSON.stringify((await send(fast.url, c["GET own graded with code (cookie)"])).body)).not.toMatch(/hidden-seed|expected 0\.25/);
    expect(await send(fast.url, c["wait known=queued timeout=0"])).toMatchObject({ status: 200, body: { status: "queued", result: null } });
    expect((await send(fast.url, c["GET without a session"])).status).toBe(401);
  });
});
