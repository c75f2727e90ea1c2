/**
 * Account management for admins (issue 15 item 7), through better-auth's admin plugin
 * (server/auth.ts): every operation is the plugin's endpoint called with the acting admin's
 * credentials, so the plugin's own permission checks apply (and the same endpoints answer at
 * /api/auth/admin/*). Used by the admin console's API routes and by `gradlab user …`; the CLI
 * acts through a short-lived session of an admin account (withOperator).
 */
import { randomBytes } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { sessions, users } from "../../db/schema.ts";
import { ROLES, type Auth, type Role } from "../auth.ts";

/** An error with its HTTP status (the API routes answer with it; the CLI prints its message). */
export class AdminError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface AdminUserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  disabledReason: string | null;
  createdAt: number;
}

export interface Acting {
  auth: Auth;
  db: Db;
  /** The acting admin's credentials (a cookie or `Authorization: Bearer`). */
  headers: Headers;
}

/** The plugin's error (an APIError: statusCode and body.message) as an AdminError with its words. */
async function viaPlugin<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const err = e as { statusCode?: unknown; body?: { message?: unknown }; message?: string };
    if (typeof err.statusCode === "number") throw new AdminError(err.statusCode, typeof err.body?.message === "string" ? err.body.message : (err.message ?? "refused"));
    throw e;
  }
}

type PluginUser = { id: string; email: string; name: string; role?: string | null; banned?: boolean | null; banReason?: string | null; createdAt: Date | string };
const view = (u: PluginUser): AdminUserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: (ROLES as string[]).includes(u.role ?? "") ? (u.role as Role) : "learner",
  disabled: !!u.banned,
  disabledReason: u.banReason ?? null,
  createdAt: new Date(u.createdAt).getTime(),
});

export const PAGE_SIZE = 50;

/** Users whose email contains `search` (case-insensitive), by email, a page at a time. */
export async function listUsers(a: Acting, opts: { search?: string; offset?: number } = {}): Promise<{ users: AdminUserView[]; total: number; offset: number; pageSize: number }> {
  const search = opts.search?.trim().toLowerCase() ?? "";
  const offset = Math.max(0, Math.floor(opts.offset ?? 0));
  const out = await viaPlugin(() =>
    a.auth.api.listUsers({
      headers: a.headers,
      query: { limit: PAGE_SIZE, offset, sortBy: "email", sortDirection: "asc", ...(search ? { searchValue: search, searchField: "email", searchOperator: "contains" } : {}) },
    }),
  );
  return { users: (out.users as PluginUser[]).map(view), total: out.total, offset, pageSize: PAGE_SIZE };
}

function userById(db: Db, id: string) {
  const u = db.select().from(users).where(eq(users.id, id)).get();
  if (!u) throw new AdminError(404, `No user ${id}.`);
  return u;
}

/** The user with this email (for the CLI, which names accounts by email). */
export function userIdByEmail(db: Db, email: string): string {
  const mail = email.trim().toLowerCase();
  const u = db.select({ id: users.id }).from(users).where(eq(users.email, mail)).get();
  if (!u) throw new AdminError(404, `No user ${mail}.`);
  return u.id;
}

async function actorId(a: Acting): Promise<string> {
  const s = await a.auth.api.getSession({ headers: a.headers, query: { disableRefresh: true } });
  if (!s) throw new AdminError(401, "Not signed in.");
  return s.user.id;
}

/** Sets a global role. An admin cannot change their own (so the last admin cannot lock everyone out). */
export async function setRole(a: Acting, userId: string, role: string): Promise<AdminUserView> {
  if (!(ROLES as string[]).includes(role)) throw new AdminError(400, `Unknown role '${role}': use ${ROLES.join(", ")}.`);
  if ((await actorId(a)) === userId) throw new AdminError(400, "You cannot change your own role: ask another admin.");
  userById(a.db, userId);
  const out = await viaPlugin(() => a.auth.api.setRole({ headers: a.headers, body: { userId, role: role as "admin" } }));
  return view(out.user as PluginUser);
}

/** Disables an account: no sign-in, and its sessions and API tokens are revoked at once. */
export async function disableUser(a: Acting, userId: string, reason = ""): Promise<AdminUserView> {
  userById(a.db, userId);
  const out = await viaPlugin(() => a.auth.api.banUser({ headers: a.headers, body: { userId, ...(reason.trim() ? { banReason: reason.trim().slice(0, 200) } : {}) } }));
  return view(out.user as PluginUser);
}

export async function enableUser(a: Acting, userId: string): Promise<AdminUserView> {
  userById(a.db, userId);
  const out = await viaPlugin(() => a.auth.api.unbanUser({ headers: a.headers, body: { userId } }));
  return view(out.user as PluginUser);
}

export const RESET_LINK_HOURS = 24;

/**
 * A one-time password-reset link for a deployment without email: the admin hands it over. The
 * token is better-auth's own reset token (a `reset-password:<token>` verification, what its
 * request-password-reset stores before mailing), so better-auth's /reset-password checks,
 * consumes it and ends the account's sessions. `baseUrl` is where the app is reached.
 */
export async function passwordResetLink(a: Acting, userId: string, baseUrl: string): Promise<{ url: string; expiresAt: number; email: string }> {
  // The plugin's permission check for reading a user stands for "may manage this account".
  const target = (await viaPlugin(() => a.auth.api.getUser({ headers: a.headers, query: { id: userId } }))) as PluginUser;
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + RESET_LINK_HOURS * 3_600_000);
  const ctx = await a.auth.$context;
  await ctx.internalAdapter.createVerificationValue({ value: target.id, identifier: `reset-password:${token}`, expiresAt });
  return { url: `${baseUrl.replace(/\/$/, "")}/reset-password?token=${token}`, expiresAt: expiresAt.getTime(), email: target.email };
}

// ---- the CLI acts as an admin ---------------------------------------------------------------

/**
 * Runs `fn` as an admin account (`asEmail`, else the oldest admin) through a session that lasts
 * five minutes and is deleted afterwards: the CLI goes through the plugin's checks like the console.
 */
export async function withOperator<T>(auth: Auth, db: Db, asEmail: string | undefined, fn: (a: Acting) => Promise<T>): Promise<T> {
  const who = asEmail
    ? db.select().from(users).where(and(eq(users.email, asEmail.trim().toLowerCase()), eq(users.role, "admin"))).get()
    : db.select().from(users).where(eq(users.role, "admin")).orderBy(asc(users.createdAt)).get();
  if (!who) throw new AdminError(400, asEmail ? `${asEmail} is not an admin account.` : "There is no admin account: add one with `gradlab user add <email> --role admin`.");
  if (who.banned) throw new AdminError(400, `${who.email} is disabled.`);
  const ctx = await auth.$context;
  const session = await ctx.internalAdapter.createSession(who.id, false, { expiresAt: new Date(Date.now() + 5 * 60_000), userAgent: "gradlab cli" }, true);
  try {
    return await fn({ auth, db, headers: new Headers({ authorization: `Bearer ${session.token}` }) });
  } finally {
    db.delete(sessions).where(eq(sessions.id, session.id)).run();
  }
}
