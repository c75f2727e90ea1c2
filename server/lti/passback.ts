/**
 * What a launch does for the course (join the context's course, record the link, a throttled
 * roster sync) and what course staff see and do about LMS grades: per-learner passback status,
 * resend, and an on-demand roster sync.
 */
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { assignments, ltiContexts, ltiMemberships, ltiPassbacks, ltiResourceLinks, users } from "../../db/schema.ts";
import type { Auth } from "../auth.ts";
import { findExercise, HttpError, type SessionUser } from "../context.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { requireCourse } from "../courses/roles.ts";
import { ServiceError } from "./ags-token.ts";
import { assignmentForExercise, contextFromClaims, contextsOfCourse, courseForContext, enrolFromLms, exercisesOfLink, linkFromClaims, recordLink } from "./contexts.ts";
import type { VerifiedLaunch } from "./launch.ts";
import { CLAIM } from "./launch.ts";
import { armPassback } from "./outbox.ts";
import { syncRoster, type RosterSync } from "./nrps.ts";
import { platformById } from "./platforms.ts";
import { mapLtiRoles } from "./roles.ts";

/** A launch syncs the roster when the last sync is older than this (GRADLAB_LTI_ROSTER_EVERY_MS, default 1 hour). */
const ROSTER_EVERY_MS = () => Number(process.env.GRADLAB_LTI_ROSTER_EVERY_MS ?? 3_600_000);
const syncing = new Map<string, Promise<RosterSync>>();

/** One sync per context at a time in this process. */
function syncOnce(db: Db, auth: Auth, contextId: string): Promise<RosterSync> {
  let p = syncing.get(contextId);
  if (!p) {
    const context = db.select().from(ltiContexts).where(eq(ltiContexts.id, contextId)).get()!;
    p = syncRoster(db, auth, context).finally(() => syncing.delete(contextId));
    syncing.set(contextId, p);
  }
  return p;
}

/**
 * After a launch has signed the user in: the context's course (made on its first launch), the
 * user's enrolment, the resource link with what it opens and its line item, and, when the roster
 * was not synced lately, a roster sync in the background (the launch does not wait for it).
 */
export async function joinContext(db: Db, auth: Auth, launch: VerifiedLaunch, userId: string, now = new Date()): Promise<{ courseId: string } | null> {
  const ref = contextFromClaims(launch.platform.id, launch.deploymentId, launch.claims);
  if (!ref) return null;
  const roles = mapLtiRoles(launch.roles);
  const { context, courseId } = courseForContext(db, ref, roles.includes("instructor") ? userId : null, now);
  enrolFromLms(db, context, userId, roles, now);
  const link = linkFromClaims(launch.claims);
  if (link) {
    const custom = (launch.claims[`${CLAIM}custom`] ?? {}) as Record<string, unknown>;
    const exercise = typeof custom.exercise === "string" && (await findExercise(custom.exercise)) ? custom.exercise : null;
    const assignment = typeof custom.assignment === "string" ? db.select({ id: assignments.id }).from(assignments).where(and(eq(assignments.id, custom.assignment), eq(assignments.courseId, courseId))).get()?.id ?? null : null;
    if (exercise && !assignment) assignmentForExercise(db, courseId, exercise, link.title, now);
    recordLink(db, context, { resourceLinkId: link.resourceLinkId, title: link.title, exerciseId: assignment ? null : exercise, assignmentId: assignment, lineItemUrl: link.lineItemUrl }, now);
  }
  const stale = !context.rosterSyncedAt || now.getTime() - context.rosterSyncedAt.getTime() > ROSTER_EVERY_MS();
  if (context.membershipsUrl && stale) syncOnce(db, auth, context.id).catch((e: Error) => console.error(`[lti roster] sync of ${context.title} at launch failed: ${e.message}`));
  return { courseId };
}

export interface PassbackView {
  id: number;
  email: string;
  name: string;
  link: string;
  exercises: string[];
  state: "pending" | "sent" | "failed";
  scoreGiven: number | null;
  scoreMaximum: number | null;
  attempts: number;
  lastError: string | null;
  sentAt: number | null;
  nextAttemptAt: number | null;
  /** The learner's membership in the LMS course as last seen. */
  lmsStatus: "active" | "inactive" | null;
}

export interface LtiCourseStatus {
  contexts: { id: string; title: string; issuer: string; grades: boolean; roster: boolean; rosterSyncedAt: number | null }[];
  passbacks: PassbackView[];
}

/** The course's LMS links and per-learner passback status (course staff). */
export function passbackStatus(db: Db, user: SessionUser, courseId: string): LtiCourseStatus {
  requireCourse(user, courseId, "staff");
  const contexts = contextsOfCourse(db, courseId);
  const ids = contexts.map((c) => c.id);
  const rows = ids.length
    ? db
        .select({ p: ltiPassbacks, link: ltiResourceLinks, email: users.email, name: users.name })
        .from(ltiPassbacks)
        .innerJoin(ltiResourceLinks, eq(ltiResourceLinks.id, ltiPassbacks.linkId))
        .innerJoin(users, eq(users.id, ltiPassbacks.userId))
        .where(inArray(ltiResourceLinks.contextRowId, ids))
        .orderBy(asc(users.email), asc(ltiResourceLinks.title))
        .all()
    : [];
  const status = new Map<string, "active" | "inactive">();
  if (ids.length) for (const m of db.select().from(ltiMemberships).where(inArray(ltiMemberships.contextRowId, ids)).all()) status.set(`${m.contextRowId}:${m.userId}`, m.status);
  return {
    contexts: contexts.map((c) => ({ id: c.id, title: c.title, issuer: platformById(db, c.platformId)?.issuer ?? "", grades: !!c.lineItemsUrl || db.select({ id: ltiResourceLinks.id }).from(ltiResourceLinks).where(and(eq(ltiResourceLinks.contextRowId, c.id), isNotNull(ltiResourceLinks.lineItemUrl))).all().length > 0, roster: !!c.membershipsUrl, rosterSyncedAt: c.rosterSyncedAt?.getTime() ?? null })),
    passbacks: rows.map(({ p, link, email, name }) => ({
      id: p.id,
      email,
      name,
      link: link.title || link.resourceLinkId,
      exercises: exercisesOfLink(db, link),
      state: p.state,
      scoreGiven: p.scoreGiven,
      scoreMaximum: p.scoreMaximum,
      attempts: p.attempts,
      lastError: p.lastError,
      sentAt: p.sentAt?.getTime() ?? null,
      nextAttemptAt: p.state === "pending" ? p.nextAttemptAt.getTime() : null,
      lmsStatus: status.get(`${link.contextRowId}:${p.userId}`) ?? null,
    })),
  };
}

/** Send again (instructors): one row by id, or every failed row of the course. The relay sends them on its next pass. */
export function resendPassbacks(db: Db, user: SessionUser, courseId: string, body: unknown): { resent: number } {
  requireCourse(user, courseId, "instructor");
  const id = (body as { id?: unknown } | null)?.id;
  if (id !== undefined && (typeof id !== "number" || !Number.isInteger(id))) throw new HttpError(400, text("ltiPassback.errors.badId"));
  const contexts = contextsOfCourse(db, courseId).map((c) => c.id);
  if (!contexts.length) return { resent: 0 };
  const rows = db
    .select({ p: ltiPassbacks })
    .from(ltiPassbacks)
    .innerJoin(ltiResourceLinks, eq(ltiResourceLinks.id, ltiPassbacks.linkId))
    .where(and(inArray(ltiResourceLinks.contextRowId, contexts), id === undefined ? eq(ltiPassbacks.state, "failed") : eq(ltiPassbacks.id, id)))
    .all();
  if (id !== undefined && !rows.length) throw new HttpError(404, text("ltiPassback.errors.noSuchRow", { id }));
  const now = new Date();
  for (const { p } of rows) armPassback(db, p.linkId, p.userId, now, now);
  return { resent: rows.length };
}

/** Sync the roster of every LMS course linked to this course now (instructors). */
export async function syncCourseRoster(db: Db, auth: Auth, user: SessionUser, courseId: string): Promise<RosterSync> {
  requireCourse(user, courseId, "instructor");
  const contexts = contextsOfCourse(db, courseId).filter((c) => c.membershipsUrl);
  if (!contexts.length) throw new HttpError(400, text("ltiPassback.errors.noRoster"));
  const total: RosterSync = { members: 0, enrolled: 0, accountsCreated: 0, inactive: 0 };
  for (const c of contexts) {
    try {
      const r = await syncOnce(db, auth, c.id);
      for (const k of Object.keys(total) as (keyof RosterSync)[]) total[k] += r[k];
    } catch (e) {
      if (e instanceof ServiceError) throw new HttpError(502, text("ltiPassback.errors.syncFailed", { title: c.title, error: e.message }));
      throw e;
    }
  }
  return total;
}
