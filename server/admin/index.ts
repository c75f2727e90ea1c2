/**
 * The admin console's server side: only global admins (a 403 for anyone else, before the
 * plugin's own check). Account changes go through better-auth's admin plugin (accounts-admin.ts).
 */
import { auth, db, type SessionUser } from "../context.ts";
import { AdminError, disableUser, enableUser, listUsers, passwordResetLink, setRole, type Acting } from "./accounts-admin.ts";
import { coursesOverview } from "./courses-overview.ts";

export type { AdminUserView } from "./accounts-admin.ts";
export type { CourseOverview } from "./courses-overview.ts";

function acting(user: SessionUser, headers: Headers): Acting {
  if (user.role !== "admin") throw new AdminError(403, "Only admins may manage accounts.");
  return { auth, db, headers };
}

const body = (b: unknown) => (b && typeof b === "object" ? (b as Record<string, unknown>) : {});

export const admin = {
  users: async (user: SessionUser, headers: Headers, search?: string, offset?: number) => listUsers(acting(user, headers), { search, offset }),
  setRole: async (user: SessionUser, headers: Headers, userId: string, b: unknown) => setRole(acting(user, headers), userId, String(body(b).role ?? "")),
  disable: async (user: SessionUser, headers: Headers, userId: string, b: unknown) => disableUser(acting(user, headers), userId, String(body(b).reason ?? "")),
  enable: async (user: SessionUser, headers: Headers, userId: string) => enableUser(acting(user, headers), userId),
  resetLink: async (user: SessionUser, headers: Headers, userId: string, baseUrl: string) => passwordResetLink(acting(user, headers), userId, baseUrl),
  courses: (user: SessionUser) => {
    if (user.role !== "admin") throw new AdminError(403, "Only admins may see every course.");
    return coursesOverview(db);
  },
};
