// server/session-lookup.ts: the signed-in user without better-auth's whole getSession on every
// request. Remembering which token a request's headers name must never serve another token, and
// must never keep a signed-out, revoked or expired session working, not even for a moment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { serverUnderTest } from "./server-under-test.ts";

const { ctx, A } = await serverUnderTest("session-lookup");
const { createSessionLookup } = await import("../../server/session-lookup.ts");
const { sessions, users } = await import("../../db/schema.ts");
const { setUserLocale, userLocale } = await import("../../server/user-locale.ts");

const ORIGIN = "http://localhost:3000";
const PW = "session-password";
const ids: Record<string, string> = {};
const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

async function signIn(email: string): Promise<string> {
  const res = await ctx.auth.handler(
    new Request(`${ORIGIN}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, "x-gradlab-client-ip": "10.1.0.1" }, body: JSON.stringify({ email, password: PW }) }),
  );
  expect(res.status).toBe(200);
  const set = res.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="));
  expect(set).toBeDefined();
  return set!.split(";")[0]!; // name=value, as the browser sends it back
}

const tokenRow = (token: string) => ctx.db.select().from(sessions).where(eq(sessions.token, token)).get();

beforeAll(async () => {
  for (const name of ["ada", "bob"]) ids[name] = (await A.addUser(ctx.auth, ctx.db, `${name}@lookup.org`, "learner", PW)).id;
}, 60_000);

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

describe("session lookup", () => {
  it("answers a known token without better-auth, and each token with its own user", async () => {
    const look = createSessionLookup(ctx.db, ctx.auth);
    const ada = await A.issueToken(ctx.auth, ctx.db, "ada@lookup.org");
    const bob = await A.issueToken(ctx.auth, ctx.db, "bob@lookup.org");
    expect((await look.user(bearer(ada)))?.id).toBe(ids.ada);
    expect((await look.user(bearer(bob)))?.id).toBe(ids.bob);
    expect(look.fastAnswers).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect(await look.user(bearer(ada))).toEqual({ id: ids.ada, email: "ada@lookup.org", name: "ada", role: "learner" });
      expect((await look.user(bearer(bob)))?.id).toBe(ids.bob);
    }
    expect(look.fastAnswers).toBe(6);
    // A token that differs in one character, or none at all, is nobody.
    const forged = ada.slice(0, -1) + (ada.endsWith("A") ? "B" : "A");
    expect(await look.user(bearer(forged))).toBeNull();
    expect(await look.user(new Headers())).toBeNull();
    expect(await look.user(new Headers({ authorization: `Bearer ${ada}`, cookie: "x=1" }))).toMatchObject({ id: ids.ada });
  });

  it("refuses a signed-out or revoked token at the very next request", async () => {
    const look = createSessionLookup(ctx.db, ctx.auth);
    const t1 = await A.issueToken(ctx.auth, ctx.db, "ada@lookup.org");
    const t2 = await A.issueToken(ctx.auth, ctx.db, "ada@lookup.org");
    for (const t of [t1, t2, t1, t2]) expect((await look.user(bearer(t)))?.id).toBe(ids.ada);
    expect(look.fastAnswers).toBe(2);

    await ctx.auth.api.signOut({ headers: bearer(t1) });
    expect(await look.user(bearer(t1))).toBeNull();
    expect((await look.user(bearer(t2)))?.id).toBe(ids.ada);

    // Revoked by another process (the row deleted behind this one's back).
    ctx.db.delete(sessions).where(eq(sessions.token, t2)).run();
    expect(await look.user(bearer(t2))).toBeNull();
  });

  it("refuses an expired token (and better-auth deletes it)", async () => {
    const look = createSessionLookup(ctx.db, ctx.auth);
    const t = await A.issueToken(ctx.auth, ctx.db, "bob@lookup.org");
    expect((await look.user(bearer(t)))?.id).toBe(ids.bob);
    ctx.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.token, t)).run();
    expect(await look.user(bearer(t))).toBeNull();
    expect(tokenRow(t)).toBeUndefined();
  });

  it("shows a role change at the next request", async () => {
    const look = createSessionLookup(ctx.db, ctx.auth);
    const t = await A.issueToken(ctx.auth, ctx.db, "bob@lookup.org");
    expect((await look.user(bearer(t)))?.role).toBe("learner");
    ctx.db.update(users).set({ role: "instructor" }).where(eq(users.id, ids.bob)).run();
    expect((await look.user(bearer(t)))?.role).toBe("instructor");
    ctx.db.update(users).set({ role: "learner" }).where(eq(users.id, ids.bob)).run();
  });

  it("a cookie session: answered fast, and still refreshed by better-auth when it is due", async () => {
    const look = createSessionLookup(ctx.db, ctx.auth);
    const cookie = await signIn("ada@lookup.org");
    const h = new Headers({ cookie: `gradlab-locale=en; ${cookie}` });
    expect((await look.user(h))?.id).toBe(ids.ada);
    expect((await look.user(h))?.id).toBe(ids.ada);
    expect(look.fastAnswers).toBe(1);
    // A forged signature is nobody, though its token part is a live session's.
    const forged = cookie.replace(/\.[^.]*$/, ".AAAA");
    expect(await look.user(new Headers({ cookie: forged }))).toBeNull();

    // Older than updateAge (1 day of its 7): better-auth slides its expiry, as before.
    const token = decodeURIComponent(cookie.split("=")[1]!).split(".")[0]!;
    const soon = new Date(Date.now() + 3 * 86_400_000);
    ctx.db.update(sessions).set({ expiresAt: soon }).where(eq(sessions.token, token)).run();
    expect((await look.user(h))?.id).toBe(ids.ada);
    expect(look.fastAnswers).toBe(1);
    expect(tokenRow(token)!.expiresAt.getTime()).toBeGreaterThan(soon.getTime() + 86_400_000);

    await ctx.auth.api.signOut({ headers: h });
    expect(await look.user(h)).toBeNull();
  });

  it("a user's language change takes effect on the next request", () => {
    expect(userLocale(ids.ada)).toBeNull();
    setUserLocale(ids.ada, "zh-CN");
    expect(userLocale(ids.ada)).toBe("zh-CN");
    setUserLocale(ids.ada, "en");
    expect(userLocale(ids.ada)).toBe("en");
    // An unknown language is refused with a message key (said in the reader's language), the choice kept.
    expect(() => setUserLocale(ids.ada, "xx")).toThrow(expect.objectContaining({ status: 400, text: expect.objectContaining({ code: "errors.api.unknownLanguage" }) }));
    expect(userLocale(ids.ada)).toBe("en");
  });
});
