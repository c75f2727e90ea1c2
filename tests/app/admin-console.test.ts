// The admin console (issue 15 item 7) on the real SQLite database, through better-auth's HTTP
// handler where sign-in matters: only admins manage accounts; search; global roles; a disabled
// account cannot sign in and its tokens stop working, re-enabled it can; a one-time reset link;
// learners change their own password; no impersonation; the per-account sign-in throttle still
// holds with the admin plugin on; every course with its staff.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUnderTest, type User } from "./server-under-test.ts";

const { ctx, C, B, A } = await serverUnderTest("admin", { GRADLAB_SIGNIN_PER_ACCOUNT: "4" });
const M = await import("../../server/admin/accounts-admin.ts");

const u: Record<string, User> = {};
const tokens: Record<string, string> = {};
const PW = "first-password";
const ORIGIN = "http://localhost:3000";

async function user(key: string, role: "learner" | "instructor" | "admin"): Promise<void> {
  const r = await A.addUser(ctx.auth, ctx.db, `${key}@admin.org`, role, PW);
  u[key] = { id: r.id, email: r.email, name: key, role };
  tokens[key] = await A.issueToken(ctx.auth, ctx.db, r.email);
}
const bearer = (k: string) => new Headers({ authorization: `Bearer ${tokens[k]}` });

/** A request to better-auth's HTTP handler, as the browser sends it. */
async function authPost(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await ctx.auth.handler(new Request(`${ORIGIN}/api/auth${path}`, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, "x-gradlab-client-ip": "10.0.0.9", ...headers }, body: JSON.stringify(body) }));
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}
const signIn = (email: string, password: string) => authPost("/sign-in/email", { email, password });

async function refused(p: Promise<unknown> | (() => unknown)): Promise<{ status: number; message: string }> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return { status: (e as { status: number }).status, message: (e as Error).message };
  }
  throw new Error("expected a refusal");
}

beforeAll(async () => {
  await user("root", "admin");
  await user("inst", "instructor");
  await user("ada", "learner");
  await user("bob", "learner");
  const c = C.createCourse(u.inst, { title: "Admin 101", timeZone: "UTC" }).id;
  C.setMemberRole(u.root, c, { email: u.ada.email, role: "learner" });
  C.setMemberRole(u.root, c, { email: u.bob.email, role: "ta" });
}, 60_000);

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

describe("who may", () => {
  it("only admins: a 403 for an instructor, and the plugin's own endpoint refuses a learner too", async () => {
    expect(await refused(B.admin.users(u.inst, bearer("inst")))).toEqual({ status: 403, message: "Only admins may manage accounts." });
    expect(await refused(() => B.admin.courses(u.ada))).toMatchObject({ status: 403 });
    const res = await ctx.auth.handler(new Request(`${ORIGIN}/api/auth/admin/list-users`, { headers: { authorization: `Bearer ${tokens.ada}` } }));
    expect(res.status).toBe(403);
  });

  it("no one impersonates (a score must be the learner's own work)", async () => {
    const res = await authPost("/admin/impersonate-user", { userId: u.ada.id }, { authorization: `Bearer ${tokens.root}` });
    expect(res.status).toBe(403);
  });
});

describe("accounts", () => {
  it("lists and searches by email", async () => {
    const all = await B.admin.users(u.root, bearer("root"));
    expect(all.total).toBe(4);
    expect(all.users.map((x) => x.email)).toEqual(["ada@admin.org", "bob@admin.org", "inst@admin.org", "root@admin.org"]);
    const some = await B.admin.users(u.root, bearer("root"), "ADA");
    expect(some.users.map((x) => [x.email, x.role, x.disabled])).toEqual([["ada@admin.org", "learner", false]]);
  });

  it("changes a global role (checked; never one's own)", async () => {
    expect((await B.admin.setRole(u.root, bearer("root"), u.bob.id, { role: "instructor" })).role).toBe("instructor");
    expect((await B.sessionUser(bearer("bob")))!.role).toBe("instructor");
    expect(await refused(B.admin.setRole(u.root, bearer("root"), u.bob.id, { role: "owner" }))).toEqual({ status: 400, message: "Unknown role 'owner': use learner, instructor, admin." });
    expect((await refused(B.admin.setRole(u.root, bearer("root"), u.root.id, { role: "learner" }))).message).toMatch(/your own role/);
    await B.admin.setRole(u.root, bearer("root"), u.bob.id, { role: "learner" });
  });

  it("a disabled account cannot sign in and its API token stops working; re-enabled, it can", async () => {
    expect((await signIn(u.ada.email, PW)).status).toBe(200);
    expect(await B.sessionUser(bearer("ada"))).not.toBeNull();
    const d = await B.admin.disable(u.root, bearer("root"), u.ada.id, { reason: "left the university" });
    expect(d).toMatchObject({ disabled: true, disabledReason: "left the university" });
    expect(await B.sessionUser(bearer("ada"))).toBeNull();
    const refusedSignIn = await signIn(u.ada.email, PW);
    expect(refusedSignIn.status).toBe(403);
    expect(refusedSignIn.json.message).toBe("This account is disabled: ask an administrator to re-enable it.");
    expect((await refused(B.admin.disable(u.root, bearer("root"), u.root.id, {}))).status).toBe(400); // not oneself
    await B.admin.enable(u.root, bearer("root"), u.ada.id);
    expect((await signIn(u.ada.email, PW)).status).toBe(200);
  });

  it("a reset link sets a new password once and ends the account's sessions", async () => {
    const link = await B.admin.resetLink(u.root, bearer("root"), u.bob.id, "https://gradlab.example.edu/");
    expect(link.url).toMatch(/^https:\/\/gradlab\.example\.edu\/reset-password\?token=[\w-]{32}$/);
    expect(link.expiresAt).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const token = new URL(link.url).searchParams.get("token")!;
    expect((await authPost("/reset-password", { token, newPassword: "brand-new-pass" })).status).toBe(200);
    expect(await B.sessionUser(bearer("bob"))).toBeNull();
    expect((await authPost("/reset-password", { token, newPassword: "again-new-pass" })).status).toBe(400);
    expect((await signIn(u.bob.email, PW)).status).toBe(401);
    expect((await signIn(u.bob.email, "brand-new-pass")).status).toBe(200);
  });

  it("a learner changes their own password (the current one required)", async () => {
    const t = await A.issueToken(ctx.auth, ctx.db, u.ada.email);
    const wrong = await authPost("/change-password", { currentPassword: "not-it-at-all", newPassword: "ada-second-pw" }, { authorization: `Bearer ${t}` });
    expect(wrong.status).toBe(400);
    expect((await authPost("/change-password", { currentPassword: PW, newPassword: "ada-second-pw" }, { authorization: `Bearer ${t}` })).status).toBe(200);
    expect((await signIn(u.ada.email, "ada-second-pw")).status).toBe(200);
  });

  it("the per-account sign-in throttle still holds with the admin plugin on", async () => {
    for (let i = 0; i < 4; i++) expect((await signIn(u.inst.email, "wrong-password")).status).toBe(401);
    const r = await signIn(u.inst.email, PW);
    expect(r.status).toBe(429);
    expect(String(r.json.message)).toMatch(/Too many sign-in attempts/);
  });
});

describe("courses and their staff", () => {
  it("every course, its instructors and TAs, and its number of learners", async () => {
    expect(B.admin.courses(u.root)).toEqual([{ id: expect.any(String), title: "Admin 101", archived: false, instructors: ["inst@admin.org"], tas: ["bob@admin.org"], learners: 1 }]);
  });
});

describe("the CLI's operator", () => {
  it("acts as the oldest admin through a session it deletes afterwards", async () => {
    const before = ctx.db.$client.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number };
    const page = await M.withOperator(ctx.auth, ctx.db, undefined, (a) => M.listUsers(a, { search: "inst" }));
    expect(page.users.map((x) => x.email)).toEqual(["inst@admin.org"]);
    expect((ctx.db.$client.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number }).n).toBe(before.n);
    expect((await refused(M.withOperator(ctx.auth, ctx.db, u.inst.email, async () => 1))).message).toBe("inst@admin.org is not an admin account.");
  });
});
