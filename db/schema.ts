/**
 * The database schema (drizzle, SQLite). Migrations in db/migrations are generated from this
 * file by `npm run db:generate` and committed; the app and every CLI command apply them at start.
 * Event timestamps are stored (queued, started, finished) and status is derived from them.
 */
import { sqliteTable, text, integer, real, index } from "drizzle-orm/sqlite-core";

/** A learner's submission: stored before it is queued, never deleted by grading. */
export const submissions = sqliteTable(
  "submissions",
  {
    id: text("id").primaryKey(),
    /** The submitting user (null for submissions made from the CLI without an account). */
    userId: text("user_id"),
    exerciseId: text("exercise_id").notNull(),
    /** Content hash of the exercise at submission time. */
    exerciseVersion: text("exercise_version").notNull(),
    code: text("code").notNull(),
    /** Seed of the hidden cases, drawn from a cryptographic RNG when the submission is stored. */
    hiddenSeed: text("hidden_seed").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    score: real("score"),
    maxScore: real("max_score"),
    /** The grader's status once graded (passed, failed, error, timeout, memory). */
    verdict: text("verdict"),
    /** The full grader result JSON (hidden details included; redacted when served to learners). */
    result: text("result", { mode: "json" }),
  },
  (t) => [index("submissions_user_exercise").on(t.userId, t.exerciseId, t.createdAt)],
);

/** The durable grading queue: one row per grading attempt series of a submission. */
export const gradingJobs = sqliteTable(
  "grading_jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id),
    /** queued → leased → done | failed (failed = gave up after maxAttempts). */
    state: text("state", { enum: ["queued", "leased", "done", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: integer("lease_expires_at"),
    queuedAt: integer("queued_at", { mode: "timestamp_ms" }).notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    lastError: text("last_error"),
  },
  (t) => [index("grading_jobs_state").on(t.state, t.id), index("grading_jobs_submission").on(t.submissionId)],
);
