// /api/auth/* (app/api/auth/[...all]/route.ts) run as Next runs it, without the web server's guard
// in front: its own refusals (a cross-site write, a body over the limit, the two sign-in limits)
// are in the reader's language, and the per-account limit is not called one "from your address".
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-auth-route-"));
process.env.GRADLAB_SIGNIN_PER_ACCOUNT = "2";
process.env.GRADLAB_SIGNIN_PER_ADDRESS = "4";
const ctx = await import("../../server/context.ts");
const B = await import("../../server/index.ts");
const A = await import("../../server/accounts.ts");
const { bodyLimit } = await import("../../server/http-guards.ts");
(globalThis as { __gradlabBackend?: Promise<typeof B> }).__gradlabBackend = Promise.resolve(B);
const { POST } = await import("../../app/api/auth/[...all]/route.ts");

const URL_SIGN_IN = "http://localhost:3000/api/auth/sign-in/email";
const zh = { "accept-language": "zh-CN,zh;q=0.9" };

function signIn(email: string, ip: string, headers: Record<string, string> = {}, body = JSON.stringify({ email, password: "wrong-password" })): Promise<Response> {
  return POST(new Request(URL_SIGN_IN, { method: "POST", headers: { "content-type": "application/json", "x-gradlab-client-ip": ip, ...headers }, body }));
}

beforeAll(async () => {
  await A.addUser(ctx.auth, ctx.db, "learner@auth-route.org", "learner");
}, 60_000);

describe("the auth route's own refusals", () => {
  it("a cross-site write: 403 in the reader's language, with better-auth's message field", async () => {
    const cross = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
    const en = await signIn("learner@auth-route.org", "10.1.0.1", cross);
    expect(en.status).toBe(403);
    const e = (await en.json()) as { error: string; message: string; code: string };
    expect(e.message).toMatch(/^Refused a request from https:\/\/evil\.example: changes are accepted only from GradLab's own pages/);
    expect(e.error).toBe(e.message);
    expect(e.code).toBe("errors.api.crossSite");
    const cn = (await (await signIn("learner@auth-route.org", "10.1.0.1", { ...cross, ...zh })).json()) as { message: string; english: string };
    expect(cn.message).toMatch(/^已拒绝来自 https:\/\/evil\.example 的请求：只接受来自 GradLab 自身页面的修改/);
    expect(cn.english).toBe(e.message);
  });

  it("a body over the limit: 413 in the reader's language", async () => {
    const big = JSON.stringify({ email: "x".repeat(bodyLimit("/api/auth/sign-in/email") + 10), password: "p" });
    const res = await signIn("learner@auth-route.org", "10.1.0.2", zh, big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toMatch(/^请求体超出此接口的上限/);
  });

  it("the per-account limit says so (not 'from your address'), in Chinese for a zh-CN reader", async () => {
    for (let i = 0; i < 2; i++) expect((await signIn("learner@auth-route.org", `10.2.0.${i + 1}`)).status).toBe(401);
    const cn = await signIn("learner@auth-route.org", "10.2.1.1", zh);
    expect(cn.status).toBe(429);
    const body = (await cn.json()) as { message: string; retryAfter: number };
    expect(body.message).toBe("该账号的登录尝试次数过多：请在 15 分钟后再试。（如果忘记了密码，请让老师为你重置。）");
    expect(body.retryAfter).toBeGreaterThan(800);
    const en = (await (await signIn("learner@auth-route.org", "10.2.1.2")).json()) as { message: string };
    expect(en.message).toBe("Too many sign-in attempts: try again in 15 minutes. (Ask your instructor to reset your password if you have forgotten it.)");
  });

  it("the per-address limit says it is this address's", async () => {
    let last: Response | undefined;
    for (let i = 0; i < 6 && last?.status !== 429; i++) last = await signIn(`nobody${i}@auth-route.org`, "10.3.0.1", zh);
    expect(last!.status).toBe(429);
    expect(((await last!.json()) as { message: string }).message).toMatch(/^你的地址请求过多：请在 \d+ 秒后再试。$/);
  });
});
