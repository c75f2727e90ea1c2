/**
 * Account workflows shared by the CLI and the server: add a user (password hashed by
 * better-auth), issue an API token (a long-lived better-auth session), seed the demo accounts.
 */
import { randomBytes } from "node:crypto";
import { count, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { ROLES, type Auth, type Role } from "./auth.ts";

export function generatePassword(): string {
  return randomBytes(12).toString("base64url");
}

export class AccountError extends Error {}

export function isRole(r: string): r is Role {
  return (ROLES as string[]).includes(r);
}

export async function addUser(auth: Auth, db: Db, email: string, role: Role, password?: string): Promise<{ id: string; email: string; role: Role; password: string }> {
  const mail = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(mail)) throw new AccountError(`'${email}' is not an email address`);
  if (!isRole(role)) throw new AccountError(`unknown role '${role}': use ${ROLES.join(", ")}`);
  const pw = password ?? generatePassword();
  if (pw.length < 8) throw new AccountError("the password must have at least 8 characters");
  if (db.select({ id: users.id }).from(users).where(eq(users.email, mail)).get()) throw new AccountError(`a user ${mail} already exists`);
  const ctx = await auth.$context;
  const hash = await ctx.password.hash(pw);
  const user = await ctx.internalAdapter.createUser({ email: mail, name: mail.split("@")[0], emailVerified: true, role }, { method: "admin" });
  await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: "credential", accountId: user.id, password: hash });
  return { id: user.id, email: mail, role, password: pw };
}

export const API_TOKEN_USER_AGENT = "gradlab token";
export const MAX_TOKEN_DAYS = 3650;

/**
 * An API token for `Authorization: Bearer <token>`: a better-auth session that expires exactly
 * `days` from now. `overrideAll` makes better-auth keep our expiry (without it every session gets
 * the 7-day default, whatever we ask); bearer requests do not refresh it (context.ts), so the
 * printed date is the real one.
 */
export async function issueApiToken(auth: Auth, db: Db, email: string, days = 365): Promise<{ token: string; expiresAt: Date }> {
  if (!Number.isFinite(days) || days <= 0 || days > MAX_TOKEN_DAYS) throw new AccountError(`--days must be a number of days in (0, ${MAX_TOKEN_DAYS}]`);
  const mail = email.trim().toLowerCase();
  const user = db.select().from(users).where(eq(users.email, mail)).get();
  if (!user) throw new AccountError(`no user ${mail} (add one with \`gradlab user add ${mail} --role learner\`)`);
  const ctx = await auth.$context;
  const expiresAt = new Date(Date.now() + days * 86_400_000);
  const session = await ctx.internalAdapter.createSession(user.id, false, { expiresAt, userAgent: API_TOKEN_USER_AGENT }, true);
  if (!session) throw new AccountError("could not create a token");
  return { token: session.token, expiresAt: session.expiresAt };
}

/** The token alone (see issueApiToken). */
export async function issueToken(auth: Auth, db: Db, email: string, days = 365): Promise<string> {
  return (await issueApiToken(auth, db, email, days)).token;
}

export const DEMO_ACCOUNTS: { email: string; role: Role }[] = [
  { email: "learner@gradlab.local", role: "learner" },
  { email: "instructor@gradlab.local", role: "instructor" },
  { email: "admin@gradlab.local", role: "admin" },
];

/** On first start (no users at all), create the demo accounts; returns them with their passwords. */
export async function seedDemoAccounts(auth: Auth, db: Db): Promise<{ email: string; role: Role; password: string }[]> {
  const n = db.select({ n: count() }).from(users).get()?.n ?? 0;
  if (n > 0) return [];
  const out = [];
  for (const a of DEMO_ACCOUNTS) out.push(await addUser(auth, db, a.email, a.role));
  return out;
}
