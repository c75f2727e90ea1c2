/**
 * The database schema (drizzle, SQLite). Migrations in db/migrations are generated from this
 * file by `npm run db:generate` and committed; the app and every CLI command apply them at start.
 * Event timestamps are stored (queued, started, finished) and status is derived from them.
 */
import { sqliteTable, text, integer, real, index, primaryKey, uniqueIndex } from "drizzle-orm/sqlite-core";

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
    /** grade: the first grading; regrade: again with the current exercise version (see grading_results). */
    kind: text("kind", { enum: ["grade", "regrade"] }).notNull().default("grade"),
    /** For a regrade: replace the submission's score even when the new one is lower. */
    allowLower: integer("allow_lower", { mode: "boolean" }).notNull().default(false),
    /** The regrade batch (regrade_batches.id) this job belongs to. */
    batchId: text("batch_id"),
    /** The submission's learner (copied at enqueue): the claim order shares workers fairly among learners. */
    userId: text("user_id"),
  },
  (t) => [
    index("grading_jobs_state").on(t.state, t.id),
    index("grading_jobs_submission").on(t.submissionId),
    index("grading_jobs_batch").on(t.batchId),
    index("grading_jobs_user").on(t.userId, t.startedAt),
  ],
);

// ---- accounts (better-auth's tables; see server/auth.ts) ------------------------------

/** A person with an account. `role` decides what they may read: learner < instructor < admin. */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  role: text("role", { enum: ["learner", "instructor", "admin"] }).notNull().default("learner"),
  /** The UI language the user chose from the top bar (a folder under messages/, e.g. "zh-CN"); null: the browser's. */
  locale: text("locale"),
  /** Disabled by an admin (better-auth's admin plugin "ban"): no sign-in, sessions and tokens revoked. */
  banned: integer("banned", { mode: "boolean" }).default(false),
  banReason: text("ban_reason"),
  banExpires: integer("ban_expires", { mode: "timestamp_ms" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** Sign-in sessions; a session's token is also what `gradlab token` prints for `Authorization: Bearer`. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    token: text("token").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    /** better-auth's admin plugin: the admin acting as this session's user (unused by GradLab, kept for the plugin). */
    impersonatedBy: text("impersonated_by"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

/** Credentials: for email/password, the library's password hash lives here. */
export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: integer("access_token_expires_at", { mode: "timestamp_ms" }),
    refreshTokenExpiresAt: integer("refresh_token_expires_at", { mode: "timestamp_ms" }),
    scope: text("scope"),
    password: text("password"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("accounts_user").on(t.userId)],
);

export const verifications = sqliteTable("verifications", {
  id: text("id").primaryKey(),
  identifier: text("identifier").notNull(),
  value: text("value").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
});

/** The learner's editor draft of one exercise, autosaved from the exercise page. */
export const drafts = sqliteTable(
  "drafts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    exerciseId: text("exercise_id").notNull(),
    code: text("code").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.exerciseId] })],
);

// ---- grading history and regrades ------------------------------------------------------------

/**
 * Every verdict ever produced for a submission (first grading and each regrade), with the
 * exercise version it was graded against: the audit trail. `applied` says whether it became the
 * submission's current result (a regrade that would lower a score is kept here but not applied,
 * unless the instructor allowed lower scores).
 */
export const gradingResults = sqliteTable(
  "grading_results",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id),
    jobId: integer("job_id"),
    kind: text("kind", { enum: ["grade", "regrade"] }).notNull(),
    exerciseVersion: text("exercise_version"),
    score: real("score").notNull(),
    maxScore: real("max_score").notNull(),
    verdict: text("verdict").notNull(),
    result: text("result", { mode: "json" }).notNull(),
    applied: integer("applied", { mode: "boolean" }).notNull(),
    gradedAt: integer("graded_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("grading_results_submission").on(t.submissionId, t.id)],
);

/** One regrade request (an exercise, optionally one learner): its jobs carry its id, for progress. */
export const regradeBatches = sqliteTable("regrade_batches", {
  id: text("id").primaryKey(),
  exerciseId: text("exercise_id").notNull(),
  /** Null: every submission of the exercise (within `courseId` when set). */
  userId: text("user_id"),
  courseId: text("course_id"),
  allowLower: integer("allow_lower", { mode: "boolean" }).notNull(),
  requestedBy: text("requested_by"),
  total: integer("total").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

// ---- courses ----------------------------------------------------------------------------------

/** A class: a title and the time zone its dates are entered and shown in. */
export const courses = sqliteTable("courses", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  timeZone: text("time_zone").notNull(),
  /** Anyone signed in with this token's link joins as a learner (null: invites off). */
  inviteToken: text("invite_token").unique(),
  createdBy: text("created_by"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  /** Archived: read-only (no submissions, no changes) until unarchived. */
  archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
  /** The last full export (submissions and gradebook): a course is deleted only after one. */
  exportedAt: integer("exported_at", { mode: "timestamp_ms" }),
});

/** Who is in a course and as what (learner, TA, instructor). */
export const courseMembers = sqliteTable(
  "course_members",
  {
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["learner", "ta", "instructor"] }).notNull(),
    section: text("section").notNull().default(""),
    joinedAt: integer("joined_at", { mode: "timestamp_ms" }).notNull(),
    /** The institution's student ID, from the roster (exported with the gradebook). */
    studentId: text("student_id").notNull().default(""),
    /** A TA who may grant extensions (an instructor's choice). */
    canExtend: integer("can_extend", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index("course_members_user").on(t.userId)],
);

/** Exercises grouped with a release date, a due date, a late policy and attempt rules. */
export const assignments = sqliteTable(
  "assignments",
  {
    id: text("id").primaryKey(),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    exerciseIds: text("exercise_ids", { mode: "json" }).$type<string[]>().notNull(),
    releaseAt: integer("release_at", { mode: "timestamp_ms" }),
    dueAt: integer("due_at", { mode: "timestamp_ms" }),
    /** A LatePolicy (lib/course/late-policy.ts). */
    latePolicy: text("late_policy", { mode: "json" }).notNull(),
    maxSubmissions: integer("max_submissions"),
    cooldownSeconds: integer("cooldown_seconds"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    /** Exam mode: learners see nothing of their results (only "submitted") before this time; null: at once. */
    feedbackAt: integer("feedback_at", { mode: "timestamp_ms" }),
    /** Exam mode: minutes each learner has from their first open of the assignment; null: no limit. */
    timeLimitMinutes: integer("time_limit_minutes"),
  },
  (t) => [index("assignments_course").on(t.courseId)],
);

/** When a learner first opened a timed assignment: their time window runs from here. */
export const assignmentOpens = sqliteTable(
  "assignment_opens",
  {
    assignmentId: text("assignment_id")
      .notNull()
      .references(() => assignments.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    openedAt: integer("opened_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.assignmentId, t.userId] })],
);

/**
 * A similarity check of one exercise's final submissions in a course (server/similarity/): a
 * durable job row that a background runner takes up (again after a restart), with its progress
 * and, when done, the ranked pairs and their shared fragments.
 */
export const similarityRuns = sqliteTable(
  "similarity_runs",
  {
    id: text("id").primaryKey(),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    exerciseId: text("exercise_id").notNull(),
    /** queued → running → done | failed. */
    state: text("state", { enum: ["queued", "running", "done", "failed"] }).notNull(),
    /** Submissions compared, and how many are tokenized so far (the progress). */
    total: integer("total").notNull().default(0),
    done: integer("done").notNull().default(0),
    requestedBy: text("requested_by"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    error: text("error"),
    /** A SimilarityReport (server/similarity/report.ts). */
    report: text("report", { mode: "json" }),
  },
  (t) => [index("similarity_runs_course").on(t.courseId, t.exerciseId, t.createdAt)],
);

/** A learner's own due date for one assignment. */
export const extensions = sqliteTable(
  "extensions",
  {
    assignmentId: text("assignment_id")
      .notNull()
      .references(() => assignments.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    until: integer("until", { mode: "timestamp_ms" }).notNull(),
    grantedBy: text("granted_by"),
    grantedAt: integer("granted_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.assignmentId, t.userId] })],
);

/**
 * The courses a submission was made in, recorded when it is submitted: each course where the
 * learner is enrolled as a learner and an open assignment covers the exercise. Course staff see
 * (gradebook, histories, analytics, regrades, result JSON) only the submissions made in their course.
 */
export const submissionCourses = sqliteTable(
  "submission_courses",
  {
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.courseId] }), index("submission_courses_course").on(t.courseId)],
);

/** What an edit of an assignment changed, and who made it: scores are recomputed from submissions, this is the record. */
export const assignmentChanges = sqliteTable(
  "assignment_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    /** Kept after the assignment is deleted (the deletion is the last change). */
    assignmentId: text("assignment_id").notNull(),
    changedBy: text("changed_by"),
    changedAt: integer("changed_at", { mode: "timestamp_ms" }).notNull(),
    /** One line per changed field: "due: 2026-12-01 23:59 → 2026-12-08 23:59". */
    changes: text("changes", { mode: "json" }).$type<string[]>().notNull(),
  },
  (t) => [index("assignment_changes_assignment").on(t.assignmentId, t.id)],
);

/**
 * A manual score for one learner and exercise in a course, replacing the autograder's; every
 * change is a new row (the history), the newest applies, and a null score ends the override.
 */
export const scoreOverrides = sqliteTable(
  "score_overrides",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    exerciseId: text("exercise_id").notNull(),
    score: real("score"),
    comment: text("comment").notNull(),
    by: text("by"),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("score_overrides_course_user").on(t.courseId, t.userId, t.exerciseId, t.id)],
);

/** Course staff's comment on a submission, shown to its learner. */
export const submissionComments = sqliteTable(
  "submission_comments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    authorId: text("author_id"),
    body: text("body").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("submission_comments_submission").on(t.submissionId, t.id)],
);

/**
 * A course instructor's invitation to an email address: the account with that email joins only
 * when it accepts (an instructor cannot enrol someone else's account, and their earlier work, alone).
 */
export const courseInvitations = sqliteTable(
  "course_invitations",
  {
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ["learner", "ta", "instructor"] }).notNull(),
    section: text("section").notNull().default(""),
    /** The roster's student ID, given to the membership when the invitation is accepted. */
    studentId: text("student_id").notNull().default(""),
    invitedBy: text("invited_by"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.email] }), index("course_invitations_email").on(t.email)],
);

// ---- sign-in throttling (server/auth.ts) ----------------------------------------------

/** better-auth's rate limiter, database storage: one row per client address and auth path. */
export const rateLimits = sqliteTable("rate_limits", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: integer("last_request").notNull(),
});

/** Failed sign-ins per account since its last successful one, in a window starting at the first. */
export const signInFailures = sqliteTable("sign_in_failures", {
  email: text("email").primaryKey(),
  count: integer("count").notNull(),
  windowStart: integer("window_start").notNull(),
});

// ---- LTI 1.3 (server/lti/, docs/lti.md) ------------------------------------------------

/** An LMS registered by an admin: where its logins start, where its keys are, which deployments are ours. */
export const ltiPlatforms = sqliteTable(
  "lti_platforms",
  {
    id: text("id").primaryKey(),
    issuer: text("issuer").notNull(),
    clientId: text("client_id").notNull(),
    authEndpoint: text("auth_endpoint").notNull(),
    tokenEndpoint: text("token_endpoint").notNull(),
    jwksUrl: text("jwks_url").notNull(),
    /** JSON array of the deployment ids this registration accepts. */
    deploymentIds: text("deployment_ids", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("lti_platforms_issuer_client").on(t.issuer, t.clientId)],
);

/** One OIDC login in flight: the state (also in the browser's cookie) and the nonce the id_token must carry; used once. */
export const ltiLaunchStates = sqliteTable("lti_launch_states", {
  state: text("state").primaryKey(),
  platformId: text("platform_id").notNull().references(() => ltiPlatforms.id, { onDelete: "cascade" }),
  nonce: text("nonce").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  usedAt: integer("used_at", { mode: "timestamp_ms" }),
});

/** A GradLab account tied to a platform's user (issuer, sub); `roles` are the mapped LTI roles of the last launch. */
export const ltiAccounts = sqliteTable(
  "lti_accounts",
  {
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    roles: text("roles", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastLaunchAt: integer("last_launch_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] }), index("lti_accounts_user").on(t.userId)],
);

/** GradLab's own signing keys (its JWKS); a retired key stays published until `publishUntil`. */
export const ltiToolKeys = sqliteTable("lti_tool_keys", {
  kid: text("kid").primaryKey(),
  privateJwk: text("private_jwk", { mode: "json" }).notNull(),
  publicJwk: text("public_jwk", { mode: "json" }).notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  retiredAt: integer("retired_at", { mode: "timestamp_ms" }),
  publishUntil: integer("publish_until", { mode: "timestamp_ms" }),
});

// ---- LTI contexts, grade passback and roster sync (server/lti/contexts.ts, outbox.ts, nrps.ts) ----

/**
 * An LMS course (platform, deployment, context id) mapped to a GradLab course, with the service
 * endpoints its launches carried: AGS line items and NRPS memberships (null when not offered).
 */
export const ltiContexts = sqliteTable(
  "lti_contexts",
  {
    id: text("id").primaryKey(),
    platformId: text("platform_id").notNull().references(() => ltiPlatforms.id, { onDelete: "cascade" }),
    deploymentId: text("deployment_id").notNull(),
    contextId: text("context_id").notNull(),
    courseId: text("course_id").notNull().references(() => courses.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** AGS endpoint claim: the context's line items container URL, and the scopes the platform granted. */
    lineItemsUrl: text("line_items_url"),
    agsScopes: text("ags_scopes", { mode: "json" }).$type<string[]>().notNull(),
    /** NRPS claim: the context's memberships URL. */
    membershipsUrl: text("memberships_url"),
    rosterSyncedAt: integer("roster_synced_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("lti_contexts_key").on(t.platformId, t.deploymentId, t.contextId), index("lti_contexts_course").on(t.courseId)],
);

/** A resource link in an LMS context: what it opens (an exercise or an assignment) and its AGS line item. */
export const ltiResourceLinks = sqliteTable(
  "lti_resource_links",
  {
    id: text("id").primaryKey(),
    contextRowId: text("context_row_id").notNull().references(() => ltiContexts.id, { onDelete: "cascade" }),
    resourceLinkId: text("resource_link_id").notNull(),
    title: text("title").notNull().default(""),
    exerciseId: text("exercise_id"),
    assignmentId: text("assignment_id"),
    /** The line item scores go to: the launch's AGS `lineitem`, or one GradLab created in the context. */
    lineItemUrl: text("line_item_url"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("lti_resource_links_key").on(t.contextRowId, t.resourceLinkId)],
);

/** A user's membership of an LMS context as last seen (launch or NRPS sync); removed members become inactive, never deleted. */
export const ltiMemberships = sqliteTable(
  "lti_memberships",
  {
    contextRowId: text("context_row_id").notNull().references(() => ltiContexts.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    roles: text("roles", { mode: "json" }).$type<string[]>().notNull(),
    status: text("status", { enum: ["active", "inactive"] }).notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.contextRowId, t.userId] })],
);

/**
 * Score changes of LTI-linked learners, written by SQLite triggers in the same transaction as the
 * verdict (grading_results) or override (score_overrides): the outbox's intake. The relay turns
 * each into lti_passbacks rows and deletes it.
 */
export const ltiScoreChanges = sqliteTable("lti_score_changes", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  submissionId: text("submission_id"),
  courseId: text("course_id"),
  userId: text("user_id").notNull(),
  exerciseId: text("exercise_id").notNull(),
  at: integer("at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * The grade passback outbox: one row per (resource link, learner). A newer change makes the row
 * pending again (superseding an unsent score); the relay computes the gradebook's score when it
 * sends, retries with backoff, and records what the platform answered.
 */
export const ltiPassbacks = sqliteTable(
  "lti_passbacks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    linkId: text("link_id").notNull().references(() => ltiResourceLinks.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    state: text("state", { enum: ["pending", "sent", "failed"] }).notNull(),
    /** The newest score change: the AGS timestamp. */
    changedAt: integer("changed_at", { mode: "timestamp_ms" }).notNull(),
    scoreGiven: real("score_given"),
    scoreMaximum: real("score_maximum"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    lastError: text("last_error"),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("lti_passbacks_key").on(t.linkId, t.userId), index("lti_passbacks_due").on(t.state, t.nextAttemptAt)],
);

/**
 * A one-time LTI Dynamic Registration link an admin made (server/lti/dynamic-registration.ts):
 * the LMS opens it inside its own page, where GradLab's admin session cookie is not sent. Only
 * the token's hash is kept; the first registration through it uses it up.
 */
export const ltiRegistrationLinks = sqliteTable("lti_registration_links", {
  tokenHash: text("token_hash").primaryKey(),
  createdBy: text("created_by").notNull().references(() => users.id, { onDelete: "cascade" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  usedAt: integer("used_at", { mode: "timestamp_ms" }),
  platformId: text("platform_id").references(() => ltiPlatforms.id, { onDelete: "set null" }),
});
