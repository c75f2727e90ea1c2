/**
 * Accounts, sessions and API tokens, by better-auth (email + password, its drizzle adapter on
 * our SQLite file, and its bearer plugin so that a session token works as
 * `Authorization: Bearer <token>`). No password hashing or session handling of our own.
 */
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { bearer } from "better-auth/plugins/bearer";
import { admin } from "better-auth/plugins/admin";
import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/admin/access";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/client.ts";
import { dataDir } from "../db/client.ts";
import { accounts, rateLimits, sessions, users, verifications } from "../db/schema.ts";
import { clearSignInFailures, SIGN_IN_LIMITS, takeSignInAttempt, tooManySignIns } from "./sign-in-throttle.ts";

export type Role = "learner" | "instructor" | "admin";
export const ROLES: Role[] = ["learner", "instructor", "admin"];

/** The signing secret: BETTER_AUTH_SECRET, else one generated into the data folder on first use. */
function authSecret(dir: string): string {
  if (process.env.BETTER_AUTH_SECRET) return process.env.BETTER_AUTH_SECRET;
  const file = join(dir, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch {
      /* another process wrote it first */
    }
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * better-auth's admin plugin with GradLab's roles: admins list users, set roles, disable
 * ("ban": no sign-in, every session and token revoked) and re-enable accounts, and set passwords;
 * no one may impersonate (a score must be the learner's own work). server/admin/ uses it.
 */
const ac = createAccessControl(defaultStatements);
const ADMIN_ROLE = ac.newRole({ user: ["list", "get", "set-role", "ban", "set-password", "update"], session: ["list", "revoke"] });
const NO_ADMIN_RIGHTS = ac.newRole({ user: [], session: [] });
export const DISABLED_ACCOUNT_MESSAGE = "This account is disabled: ask an administrator to re-enable it.";
const adminPlugin = () =>
  admin({ ac, roles: { admin: ADMIN_ROLE, instructor: NO_ADMIN_RIGHTS, learner: NO_ADMIN_RIGHTS }, adminRoles: ["admin"], defaultRole: "learner", bannedUserMessage: DISABLED_ACCOUNT_MESSAGE });

export function createAuth(db: Db, dir = dataDir()) {
  const port = process.env.PORT ?? "3000";
  const extra = (process.env.GRADLAB_TRUSTED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return betterAuth({
    appName: "GradLab",
    baseURL: process.env.GRADLAB_BASE_URL ?? `http://localhost:${port}`,
    secret: authSecret(dir),
    database: drizzleAdapter(db, { provider: "sqlite", schema: { user: users, session: sessions, account: accounts, verification: verifications, rateLimit: rateLimits } }),
    // Accounts are made by an admin (`gradlab user add`), never by self sign-up.
    // A reset link (server/admin/) ends every session of the account.
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8, revokeSessionsOnPasswordReset: true },
    user: { additionalFields: { role: { type: "string", required: false, defaultValue: "learner", input: false } } },
    // Same-origin requests are trusted whatever host name the server is reached by; others must be listed.
    trustedOrigins: (request?: Request) => {
      const list = [`http://localhost:${port}`, `http://127.0.0.1:${port}`, ...extra];
      if (request) {
        const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
        if (host) list.push(`${request.headers.get("x-forwarded-proto") ?? "http"}://${host}`);
      }
      return list;
    },
    // Per client address, in the database (shared by every web process, kept across restarts).
    // The address comes from a header only the web server sets (server/request-guard.ts).
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
      customRules: { "/sign-in/email": SIGN_IN_LIMITS.perAddress },
    },
    advanced: { ipAddress: { ipAddressHeaders: ["x-gradlab-client-ip"] } },
    // Per account: attempts since the last successful sign-in (sign-in-throttle.ts).
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const email = (ctx.body as { email?: unknown } | undefined)?.email;
        if (typeof email !== "string") return;
        const wait = takeSignInAttempt(db, email);
        if (wait !== null) throw new APIError("TOO_MANY_REQUESTS", { message: tooManySignIns(wait), code: "TOO_MANY_SIGN_IN_ATTEMPTS" }, { "Retry-After": String(wait) });
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email" || !ctx.context.newSession) return;
        clearSignInFailures(db, ctx.context.newSession.user.email);
      }),
    },
    telemetry: { enabled: false },
    plugins: [bearer(), adminPlugin()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
