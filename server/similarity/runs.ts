/**
 * Similarity checks as background jobs: a similarity_runs row is the job (queued → running →
 * done | failed) with its progress (submissions fingerprinted of total), so a page can follow
 * it and a restart loses nothing: a run left queued, or running with no runner in this process
 * for a while, is taken up again when anyone looks at the course's runs. Course staff start and
 * read them; the report names submissions, the side-by-side view reads their code from the
 * database at view time (nothing of it leaves the server otherwise).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { and, desc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { similarityRuns, submissionCourses, submissions, users } from "../../db/schema.ts";
import { formatInZone } from "../../lib/course/dates.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { db, findExercise, HttpError, type SessionUser } from "../context.ts";
import { madeIn, requireCourse } from "../courses/roles.ts";
import { analyse, type SimilarityReport, type Span } from "./analyse.ts";

type RunRow = typeof similarityRuns.$inferSelect;

export interface SimilarityRunView {
  id: string;
  exerciseId: string;
  state: RunRow["state"];
  total: number;
  done: number;
  error: string | null;
  createdLocal: string;
  /** Done: the ranked pairs, each side named by the learner's email. */
  pairs: { index: number; left: string; right: string; similarity: number; longest: number; fragments: number }[];
}

export interface PairView {
  exerciseId: string;
  similarity: number;
  longest: number;
  left: { email: string; submissionId: string; createdLocal: string; code: string; spans: Span[] };
  right: { email: string; submissionId: string; createdLocal: string; code: string; spans: Span[] };
}

/** A run left "running" this long without a runner here is taken up again (the process that ran it stopped). */
const STALE_MS = 2 * 60_000;
const active = new Set<string>();

/** Each learner's final (latest) submission of the exercise made in the course. */
function finalSubmissions(courseId: string, exerciseId: string): { id: string; userId: string; code: string }[] {
  const rows = db
    .select({ id: submissions.id, userId: submissions.userId, code: submissions.code, createdAt: submissions.createdAt })
    .from(submissions)
    .innerJoin(submissionCourses, madeIn(courseId))
    .where(eq(submissions.exerciseId, exerciseId))
    .orderBy(desc(submissions.createdAt))
    .all();
  const seen = new Map<string, { id: string; userId: string; code: string }>();
  for (const r of rows) if (r.userId && !seen.has(r.userId)) seen.set(r.userId, { id: r.id, userId: r.userId, code: r.code });
  return [...seen.values()];
}

/** POST …/similarity {exerciseId} (course staff): queues a run and starts it in the background. */
export async function startSimilarity(user: SessionUser, courseId: string, body: unknown): Promise<{ runId: string; total: number }> {
  requireCourse(user, courseId, "staff");
  const exerciseId = (body as { exerciseId?: unknown } | null)?.exerciseId;
  if (typeof exerciseId !== "string" || !(await findExercise(exerciseId))) throw new HttpError(400, text("errors.similarity.exerciseRequired"));
  const total = finalSubmissions(courseId, exerciseId).length;
  if (total < 2) throw new HttpError(400, text("errors.similarity.tooFew", { total, exercise: exerciseId }));
  const id = randomUUID();
  db.insert(similarityRuns).values({ id, courseId, exerciseId, state: "queued", total, done: 0, requestedBy: user.id, createdAt: new Date() }).run();
  kick(id);
  return { runId: id, total };
}

function kick(id: string): void {
  setImmediate(() => void runOne(id));
}

/** Claims the run (queued, or running but stale) and runs it; a claim that fails means another runner has it. */
export async function runOne(id: string, now = Date.now()): Promise<void> {
  if (active.has(id)) return;
  const claimed = db
    .update(similarityRuns)
    .set({ state: "running", startedAt: new Date(now), done: 0 })
    .where(and(eq(similarityRuns.id, id), or(eq(similarityRuns.state, "queued"), and(eq(similarityRuns.state, "running"), or(isNull(similarityRuns.startedAt), lt(similarityRuns.startedAt, new Date(now - STALE_MS)))))))
    .run().changes;
  if (!claimed) return;
  active.add(id);
  try {
    const run = db.select().from(similarityRuns).where(eq(similarityRuns.id, id)).get()!;
    const ex = await findExercise(run.exerciseId);
    if (!ex) throw new Error(`the exercise '${run.exerciseId}' is no longer in the catalogue`);
    const subs = finalSubmissions(run.courseId, run.exerciseId);
    db.update(similarityRuns).set({ total: subs.length }).where(eq(similarityRuns.id, id)).run();
    const report = await analyse({
      starter: readFileSync(ex.files.starter, "utf8"),
      submissions: subs.map((s) => ({ id: s.id, code: s.code })),
      onFile: async (done) => {
        // Progress, and the event loop's turn: the web server keeps answering meanwhile.
        if (done % 5 === 0 || done === subs.length) db.update(similarityRuns).set({ done, startedAt: new Date() }).where(eq(similarityRuns.id, id)).run();
        await yieldToLoop();
      },
    });
    db.update(similarityRuns).set({ state: "done", done: subs.length, report, finishedAt: new Date() }).where(eq(similarityRuns.id, id)).run();
  } catch (e) {
    db.update(similarityRuns).set({ state: "failed", error: (e as Error).message, finishedAt: new Date() }).where(eq(similarityRuns.id, id)).run();
  } finally {
    active.delete(id);
  }
}

/** Takes up the course's runs that no runner holds (after a restart). */
function resume(courseId: string): void {
  const open = db.select({ id: similarityRuns.id }).from(similarityRuns).where(and(eq(similarityRuns.courseId, courseId), inArray(similarityRuns.state, ["queued", "running"]))).all();
  for (const r of open) if (!active.has(r.id)) kick(r.id);
}

function emails(ids: string[]): Map<string, string> {
  if (!ids.length) return new Map();
  const rows = db.select({ id: submissions.id, email: users.email }).from(submissions).innerJoin(users, eq(users.id, submissions.userId)).where(inArray(submissions.id, ids)).all();
  return new Map(rows.map((r) => [r.id, r.email]));
}

function runView(run: RunRow, tz: string): SimilarityRunView {
  const report = run.report as SimilarityReport | null;
  const names = emails(report ? [...new Set(report.pairs.flatMap((p) => [p.left, p.right]))] : []);
  return {
    id: run.id,
    exerciseId: run.exerciseId,
    state: run.state,
    total: run.total,
    done: run.done,
    error: run.error,
    createdLocal: formatInZone(run.createdAt, tz),
    pairs: (report?.pairs ?? []).map((p, index) => ({ index, left: names.get(p.left) ?? p.left, right: names.get(p.right) ?? p.right, similarity: p.similarity, longest: p.longest, fragments: p.fragments.length })),
  };
}

/** GET …/similarity (course staff): the course's runs, newest first. */
export function similarityRunsOf(user: SessionUser, courseId: string): SimilarityRunView[] {
  const { course } = requireCourse(user, courseId, "staff");
  resume(courseId);
  return db.select().from(similarityRuns).where(eq(similarityRuns.courseId, courseId)).orderBy(desc(similarityRuns.createdAt)).limit(20).all().map((r) => runView(r, course.timeZone));
}

function runOf(courseId: string, runId: string): RunRow {
  const run = db.select().from(similarityRuns).where(and(eq(similarityRuns.id, runId), eq(similarityRuns.courseId, courseId))).get();
  if (!run) throw new HttpError(404, text("errors.similarity.noRun", { id: runId }));
  return run;
}

/** GET …/similarity/:runId (course staff): progress, and the ranked pairs when done. */
export function similarityRun(user: SessionUser, courseId: string, runId: string): SimilarityRunView {
  const { course } = requireCourse(user, courseId, "staff");
  resume(courseId);
  return runView(runOf(courseId, runId), course.timeZone);
}

/** GET …/similarity/:runId/pairs/:index (course staff): both submissions' code and their shared fragments. */
export function similarityPair(user: SessionUser, courseId: string, runId: string, index: number): PairView {
  const { course } = requireCourse(user, courseId, "staff");
  const report = runOf(courseId, runId).report as SimilarityReport | null;
  const p = report?.pairs[index];
  if (!p) throw new HttpError(404, text("errors.similarity.noPair", { index }));
  const side = (id: string, spans: Span[]) => {
    const s = db.select({ code: submissions.code, createdAt: submissions.createdAt, email: users.email }).from(submissions).innerJoin(users, eq(users.id, submissions.userId)).where(eq(submissions.id, id)).get();
    if (!s) throw new HttpError(404, text("errors.similarity.submissionGone", { id }));
    return { email: s.email, submissionId: id, createdLocal: formatInZone(s.createdAt, course.timeZone), code: s.code, spans };
  };
  return { exerciseId: report!.pairs.length ? runOf(courseId, runId).exerciseId : "", similarity: p.similarity, longest: p.longest, left: side(p.left, p.fragments.map((f) => f.left)), right: side(p.right, p.fragments.map((f) => f.right)) };
}
