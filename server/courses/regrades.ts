/** Regrades: an exercise's submissions made in this course (or one learner's) graded again in the background, with progress. */
import { eq } from "drizzle-orm";
import { regradeBatches, submissionCourses } from "../../db/schema.ts";
import { queueRegrade, regradeProgress, type RegradeProgress } from "../../grader/submissions.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { db, HttpError, type SessionUser } from "../context.ts";
import { gradebookParts } from "./gradebook.ts";
import { requireCourse } from "./roles.ts";
import { parseBody, Regrade } from "./schemas.ts";

/** Regrade an exercise's submissions by this course's learners (or one learner) in the background. */
export async function startRegrade(user: SessionUser, courseId: string, body: unknown): Promise<{ batchId: string; total: number }> {
  requireCourse(user, courseId, "instructor");
  const b = parseBody(Regrade, body);
  const exerciseId = b.exerciseId;
  const { items, learners } = await gradebookParts(courseId);
  if (!items.some((i) => i.exerciseId === exerciseId)) throw new HttpError(404, text("errors.course.exerciseNotInCourse", { exercise: exerciseId }));
  let userIds = learners.map((l) => l.id);
  let one: string | null = null;
  if (b.email) {
    const l = learners.find((x) => x.email === b.email);
    if (!l) throw new HttpError(404, text("errors.course.notLearner", { email: b.email }));
    userIds = [l.id];
    one = l.id;
  }
  // Only the submissions made in this course: another course's work is not this course's to regrade.
  const submissionIds = db.select({ id: submissionCourses.submissionId }).from(submissionCourses).where(eq(submissionCourses.courseId, courseId)).all().map((r) => r.id);
  return queueRegrade(db, { exerciseId, userIds, submissionIds, allowLower: b.allowLower === true, courseId, userId: one, requestedBy: user.id });
}

export function regradeStatus(user: SessionUser, courseId: string, batchId: string): RegradeProgress {
  requireCourse(user, courseId, "staff");
  const batch = db.select({ courseId: regradeBatches.courseId }).from(regradeBatches).where(eq(regradeBatches.id, batchId)).get();
  const p = batch?.courseId === courseId ? regradeProgress(db, batchId) : null;
  if (!p) throw new HttpError(404, text("errors.course.noRegrade", { id: batchId }));
  return p;
}
