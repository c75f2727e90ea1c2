/**
 * The web app's server side, loaded by Node itself (not bundled by Next: see app/_lib/server-loader.ts),
 * once per process: the database, auth, the catalogue, and the reads and writes the pages and
 * route handlers need. Authorisation decisions live here too, so every caller gets the same.
 */
import { and, desc, eq, gte, count, max, sql } from "drizzle-orm";
import { drafts, submissions } from "../db/schema.ts";
import type { Exercise } from "../grader/exercises.ts";
import { MAX_CODE_BYTES, QueueFullError, maxQueuedPerLearner } from "../grader/intake.ts";
import { renderText, text, type Text } from "../lib/i18n/server-text.ts";
import { selectOptionalSubmission, submissionStatus, type SubmissionRow } from "../grader/submissions.ts";
import { redactForLearner, type GradeResult } from "../lib/result.ts";
import { readFileSync } from "node:fs";
import { esbuildOutputOf, type EsbuildOutput } from "../lib/sandbox/transpile.ts";
import { canReadAll, db, findExercise, getCatalogue, type SessionUser } from "./context.ts";
import { staffOfSubmission, submitInCourses, withheldExercises, withholdFeedback } from "./courses/index.ts";
import { DEFAULT_LOCALE } from "../lib/i18n/locales.ts";
import { localizedStatement, localizedTitle, type TranslationState } from "./localized-exercise.ts";

export { MAX_CODE_BYTES };
export const SUBMISSIONS_PER_MINUTE = Number(process.env.GRADLAB_SUBMISSIONS_PER_MINUTE ?? 10);

export { db, auth, getCatalogue, findExercise, sessionUser, canReadAll, HttpError, type SessionUser } from "./context.ts";
export * from "./courses/index.ts";
export { userLocale, setUserLocale } from "./user-locale.ts";
export { queueStatus, type QueueStatus } from "./queue-status.ts";
export { verdictWaitsOn, type WaitStatus } from "./verdict-waits.ts";
export { localizedTitle } from "./localized-exercise.ts";
export { admin, type AdminUserView, type CourseOverview } from "./admin/index.ts";
export * from "./similarity/index.ts";
export { lti, LtiError } from "./lti/index.ts";
export { serveApi, type ApiRequest, type ApiOptions } from "./api-pipeline.ts";
export * as submissionApi from "./submission-api.ts";
export type { SubmissionRoute } from "./submission-api.ts";

// ---- what the browser may see of an exercise -----------------------------------------------

export interface ExerciseView {
  id: string;
  set: string;
  setTitle: string;
  title: string;
  summary: string;
  topic: string;
  tags: string[];
  exports: string[];
  points: number;
  statement: string;
  /** The language `statement` is in, and how it stands against the English (see localized-exercise.ts). */
  statementLocale: string;
  translation: TranslationState;
  starter: string;
  checks: { name: string; points: number; visibility: "visible" | "hidden" }[];
  timeoutMs: number;
}

/** The exercise for a reader of `locale`: the statement (and its title) translated when a translation exists. */
export async function exerciseView(ex: Exercise, locale: string = DEFAULT_LOCALE): Promise<ExerciseView> {
  const cat = await getCatalogue();
  const statement = localizedStatement(ex.files.statement, locale);
  return {
    id: ex.id,
    set: ex.set,
    setTitle: cat.sets.find((s) => s.id === ex.set)?.title ?? ex.set,
    title: localizedTitle(ex.meta.title, ex.files.statement, locale),
    summary: ex.meta.summary,
    topic: ex.meta.topic,
    tags: ex.meta.tags,
    exports: ex.meta.exports,
    points: ex.points,
    statement: statement.markdown,
    statementLocale: statement.locale,
    translation: statement.translation,
    starter: readFileSync(ex.files.starter, "utf8"),
    checks: ex.suite.checks.map((c) => ({ name: c.name, points: c.points, visibility: c.visibility })),
    timeoutMs: ex.meta.limits.timeoutMs,
  };
}

/** Best score and attempts per exercise for one user (no score for an exam whose feedback is not released: best 0). */
export function progress(userId: string): Map<string, { best: number; attempts: number }> {
  const held = withheldExercises(userId);
  const rows = db
    .select({ exerciseId: submissions.exerciseId, best: max(submissions.score), attempts: count() })
    .from(submissions)
    .where(eq(submissions.userId, userId))
    .groupBy(submissions.exerciseId)
    .all();
  return new Map(rows.map((r) => [r.exerciseId, { best: held.has(r.exerciseId) ? 0 : (r.best ?? 0), attempts: r.attempts }]));
}

// ---- submissions ---------------------------------------------------------------------------

/** A refusal's `error` is English; `text` is the same as a message key for the reader's language (lib/i18n/server-text.ts). */
export type SubmitOutcome = { ok: true; id: string } | { ok: false; status: 400 | 403 | 404 | 413 | 429; error: string; text: Text; retryAfter?: number };

const refuse = (status: 400 | 403 | 404 | 413 | 429, t: Text, retryAfter?: number): SubmitOutcome => ({ ok: false, status, error: renderText(t), text: t, ...(retryAfter ? { retryAfter } : {}) });

// The submissions of the last minute, asked on every POST: prepared once (issue 19). A placeholder
// in a condition is bound as given, so the time goes in as the column stores it (ms).
let recentQuery: { get(values: { userId: string; sinceMs: number }): { n: number } | undefined } | undefined;

export async function submit(user: SessionUser, body: unknown): Promise<SubmitOutcome> {
  const b = body as { exerciseId?: unknown; code?: unknown } | null;
  if (!b || typeof b !== "object" || typeof b.exerciseId !== "string" || typeof b.code !== "string") {
    return refuse(400, text("errors.submit.shape"));
  }
  const ex = await findExercise(b.exerciseId);
  if (!ex) return refuse(404, text("errors.submit.unknownExercise", { exercise: b.exerciseId }));
  if (!b.code.trim()) return refuse(400, text("errors.submit.empty", { exports: ex.meta.exports.join(", ") }));
  const bytes = Buffer.byteLength(b.code, "utf8");
  if (bytes > MAX_CODE_BYTES) return refuse(413, text("errors.submit.tooLarge", { bytes, limit: MAX_CODE_BYTES }));
  recentQuery ??= db
    .select({ n: count() })
    .from(submissions)
    .where(and(eq(submissions.userId, sql.placeholder("userId")), gte(submissions.createdAt, sql.placeholder("sinceMs"))))
    .prepare();
  const recent = recentQuery.get({ userId: user.id, sinceMs: Date.now() - 60_000 });
  if ((recent?.n ?? 0) >= SUBMISSIONS_PER_MINUTE) {
    return refuse(429, text("errors.submit.tooMany", { perMinute: SUBMISSIONS_PER_MINUTE }), 60);
  }
  // Every course's rules (released, not past a hard cutoff, submission limit, cool-down), then stored.
  try {
    const out = submitInCourses(user, ex, b.code);
    if (!out.ok) return refuse(out.status, out.text, out.retryAfter);
    return { ok: true, id: out.id! };
  } catch (e) {
    if (e instanceof QueueFullError) return refuse(429, text("errors.submit.queueFull", { queued: e.queued, limit: maxQueuedPerLearner() }), e.retryAfter);
    throw e;
  }
}

export interface SubmissionView {
  id: string;
  exerciseId: string;
  createdAt: number;
  status: "queued" | "running" | "done";
  score: number | null;
  maxScore: number | null;
  result: GradeResult | null;
  /** Exam mode: the result is withheld from the learner until this time (ms); score and result are null. */
  feedbackAt?: number;
}

/**
 * Whether `user` reads this submission as staff: a global instructor or admin, or a TA or
 * instructor of a course the submission was made in. Staff see hidden checks' details and the
 * hidden seed; everyone else (the learner included) gets neither.
 */
function readsAsStaff(user: SessionUser, row: SubmissionRow): boolean {
  return canReadAll(user) || staffOfSubmission(user, row.id);
}

/**
 * The result as a learner may see it: hidden checks' details withheld, and no hidden seed (with
 * the open-source CLI, `--seed <it> --reveal-hidden` would rebuild every hidden input and answer).
 */
export function learnerResult(raw: GradeResult): GradeResult {
  const { seed: _seed, ...rest } = redactForLearner(raw);
  return rest;
}

function view(row: SubmissionRow, staff: boolean): SubmissionView {
  const raw = (row.result as GradeResult | null) ?? null;
  const status = submissionStatus(row);
  const v: SubmissionView = {
    id: row.id,
    exerciseId: row.exerciseId,
    createdAt: row.createdAt.getTime(),
    status,
    score: row.score,
    maxScore: row.maxScore,
    result: status === "done" && raw ? (staff ? raw : learnerResult(raw)) : null,
  };
  // Exam mode (courses/exam.ts): before the release time a learner reads "submitted", nothing more.
  return staff ? v : withholdFeedback(v);
}

/**
 * A submission as `user` may see it; null when it does not exist or is not theirs to read (their
 * own; a global instructor or admin; a course's staff for a submission made in that course).
 */
export function readSubmission(user: SessionUser, id: string): (SubmissionView & { code: string }) | null {
  const row = selectOptionalSubmission(db, id);
  if (!row) return null;
  const staff = readsAsStaff(user, row);
  if (row.userId !== user.id && !staff) return null;
  return { ...view(row, staff), code: row.code };
}

/**
 * Only the status of a submission `user` may read (null as readSubmission would be): what the
 * verdict long poll checks before and while it waits, without building the answer (one
 * primary-key read; the staff check only for someone else's submission).
 */
export function readableStatus(user: SessionUser, id: string): SubmissionView["status"] | null {
  statusRow ??= db.$client.prepare("SELECT user_id AS userId, started_at AS startedAt, finished_at AS finishedAt FROM submissions WHERE id = ?");
  const row = statusRow.get(id) as { userId: string | null; startedAt: number | null; finishedAt: number | null } | undefined;
  if (!row || (row.userId !== user.id && !canReadAll(user) && !staffOfSubmission(user, id))) return null;
  return row.finishedAt !== null ? "done" : row.startedAt !== null ? "running" : "queued";
}
let statusRow: ReturnType<typeof db.$client.prepare> | undefined;

export function history(user: SessionUser, exerciseId: string): (SubmissionView & { code: string })[] {
  return db
    .select()
    .from(submissions)
    .where(and(eq(submissions.userId, user.id), eq(submissions.exerciseId, exerciseId)))
    .orderBy(desc(submissions.createdAt))
    .all()
    .map((r) => ({ ...view(r, canReadAll(user)), code: r.code }));
}

// ---- drafts --------------------------------------------------------------------------------

/** The learner's draft and its revision (the save time in ms; it increases with every save). */
export function readDraft(userId: string, exerciseId: string): { code: string; rev: number } | null {
  const row = db.select({ code: drafts.code, updatedAt: drafts.updatedAt }).from(drafts).where(and(eq(drafts.userId, userId), eq(drafts.exerciseId, exerciseId))).get();
  return row ? { code: row.code, rev: row.updatedAt.getTime() } : null;
}

/** Saves the draft; returns its new revision (strictly after the previous one, even within a millisecond). */
export function saveDraft(userId: string, exerciseId: string, code: string): number {
  const prev = readDraft(userId, exerciseId)?.rev ?? 0;
  const now = new Date(Math.max(Date.now(), prev + 1));
  db.insert(drafts).values({ userId, exerciseId, code, updatedAt: now }).onConflictDoUpdate({ target: [drafts.userId, drafts.exerciseId], set: { code, updatedAt: now } }).run();
  return now.getTime();
}

// ---- the browser's Run -----------------------------------------------------------------------

/** Drafts up to this size are transpiled for the page's first Run; larger ones are left to the browser. */
const RUN_SEED_MAX_CHARS = 32 * 1024;

/**
 * The code the exercise page opens with, transpiled here for the browser's first Run of it
 * (app/_run/protocol.ts RunSeed): the learner's own code, nothing else. Undefined when it is too
 * large or does not compile (the browser's Run then says why itself).
 */
export async function runSeed(code: string): Promise<(EsbuildOutput & { code: string }) | undefined> {
  if (code.length > RUN_SEED_MAX_CHARS) return undefined;
  const out = await esbuildOutputOf(code, "solution.ts");
  return out && { code, ...out };
}

let manifest: Record<string, { run: boolean; reason?: string; driver: boolean }> | undefined;
/** Whether the browser can Run this exercise's visible checks (from the built assets' manifest). */
export function runSupport(exerciseId: string): { run: boolean; reason?: string; driver: boolean } {
  if (!manifest) {
    try {
      const root = process.env.GRADLAB_ROOT ?? process.cwd();
      manifest = (JSON.parse(readFileSync(`${root}/public/gradlab/manifest.json`, "utf8")) as { exercises: typeof manifest }).exercises;
    } catch {
      return { run: false, reason: "the browser assets are not built (npm run build)", driver: false };
    }
  }
  return manifest?.[exerciseId] ?? { run: false, reason: "this exercise is newer than the built assets (npm run build)", driver: false };
}
