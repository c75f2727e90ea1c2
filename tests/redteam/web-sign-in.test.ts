/**
 * Sign-in throttling through better-auth's real handler (the one /api/auth/* calls), on a real
 * database: per account and per client address, 429 with Retry-After and a message saying when,
 * and still 429 after a restart (a fresh database connection and auth instance).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Auth } from "../../server/auth.ts";

// Small limits keep the test quick (each attempt hashes a password); read when the modules load.
process.env.GRADLAB_SIGNIN_PER_ACCOUNT = "4";
process.env.GRADLAB_SIGNIN_PER_ADDRESS = "6";
const { closeAllDbs, openDb } = await import("../../db/client.ts");
const { addUser, generatePassword } = await import("../../server/accounts.ts");
const { createAuth } = await import("../../server/auth.ts");
const { SIGN_IN_LIMITS } = await import("../../server/sign-in-throttle.ts");

const dir = mkdtempSync(join(tmpdir(), "gradlab-signin-"));
let auth: Auth;
let password = "";

function signIn(a: Auth, email: string, pw: string, ip: string): Promise<Response> {
  return a.handler(
    new Request("http://localhost:3000/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json", "x-gradlab-client-ip": ip },
      body: JSON.stringify({ email, password: pw }),
    }),
  );
}

beforeAll(async () => {
  const db = openDb(dir);
  auth = createAuth(db, dir);
  password = (await addUser(auth, db, "learner@x.org", "learner")).password;
  await addUser(auth, db, "other@x.org", "learner");
}, 60_000);

afterAll(() => {
  closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

describe("sign-in throttling", () => {
  it("per account: wrong passwords from many addresses end in 429 with when to retry, even for the right password", async () => {
    const { max } = SIGN_IN_LIMITS.perAccount;
    expect(max).toBe(4);
    for (let i = 0; i < max; i++) expect((await signIn(auth, "learner@x.org", "wrong-password", `10.0.0.${i + 1}`)).status).toBe(401);
    const res = await signIn(auth, "LEARNER@x.org", password, "10.0.1.1");
    expect(res.status).toBe(429);
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
    expect((await res.json()).message).toMatch(/Too many sign-in attempts: try again in 15 minutes/);
  });

  it("still 429 after a restart (a new connection and auth instance on the same data)", async () => {
    closeAllDbs();
    const db = openDb(dir);
    const fresh = createAuth(db, dir);
    const res = await signIn(fresh, "learner@x.org", password, "10.0.2.1");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    auth = fresh;
  });

  it("another account is not locked by it, and a success clears its count", async () => {
    const db = openDb(dir);
    const otherPw = generatePassword();
    // reset other@ to a known password through better-auth's own hashing
    const ctx = await auth.$context;
    const u = await ctx.internalAdapter.findUserByEmail("other@x.org");
    await ctx.internalAdapter.updatePassword(u!.user.id, await ctx.password.hash(otherPw));
    const { max } = SIGN_IN_LIMITS.perAccount;
    for (let i = 0; i < max - 1; i++) expect((await signIn(auth, "other@x.org", "wrong-password", `10.1.0.${i + 1}`)).status).toBe(401);
    expect((await signIn(auth, "other@x.org", otherPw, "10.1.1.1")).status).toBe(200);
    expect(db.$client.prepare("SELECT count(*) AS n FROM sign_in_failures WHERE email = 'other@x.org'").get()).toEqual({ n: 0 });
  });

  it("per address: one address trying many accounts gets 429 with Retry-After and a clear message", async () => {
    const { max } = SIGN_IN_LIMITS.perAddress;
    let last: Response | undefined;
    for (let i = 0; i <= max; i++) last = await signIn(auth, `nobody${i}@x.org`, "wrong-password", "192.0.2.7");
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("x-retry-after") ?? last!.headers.get("retry-after"))).toBeGreaterThan(0);
    // the row is in the database, not in this process's memory
    expect((openDb(dir).$client.prepare("SELECT count(*) AS n FROM rate_limits WHERE key LIKE '%192.0.2.7%'").get() as { n: number }).n).toBe(1);
  });
});
