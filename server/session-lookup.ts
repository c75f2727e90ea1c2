/**
 * The signed-in user of a request, without better-auth's whole getSession on every request
 * (issue 19: ~18% of the web server's CPU under load went to it: for a bearer token it signs the
 * token into a cookie, copies the headers, verifies the HMAC again, then reads the session and the
 * user through its adapter).
 *
 * What is remembered: which session token a request's credentials name — its Authorization and
 * Cookie headers, whole — once better-auth has accepted them. That is a pure function of those
 * headers and the signing secret, so it cannot go stale, and an entry only ever answers the exact
 * headers it was made from (never another token).
 *
 * What is NOT remembered: the session. Every request reads its session row and its user row again
 * (one prepared statement), so a session signed out, revoked (an admin, a disabled account, a
 * password reset), deleted or expired is refused at the next request, in every process; a role or
 * name change shows at once too. Anything unusual (expired, a disabled user, a cookie session due
 * for its sliding refresh) goes the whole way through better-auth, as before.
 */
import type { Statement } from "better-sqlite3";
import type { Db } from "../db/client.ts";
import type { Auth, Role } from "./auth.ts";

export interface LookedUpUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

interface SessionRow {
  expires_at: number;
  user_id: string;
  email: string;
  name: string;
  role: string | null;
  banned: number | null;
}

/** Credentials remembered at most (oldest dropped first), and the longest headers remembered. */
const MAX_ENTRIES = 4096;
const MAX_KEY_CHARS = 4096;

export interface SessionLookup {
  user(headers: Headers): Promise<LookedUpUser | null>;
  /** How many requests were answered without better-auth (tests). */
  readonly fastAnswers: number;
}

export function createSessionLookup(db: Db, auth: Auth): SessionLookup {
  // credentials (the Authorization and Cookie headers) → the session token better-auth found for them
  const tokenOf = new Map<string, string>();
  let read: Statement<[string]> | undefined;
  let fastAnswers = 0;
  let sessionConfig: { expiresIn: number; updateAge: number } | undefined;

  const toUser = (u: { id: string; email: string; name: string; role?: string | null }): LookedUpUser => ({ id: u.id, email: u.email, name: u.name, role: (u.role as Role) ?? "learner" });

  async function throughBetterAuth(headers: Headers, bearer: boolean, key: string): Promise<LookedUpUser | null> {
    // A bearer token (`gradlab token`) keeps the expiry it was issued with: no sliding refresh.
    const s = await auth.api.getSession({ headers, query: bearer ? { disableRefresh: true } : undefined });
    if (!s) return null;
    if (key.length <= MAX_KEY_CHARS) {
      if (tokenOf.size >= MAX_ENTRIES) tokenOf.delete(tokenOf.keys().next().value!);
      tokenOf.set(key, s.session.token);
    }
    return toUser(s.user as { id: string; email: string; name: string; role?: string });
  }

  async function user(headers: Headers): Promise<LookedUpUser | null> {
    const authorization = headers.get("authorization");
    const cookie = headers.get("cookie");
    // Neither a token nor a cookie: better-auth finds no session either.
    if (!authorization && !cookie) return null;
    const bearer = /^Bearer\s/i.test(authorization ?? "");
    const key = `${authorization ?? ""}\n${cookie ?? ""}`;
    const token = tokenOf.get(key);
    if (token === undefined) return throughBetterAuth(headers, bearer, key);

    read ??= db.$client.prepare(
      `SELECT s.expires_at, u.id AS user_id, u.email, u.name, u.role, u.banned
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token = ?`,
    );
    const row = read.get(token) as SessionRow | undefined;
    if (!row) {
      // Signed out or revoked: better-auth would find no session for this token either.
      tokenOf.delete(key);
      return null;
    }
    const now = Date.now();
    if (row.expires_at < now || row.banned) {
      tokenOf.delete(key);
      return throughBetterAuth(headers, bearer, key); // it deletes an expired session; it decides
    }
    if (!bearer) {
      // A cookie session slides: better-auth extends it once it is older than updateAge.
      sessionConfig ??= (await auth.$context).sessionConfig;
      const { expiresIn, updateAge } = sessionConfig;
      if (row.expires_at - expiresIn * 1000 + updateAge * 1000 <= now) return throughBetterAuth(headers, bearer, key);
    }
    fastAnswers++;
    return toUser({ id: row.user_id, email: row.email, name: row.name, role: row.role });
  }

  return {
    user,
    get fastAnswers() {
      return fastAnswers;
    },
  };
}
