/**
 * Scores that change without a new verdict reach the LMS too. An instructor's edit of an
 * assignment (due date, late policy, exercises) or an extension changes what the gradebook
 * records for submissions already made; the SQLite triggers (migration 0010) see only verdicts
 * and overrides. So such an edit runs inside `followedByLms`: the recorded scores of the
 * course's LMS-linked learners are read before and after it, in the edit's transaction, and each
 * (learner, exercise) whose recorded score changed gets a row in the passback outbox's intake
 * (lti_score_changes), exactly as a trigger writes it. The relay (server/lti/outbox.ts) then
 * sends the score the gradebook records when it sends. A score that did not change sends nothing.
 * A whole-assignment link whose exercises the edit changed is re-armed for each LMS learner: its
 * sum and maximum change even where no exercise's score does (a passback row is matched to links
 * by the exercises they grade *now*, so the removed exercise's change would reach no link).
 * A link whose assignment lost every exercise (or was deleted) sends nothing: the LMS keeps the
 * last score it was sent, and the instructor removes that column in the LMS.
 */
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { ltiAccounts, ltiContexts, ltiResourceLinks, ltiScoreChanges } from "../../db/schema.ts";
import type { Catalogue } from "../../grader/exercises.ts";
import { db, getCatalogue } from "../context.ts";
import { exercisesOfLink } from "../lti/contexts.ts";
import { platformById } from "../lti/platforms.ts";
import { armPassback } from "../lti/outbox.ts";
import { gradebookPartsWith } from "./gradebook.ts";

/** `userId` → exercise id → the gradebook's recorded score (null: nothing graded). */
type RecordedScores = Map<string, Map<string, number | null>>;

/** The recorded scores of the course's learners who came from an LMS (`onlyUserId`: that learner only). */
function lmsRecordedScores(cat: Catalogue, courseId: string, onlyUserId?: string): RecordedScores {
  const { table } = gradebookPartsWith(cat, courseId, onlyUserId);
  const ids = table.map((r) => r.learner.id);
  const linked = new Set(ids.length ? db.select({ userId: ltiAccounts.userId }).from(ltiAccounts).where(inArray(ltiAccounts.userId, ids)).all().map((r) => r.userId) : []);
  const out: RecordedScores = new Map();
  for (const row of table) {
    if (!linked.has(row.learner.id)) continue;
    out.set(row.learner.id, new Map(Object.entries(row.cells).map(([exerciseId, cell]) => [exerciseId, cell.best])));
  }
  return out;
}

/** The course's whole-assignment links: the exercises each grades (sorted, joined: compared as text) and its platform. */
function assignmentLinks(courseId: string): Map<string, { exercises: string; platformId: string }> {
  const links = db
    .select({ link: ltiResourceLinks, platformId: ltiContexts.platformId })
    .from(ltiResourceLinks)
    .innerJoin(ltiContexts, eq(ltiContexts.id, ltiResourceLinks.contextRowId))
    .where(and(eq(ltiContexts.courseId, courseId), isNotNull(ltiResourceLinks.assignmentId)))
    .all();
  return new Map(links.map(({ link, platformId }) => [link.id, { exercises: [...exercisesOfLink(db, link)].sort().join("\n"), platformId }]));
}

/**
 * Run `edit` (synchronous: it is part of one immediate transaction with the two reads) and queue
 * a passback for every LMS learner's exercise whose recorded score it changed. Returns `edit`'s result.
 */
export async function followedByLms<T>(courseId: string, edit: () => T, onlyUserId?: string, now = new Date()): Promise<T> {
  const cat = await getCatalogue();
  return db.transaction(
    () => {
      // A course no LMS course maps to has no scores to send: the edit alone.
      if (!db.select({ id: ltiContexts.id }).from(ltiContexts).where(eq(ltiContexts.courseId, courseId)).get()) return edit();
      const before = lmsRecordedScores(cat, courseId, onlyUserId);
      const linksBefore = assignmentLinks(courseId);
      const result = edit();
      const after = lmsRecordedScores(cat, courseId, onlyUserId);
      for (const [linkId, { exercises, platformId }] of assignmentLinks(courseId)) {
        if (!exercises || exercises === linksBefore.get(linkId)?.exercises) continue;
        const issuer = platformById(db, platformId)?.issuer;
        const onPlatform = (userId: string) => !!issuer && !!db.select({ id: ltiAccounts.userId }).from(ltiAccounts).where(and(eq(ltiAccounts.userId, userId), eq(ltiAccounts.issuer, issuer))).get();
        for (const userId of after.keys()) if (onPlatform(userId)) armPassback(db, linkId, userId, now, now);
      }
      const changed: (typeof ltiScoreChanges.$inferInsert)[] = [];
      for (const [userId, scores] of after) {
        for (const [exerciseId, score] of scores) {
          // An exercise new to the gradebook counts as changed only when it brings a score.
          const was = before.get(userId)?.get(exerciseId) ?? null;
          if (was !== score) changed.push({ submissionId: null, courseId, userId, exerciseId, at: now });
        }
      }
      if (changed.length) db.insert(ltiScoreChanges).values(changed).run();
      return result;
    },
    { behavior: "immediate" },
  );
}
