/**
 * LMS contexts (an LMS course) mapped to GradLab courses. The first launch (or deep linking
 * request) from a context makes its GradLab course; every launch enrols the user with the mapped
 * role and records the service endpoints the platform offers for that context (AGS line items,
 * NRPS memberships) and the resource link launched, with its AGS line item.
 *
 * Key: (platform, deployment id, context id): LTI makes a context id unique within a deployment.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { JWTPayload } from "jose";
import type { Db } from "../../db/client.ts";
import { assignments, courseMembers, courses, ltiContexts, ltiMemberships, ltiResourceLinks } from "../../db/schema.ts";
import { LtiError } from "./errors.ts";
import { CLAIM } from "./launch.ts";
import type { LtiRole } from "./roles.ts";

export type LtiContextRow = typeof ltiContexts.$inferSelect;
export type LtiLinkRow = typeof ltiResourceLinks.$inferSelect;
export type CourseRole = "learner" | "ta" | "instructor";

export const AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
export const NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice";

/** What identifies a context and what the platform offers for it (from a launch's claims, or given by the caller). */
export interface ContextRef {
  platformId: string;
  deploymentId: string;
  contextId: string;
  /** The LMS course's title (or label): the new GradLab course's title. */
  title?: string | null;
  /** AGS endpoint claim: `lineitems` and `scope`. */
  lineItemsUrl?: string | null;
  agsScopes?: string[];
  /** NRPS claim: `context_memberships_url`. */
  membershipsUrl?: string | null;
}

const str = (v: unknown) => (typeof v === "string" && v ? v : null);

/** The context of a verified launch or deep linking request, with its AGS and NRPS claims; null when it has none. */
export function contextFromClaims(platformId: string, deploymentId: string, claims: JWTPayload): ContextRef | null {
  const ctx = claims[`${CLAIM}context`] as { id?: unknown; title?: unknown; label?: unknown } | undefined;
  const contextId = str(ctx?.id);
  if (!contextId) return null;
  const ags = claims[AGS_CLAIM] as { lineitems?: unknown; scope?: unknown } | undefined;
  const nrps = claims[NRPS_CLAIM] as { context_memberships_url?: unknown } | undefined;
  return {
    platformId,
    deploymentId,
    contextId,
    title: str(ctx?.title) ?? str(ctx?.label),
    lineItemsUrl: str(ags?.lineitems),
    agsScopes: Array.isArray(ags?.scope) ? ags.scope.filter((s): s is string => typeof s === "string") : [],
    membershipsUrl: str(nrps?.context_memberships_url),
  };
}

/** The resource link of a launch with the AGS `lineitem` it carries (null: none). */
export function linkFromClaims(claims: JWTPayload): { resourceLinkId: string; title: string; lineItemUrl: string | null } | null {
  const link = claims[`${CLAIM}resource_link`] as { id?: unknown; title?: unknown } | undefined;
  const id = str(link?.id);
  if (!id) return null;
  const ags = claims[AGS_CLAIM] as { lineitem?: unknown } | undefined;
  return { resourceLinkId: id, title: str(link?.title) ?? "", lineItemUrl: str(ags?.lineitem) };
}

export function contextRow(db: Db, platformId: string, deploymentId: string, contextId: string): LtiContextRow | undefined {
  return db.select().from(ltiContexts).where(and(eq(ltiContexts.platformId, platformId), eq(ltiContexts.deploymentId, deploymentId), eq(ltiContexts.contextId, contextId))).get();
}

export function contextById(db: Db, id: string): LtiContextRow | undefined {
  return db.select().from(ltiContexts).where(eq(ltiContexts.id, id)).get();
}

/** The LMS contexts mapped to a GradLab course. */
export function contextsOfCourse(db: Db, courseId: string): LtiContextRow[] {
  return db.select().from(ltiContexts).where(eq(ltiContexts.courseId, courseId)).all();
}

/**
 * The GradLab course of an LMS context: found, or created (title from the LMS, time zone
 * `GRADLAB_LTI_TIME_ZONE` or UTC, `createdBy` its first instructor). The endpoints the platform
 * sent this time replace the stored ones (a platform may add or change them); absent ones are kept.
 */
export function courseForContext(db: Db, ref: ContextRef, createdBy: string | null = null, now = new Date()): { context: LtiContextRow; courseId: string; created: boolean } {
  return db.transaction(
    (tx) => {
      const found = contextRow(tx as unknown as Db, ref.platformId, ref.deploymentId, ref.contextId);
      if (found) {
        const set: Partial<LtiContextRow> = { updatedAt: now };
        if (ref.lineItemsUrl) set.lineItemsUrl = ref.lineItemsUrl;
        if (ref.agsScopes?.length) set.agsScopes = ref.agsScopes;
        if (ref.membershipsUrl) set.membershipsUrl = ref.membershipsUrl;
        tx.update(ltiContexts).set(set).where(eq(ltiContexts.id, found.id)).run();
        return { context: { ...found, ...set }, courseId: found.courseId, created: false };
      }
      const courseId = randomUUID();
      const title = ref.title?.trim() || `LMS course ${ref.contextId}`;
      tx.insert(courses).values({ id: courseId, title, timeZone: process.env.GRADLAB_LTI_TIME_ZONE ?? "UTC", inviteToken: null, createdBy, createdAt: now }).run();
      const context: LtiContextRow = {
        id: randomUUID(),
        platformId: ref.platformId,
        deploymentId: ref.deploymentId,
        contextId: ref.contextId,
        courseId,
        title,
        lineItemsUrl: ref.lineItemsUrl ?? null,
        agsScopes: ref.agsScopes ?? [],
        membershipsUrl: ref.membershipsUrl ?? null,
        rosterSyncedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      tx.insert(ltiContexts).values(context).run();
      return { context, courseId, created: true };
    },
    { behavior: "immediate" },
  );
}

/** The course role of a set of LTI roles: instructor over TA over learner; null when none applies (no enrolment). */
export function courseRoleOf(roles: LtiRole[]): CourseRole | null {
  if (roles.includes("instructor")) return "instructor";
  if (roles.includes("ta")) return "ta";
  if (roles.includes("learner")) return "learner";
  return null;
}

/**
 * Enrol a user in the context's course with the role the LMS gives them now (the LMS is the
 * source of truth for its courses), and mark their context membership active.
 */
export function enrolFromLms(db: Db, context: LtiContextRow, userId: string, roles: LtiRole[], now = new Date()): CourseRole | null {
  const role = courseRoleOf(roles);
  db.transaction(
    (tx) => {
      tx.insert(ltiMemberships)
        .values({ contextRowId: context.id, userId, roles, status: "active", lastSeenAt: now })
        .onConflictDoUpdate({ target: [ltiMemberships.contextRowId, ltiMemberships.userId], set: { roles, status: "active", lastSeenAt: now } })
        .run();
      if (!role) return;
      const member = tx.select().from(courseMembers).where(and(eq(courseMembers.courseId, context.courseId), eq(courseMembers.userId, userId))).get();
      if (!member) tx.insert(courseMembers).values({ courseId: context.courseId, userId, role, section: "", joinedAt: now }).run();
      else if (member.role !== role) tx.update(courseMembers).set({ role }).where(and(eq(courseMembers.courseId, context.courseId), eq(courseMembers.userId, userId))).run();
    },
    { behavior: "immediate" },
  );
  return role;
}

/**
 * Record (or update) a resource link of a context: what it opens and its line item. Deep linking
 * calls it with the exercise or assignment it returns; a launch with the line item it carries.
 */
export function recordLink(db: Db, context: LtiContextRow, link: { resourceLinkId: string; title?: string; exerciseId?: string | null; assignmentId?: string | null; lineItemUrl?: string | null }, now = new Date()): LtiLinkRow {
  const found = db.select().from(ltiResourceLinks).where(and(eq(ltiResourceLinks.contextRowId, context.id), eq(ltiResourceLinks.resourceLinkId, link.resourceLinkId))).get();
  if (found) {
    const set: Partial<LtiLinkRow> = {};
    if (link.title) set.title = link.title;
    if (link.exerciseId) set.exerciseId = link.exerciseId;
    if (link.assignmentId) set.assignmentId = link.assignmentId;
    if (link.lineItemUrl) set.lineItemUrl = link.lineItemUrl;
    if (Object.keys(set).length) db.update(ltiResourceLinks).set(set).where(eq(ltiResourceLinks.id, found.id)).run();
    return { ...found, ...set };
  }
  const row: LtiLinkRow = { id: randomUUID(), contextRowId: context.id, resourceLinkId: link.resourceLinkId, title: link.title ?? "", exerciseId: link.exerciseId ?? null, assignmentId: link.assignmentId ?? null, lineItemUrl: link.lineItemUrl ?? null, createdAt: now };
  db.insert(ltiResourceLinks).values(row).run();
  return row;
}

/**
 * An assignment of the course covering `exerciseId`: the one that has it, or a new one without
 * dates (late work at full credit) named after the LMS link. Submissions count in a course only
 * when an assignment covers their exercise, so a link to a bare exercise needs one for its scores.
 */
export function assignmentForExercise(db: Db, courseId: string, exerciseId: string, title: string, now = new Date()): string {
  const existing = db.select().from(assignments).where(eq(assignments.courseId, courseId)).all().find((a) => a.exerciseIds.includes(exerciseId));
  if (existing) return existing.id;
  const id = randomUUID();
  db.insert(assignments).values({ id, courseId, title: title || exerciseId, exerciseIds: [exerciseId], releaseAt: null, dueAt: null, latePolicy: { kind: "none" }, maxSubmissions: null, cooldownSeconds: null, createdAt: now }).run();
  return id;
}

/** The exercises a resource link grades: its exercise, or every exercise of its assignment. */
export function exercisesOfLink(db: Db, link: LtiLinkRow): string[] {
  if (link.exerciseId) return [link.exerciseId];
  if (!link.assignmentId) return [];
  return db.select({ ids: assignments.exerciseIds }).from(assignments).where(eq(assignments.id, link.assignmentId)).get()?.ids ?? [];
}

export function linkById(db: Db, id: string): LtiLinkRow | undefined {
  return db.select().from(ltiResourceLinks).where(eq(ltiResourceLinks.id, id)).get();
}

/** A context by its row id, or a 404 LtiError. */
export function requireContext(db: Db, id: string): LtiContextRow {
  const c = contextById(db, id);
  if (!c) throw new LtiError(404, "unknown_context", "This LMS course is not linked to GradLab.");
  return c;
}
