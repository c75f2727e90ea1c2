/**
 * Account workflows shared by the CLI and the server: add a user (password hashed by
 * better-auth), issue an API token (a long-lived better-auth session), seed the demo accounts.
 */
import { randomBytes } from "node:crypto";
import { count, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { users } from "../../db/schema.ts";
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

/** A token for `Authorization: Bearer <token>`, valid for `days`. */
export async function issueToken(auth: Auth, db: Db, email: string, days = 365): Promise<string> {
  const mail = email.trim().toLowerCase();
  const user = db.select().from(users).where(eq(users.email, mail)).get();
  if (!user) throw new AccountError(`no user ${mail} (add one with \`gradlab user add ${mail} --role learner\`)`);
  const ctx = await auth.$context;
  const session = await ctx.internalAdapter.createSession(user.id, false, { expiresAt: new Date(Date.now() + days * 86_400_000), userAgent: "gradlab token" });
  if (!session) throw new AccountError("could not create a token");
  return session.token;
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
