/**
 * Names and Role Provisioning Services 2.0 (tool side): read a context's membership container,
 * page by page (`Link: <…>; rel="next"`), and make GradLab's course roster follow it: members get
 * an account linked to (issuer, user_id) (made when new, as a first launch would) and are
 * enrolled with their mapped role; members the platform lists as Inactive, or no longer lists,
 * are marked inactive in lti_memberships. Nothing is deleted: their enrolment rows, submissions
 * and scores stay, so the gradebook keeps their work.
 */
import { and, eq, notInArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { ltiAccounts, ltiContexts, ltiMemberships } from "../../db/schema.ts";
import type { Auth } from "../auth.ts";
import { linkAccount } from "./accounts.ts";
import { answerText, SCOPE, serviceFetch, ServiceError } from "./ags-token.ts";
import { enrolFromLms, type LtiContextRow } from "./contexts.ts";
import type { VerifiedLaunch } from "./launch.ts";
import { platformById, type Platform } from "./platforms.ts";
import { mapLtiRoles } from "./roles.ts";

export const MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json";
/** A roster larger than this many pages is cut off (a platform that links pages in a loop). */
const MAX_PAGES = 200;

export interface NrpsMember {
  user_id: string;
  roles: string[];
  status?: "Active" | "Inactive" | "Deleted";
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
}

/** The URL of a `Link` header's rel="next" entry, resolved against the page's URL. */
export function nextLink(header: string | null, base: string): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2])) return new URL(m[1], base).href;
  }
  return null;
}

/** Every member of the container, following rel="next" pages. */
export async function fetchMembers(db: Db, platform: Platform, url: string): Promise<NrpsMember[]> {
  const out: NrpsMember[] = [];
  const seen = new Set<string>();
  for (let next: string | null = url, pages = 0; next && pages < MAX_PAGES; pages++) {
    if (seen.has(next)) break;
    seen.add(next);
    const res = await serviceFetch(db, platform, [SCOPE.memberships], next, { headers: { Accept: MEMBERSHIP_TYPE } }, "The platform's roster service (NRPS)");
    if (!res.ok) throw new ServiceError(res.status, `The platform did not give the roster (${await answerText(res)}).`);
    const body = (await res.json().catch(() => ({}))) as { members?: unknown };
    if (!Array.isArray(body.members)) throw new ServiceError(502, "The platform's roster answer has no members list.");
    for (const m of body.members as Partial<NrpsMember>[]) if (typeof m?.user_id === "string" && m.user_id) out.push({ ...m, user_id: m.user_id, roles: Array.isArray(m.roles) ? m.roles : [] });
    next = nextLink(res.headers.get("link"), next);
  }
  return out;
}

export interface RosterSync {
  members: number;
  enrolled: number;
  accountsCreated: number;
  inactive: number;
}

/** Sync the context's roster from its NRPS endpoint. */
export async function syncRoster(db: Db, auth: Auth, context: LtiContextRow, now = new Date()): Promise<RosterSync> {
  if (!context.membershipsUrl) throw new ServiceError(400, "The LMS offers no roster service (NRPS) for this course: enable Names and Role Provisioning for GradLab in the LMS and launch again.");
  const platform = platformById(db, context.platformId);
  if (!platform) throw new ServiceError(410, "The LMS platform of this course is no longer registered.");
  const members = await fetchMembers(db, platform, context.membershipsUrl);
  const out: RosterSync = { members: members.length, enrolled: 0, accountsCreated: 0, inactive: 0 };
  const activeUsers: string[] = [];
  for (const m of members) {
    const active = (m.status ?? "Active") === "Active";
    let link = db.select().from(ltiAccounts).where(and(eq(ltiAccounts.issuer, platform.issuer), eq(ltiAccounts.subject, m.user_id))).get();
    if (!link) {
      if (!active) continue;
      // Made as a first launch makes it; linkAccount reads only these fields of a launch.
      const asLaunch = { platform, subject: m.user_id, name: m.name ?? ([m.given_name, m.family_name].filter(Boolean).join(" ") || null), email: m.email ?? null, roles: m.roles } as VerifiedLaunch;
      const made = await linkAccount(auth, db, asLaunch, now);
      out.accountsCreated++;
      link = { issuer: platform.issuer, subject: m.user_id, userId: made.userId, roles: made.roles, createdAt: now, lastLaunchAt: now };
    }
    if (active) {
      if (enrolFromLms(db, context, link.userId, mapLtiRoles(m.roles), now)) out.enrolled++;
      activeUsers.push(link.userId);
    }
  }
  // Everyone the platform did not list as active: inactive (their enrolment and work are kept).
  const gone = db
    .update(ltiMemberships)
    .set({ status: "inactive", lastSeenAt: now })
    .where(and(eq(ltiMemberships.contextRowId, context.id), eq(ltiMemberships.status, "active"), notInArray(ltiMemberships.userId, activeUsers.length ? activeUsers : [""])))
    .run();
  out.inactive = gone.changes;
  db.update(ltiContexts).set({ rosterSyncedAt: now }).where(eq(ltiContexts.id, context.id)).run();
  return out;
}
