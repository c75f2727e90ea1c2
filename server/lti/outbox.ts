/**
 * The grade passback outbox. Its intake, lti_score_changes, is written by SQLite triggers in the
 * same transaction as each verdict and override of a learner with an LTI account (migration
 * 0010), so no score change is lost whatever process stored it. The relay:
 *   1. turns each change into a pending lti_passbacks row per resource link that grades the
 *      exercise in a course the change belongs to (one row per link and learner: a newer change
 *      makes the row pending again, superseding a score not sent yet);
 *   2. sends each due row: the score the gradebook records NOW (late policy and override
 *      applied) to the link's line item (the launch's, or one it creates), with the AGS score
 *      shape; a transient failure (5xx, unreachable, 429) is retried with exponential backoff,
 *      a refusal (other 4xx) or too many attempts marks the row failed with the platform's answer.
 * A row sent while a newer change arrived stays pending (the row's updatedAt is its version).
 */
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { ltiAccounts, ltiContexts, ltiPassbacks, ltiResourceLinks, ltiScoreChanges, submissionCourses } from "../../db/schema.ts";
import { gradebookParts } from "../courses/gradebook.ts";
import { createLineItem, postScore } from "./ags.ts";
import { ServiceError } from "./ags-token.ts";
import { contextById, exercisesOfLink, type LtiLinkRow } from "./contexts.ts";
import { platformById } from "./platforms.ts";

export type PassbackRow = typeof ltiPassbacks.$inferSelect;

export const RELAY = {
  /** First retry after this long; doubles each attempt up to `maxDelayMs`. */
  baseDelayMs: Number(process.env.GRADLAB_LTI_RETRY_BASE_MS ?? 5_000),
  maxDelayMs: 30 * 60_000,
  /** After this many failed attempts the row is failed (an instructor may resend). ~2 hours with the defaults. */
  maxAttempts: 12,
  batch: 50,
};

/** How long a relay holds a row it is sending (longer than a service call's timeouts). */
const CLAIM_MS = 120_000;

export function backoffMs(attempts: number): number {
  return Math.min(RELAY.maxDelayMs, RELAY.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

/** Make (or re-arm) the passback of a link for a learner: pending, due now, attempts reset. */
export function armPassback(db: Db, linkId: string, userId: string, changedAt: Date, now = new Date()): void {
  db.insert(ltiPassbacks)
    .values({ linkId, userId, state: "pending", changedAt, attempts: 0, nextAttemptAt: now, updatedAt: now })
    // The AGS timestamp never goes back: a platform ignores a score older than the one it holds.
    .onConflictDoUpdate({ target: [ltiPassbacks.linkId, ltiPassbacks.userId], set: { state: "pending", changedAt: sql`max(${ltiPassbacks.changedAt}, excluded.changed_at)`, attempts: 0, nextAttemptAt: now, lastError: null, updatedAt: now } })
    .run();
}

/** The resource links that grade `exerciseId` in `courseId`, for a learner with an account on their platform. */
function linksGrading(db: Db, courseId: string, exerciseId: string, userId: string): LtiLinkRow[] {
  const contexts = db.select().from(ltiContexts).where(eq(ltiContexts.courseId, courseId)).all();
  const out: LtiLinkRow[] = [];
  for (const c of contexts) {
    const platform = platformById(db, c.platformId);
    if (!platform) continue;
    const linked = db.select().from(ltiAccounts).where(and(eq(ltiAccounts.userId, userId), eq(ltiAccounts.issuer, platform.issuer))).get();
    if (!linked) continue;
    for (const link of db.select().from(ltiResourceLinks).where(eq(ltiResourceLinks.contextRowId, c.id)).all()) {
      // Scores need somewhere to go: the link's line item, or the context's container to make one in.
      if (!link.lineItemUrl && !c.lineItemsUrl) continue;
      if (exercisesOfLink(db, link).includes(exerciseId)) out.push(link);
    }
  }
  return out;
}

/** Step 1: the intake's changes become pending passbacks (one transaction: none lost, none twice). */
export function expandChanges(db: Db, now = new Date()): number {
  return db.transaction(
    (tx) => {
      const t = tx as unknown as Db;
      const changes = t.select().from(ltiScoreChanges).orderBy(asc(ltiScoreChanges.id)).limit(500).all();
      for (const ch of changes) {
        const courseIds = ch.courseId
          ? [ch.courseId]
          : t.select({ id: submissionCourses.courseId }).from(submissionCourses).where(eq(submissionCourses.submissionId, ch.submissionId ?? "")).all().map((r) => r.id);
        for (const courseId of courseIds) for (const link of linksGrading(t, courseId, ch.exerciseId, ch.userId)) armPassback(t, link.id, ch.userId, ch.at, now);
      }
      if (changes.length) t.delete(ltiScoreChanges).where(inArray(ltiScoreChanges.id, changes.map((c) => c.id))).run();
      return changes.length;
    },
    { behavior: "immediate" },
  );
}

/** The score the gradebook records for the learner on a link (its exercise, or its assignment's sum); null: not a learner of the course. */
export async function gradebookScore(db: Db, courseId: string, link: LtiLinkRow, userId: string): Promise<{ given: number; maximum: number } | null> {
  const { items, table } = await gradebookParts(courseId, userId);
  const row = table[0];
  if (!row) return null;
  const exercises = new Set(exercisesOfLink(db, link));
  let given = 0;
  let maximum = 0;
  for (const item of items) {
    if (!exercises.has(item.exerciseId)) continue;
    given += row.cells[item.exerciseId]?.best ?? 0;
    maximum += item.maxScore;
  }
  return maximum > 0 ? { given: Math.round(given * 1000) / 1000, maximum } : null;
}

/** The line item a link's scores go to: its own, or a new one made in the context's container (stored on the link). */
async function lineItemOf(db: Db, link: LtiLinkRow, maximum: number): Promise<string> {
  if (link.lineItemUrl) return link.lineItemUrl;
  const context = contextById(db, link.contextRowId)!;
  const platform = platformById(db, context.platformId)!;
  if (!context.lineItemsUrl) throw new ServiceError(400, "The LMS offers no grade service (AGS) for this link: enable grade passback for GradLab in the LMS and launch again.");
  const url = await createLineItem(db, platform, context.lineItemsUrl, { label: link.title || exercisesOfLink(db, link).join(", "), scoreMaximum: maximum, resourceLinkId: link.resourceLinkId, resourceId: link.exerciseId ?? link.assignmentId ?? link.resourceLinkId, tag: "gradlab" });
  db.update(ltiResourceLinks).set({ lineItemUrl: url }).where(eq(ltiResourceLinks.id, link.id)).run();
  return url;
}

/** Step 2 for one row: send it and record the outcome; returns the new state. */
export async function sendPassback(db: Db, row: PassbackRow, now = new Date()): Promise<PassbackRow["state"]> {
  const version = row.updatedAt.getTime();
  const settle = (set: Partial<PassbackRow>): PassbackRow["state"] => {
    // Only when no newer change re-armed the row meanwhile (that one will be sent next).
    const done = db.update(ltiPassbacks).set({ ...set, updatedAt: new Date(Math.max(now.getTime(), version + 1)) }).where(and(eq(ltiPassbacks.id, row.id), eq(ltiPassbacks.updatedAt, row.updatedAt))).run();
    return done.changes === 1 ? (set.state ?? row.state) : "pending";
  };
  const attempts = row.attempts + 1;
  try {
    const link = db.select().from(ltiResourceLinks).where(eq(ltiResourceLinks.id, row.linkId)).get();
    const context = link && contextById(db, link.contextRowId);
    const platform = context && platformById(db, context.platformId);
    if (!link || !context || !platform) throw new ServiceError(410, "The LMS link or platform of this passback is gone.");
    const account = db.select().from(ltiAccounts).where(and(eq(ltiAccounts.userId, row.userId), eq(ltiAccounts.issuer, platform.issuer))).get();
    if (!account) throw new ServiceError(410, "This learner has no account on the LMS that holds the line item.");
    const score = await gradebookScore(db, context.courseId, link, row.userId);
    if (!score) throw new ServiceError(410, "This user is not a learner of the course (or the link grades no exercise): there is no score to send.");
    const lineItem = await lineItemOf(db, link, score.maximum);
    await postScore(db, platform, lineItem, {
      userId: account.subject,
      scoreGiven: score.given,
      scoreMaximum: score.maximum,
      activityProgress: "Completed",
      gradingProgress: "FullyGraded",
      timestamp: row.changedAt.toISOString(),
    });
    return settle({ state: "sent", attempts, scoreGiven: score.given, scoreMaximum: score.maximum, sentAt: now, lastError: null });
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    const giveUp = !e.transient || attempts >= RELAY.maxAttempts;
    return settle(giveUp ? { state: "failed", attempts, lastError: e.message } : { attempts, lastError: e.message, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)) });
  }
}

/** One pass of the relay: expand the intake, then send every due pending row (oldest first). */
export async function relayOnce(db: Db, now = new Date()): Promise<{ sent: number; failed: number; retrying: number }> {
  expandChanges(db, now);
  const due = db.select().from(ltiPassbacks).where(and(eq(ltiPassbacks.state, "pending"), lte(ltiPassbacks.nextAttemptAt, now))).orderBy(asc(ltiPassbacks.nextAttemptAt)).limit(RELAY.batch).all();
  const out = { sent: 0, failed: 0, retrying: 0 };
  for (const row of due) {
    // Claim the row (another process's relay may see it too); a claim held past CLAIM_MS by a
    // relay that stopped lapses, and the row is sent by the next pass.
    const claimed = db
      .update(ltiPassbacks)
      .set({ nextAttemptAt: new Date(now.getTime() + CLAIM_MS) })
      .where(and(eq(ltiPassbacks.id, row.id), eq(ltiPassbacks.state, "pending"), lte(ltiPassbacks.nextAttemptAt, now), eq(ltiPassbacks.updatedAt, row.updatedAt)))
      .run();
    void claimed;
    const state = await sendPassback(db, row, now);
    if (state === "sent") out.sent++;
    else if (state === "failed") out.failed++;
    else out.retrying++;
  }
  return out;
}

let timer: NodeJS.Timeout | null = null;
let running = false;

/**
 * Run the relay in this process every `intervalMs` (the web server's; GRADLAB_LTI_RELAY=off stops
 * it, e.g. in tests that drive relayOnce themselves). Its timer never keeps the process alive.
 */
export function startRelay(db: Db, intervalMs = Number(process.env.GRADLAB_LTI_RELAY_MS ?? 2_000)): void {
  if (timer || process.env.GRADLAB_LTI_RELAY === "off") return;
  const tick = async () => {
    if (!db.$client.open) return stopRelay(); // the database was closed (a test's teardown, shutdown)
    if (running) return;
    running = true;
    try {
      await relayOnce(db);
    } catch (e) {
      console.error(`[lti passback] relay pass failed: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  };
  timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
}

export function stopRelay(): void {
  if (timer) clearInterval(timer);
  timer = null;
}
