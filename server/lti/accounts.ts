/**
 * Account linking: a launch signs the platform's user in as the GradLab account tied to
 * (issuer, subject), made on the first launch. The platform's email is used for the new account
 * only when no GradLab account has it: a platform never takes over an existing account by
 * claiming its email. The sign-in is a better-auth session, its cookie signed as better-auth signs it.
 */
import { createHash, createHmac } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { ltiAccounts, users } from "../../db/schema.ts";
import type { Auth } from "../auth.ts";
import { LtiError } from "./errors.ts";
import type { VerifiedLaunch } from "./launch.ts";
import { globalRoleOf, mapLtiRoles, type LtiRole } from "./roles.ts";

export interface LinkedUser {
  userId: string;
  email: string;
  roles: LtiRole[];
  created: boolean;
}

/** A placeholder address for a platform user without a (free) email: stable per (issuer, subject). */
function placeholderEmail(issuer: string, subject: string): string {
  return `lti-${createHash("sha256").update(`${issuer}\n${subject}`).digest("hex").slice(0, 20)}@lti.gradlab.invalid`;
}

export async function linkAccount(auth: Auth, db: Db, launch: VerifiedLaunch, now = new Date()): Promise<LinkedUser> {
  const issuer = launch.platform.issuer;
  const roles = mapLtiRoles(launch.roles);
  const role = globalRoleOf(roles);
  const link = db.select().from(ltiAccounts).where(and(eq(ltiAccounts.issuer, issuer), eq(ltiAccounts.subject, launch.subject))).get();
  if (link) {
    const user = db.select().from(users).where(eq(users.id, link.userId)).get();
    if (!user) throw new LtiError(500, "account_missing", "The GradLab account linked to this LMS user is gone: ask an administrator.");
    if (user.banned) throw new LtiError(403, "account_disabled", "This GradLab account is disabled: ask an administrator to re-enable it.");
    // Promote to instructor when the LMS says so; never demote (an admin may have raised the role).
    if (role === "instructor" && user.role === "learner") db.update(users).set({ role }).where(eq(users.id, user.id)).run();
    db.update(ltiAccounts).set({ roles, lastLaunchAt: now }).where(and(eq(ltiAccounts.issuer, issuer), eq(ltiAccounts.subject, launch.subject))).run();
    return { userId: user.id, email: user.email, roles, created: false };
  }
  const claimed = launch.email?.trim().toLowerCase();
  const taken = claimed ? db.select({ id: users.id }).from(users).where(eq(users.email, claimed)).get() : undefined;
  const email = claimed && !taken && /^[^\s@]+@[^\s@]+$/.test(claimed) ? claimed : placeholderEmail(issuer, launch.subject);
  const ctx = await auth.$context;
  // No password: this account signs in through its LMS only (an admin may issue a reset link later).
  const user = await ctx.internalAdapter.createUser({ email, name: launch.name ?? email.split("@")[0], emailVerified: false, role }, { method: "admin" });
  db.insert(ltiAccounts).values({ issuer, subject: launch.subject, userId: user.id, roles, createdAt: now, lastLaunchAt: now }).run();
  return { userId: user.id, email, roles, created: true };
}

/**
 * A new better-auth session for `userId` and the Set-Cookie that carries it: the cookie's name
 * and attributes are better-auth's own; the value is signed as better-call's signCookieValue
 * does (`token.base64(HMAC-SHA256(secret, token))`, URI-encoded). tests/lti checks that
 * better-auth's getSession accepts it.
 */
export async function sessionCookieFor(auth: Auth, userId: string): Promise<string> {
  const ctx = await auth.$context;
  const session = await ctx.internalAdapter.createSession(userId, false, { userAgent: "gradlab lti launch" });
  if (!session) throw new LtiError(500, "session_failed", "GradLab could not start a session: try the launch again.");
  const sig = createHmac("sha256", ctx.secret).update(session.token).digest("base64");
  const { name, attributes } = ctx.authCookies.sessionToken;
  const parts = [`${name}=${encodeURIComponent(`${session.token}.${sig}`)}`, `Path=${attributes.path ?? "/"}`, `Max-Age=${ctx.sessionConfig.expiresIn}`, "HttpOnly", `SameSite=${cap(String(attributes.sameSite ?? "lax"))}`];
  if (attributes.secure) parts.push("Secure");
  return parts.join("; ");
}
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
