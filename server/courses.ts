/**
 * Running a class: courses, members and their roles, assignments (release and due dates, late
 * policy, attempt rules), extensions, roster import, invites, the gradebook, per-exercise
 * analytics and regrades. Every workflow checks the caller's role in the course itself, so pages,
 * route handlers and tests all get the same decision. Pure rules live in lib/course/.
 *
 * Who may do what (a global admin counts as every course's instructor):
 *   learner     see the course's released assignments, submit to them
 *   ta          + the gradebook, learners' histories, analytics, exercise previews
 *   instructor  + course settings, assignments, extensions, roster, invites, roles, regrades
 * Someone outside a course gets a 404 for it, never its data.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { assignments, courseInvitations, courseMembers, courses, extensions, regradeBatches, submissionCourses, submissions, users } from "../db/schema.ts";
import type { Exercise } from "../grader/exercises.ts";
import { gradingHistory, queueRegrade, regradeProgress, submitCode, type RegradeProgress } from "../grader/submissions.ts";
import { formatInZone, isTimeZone, parseLocalDateTime } from "../lib/course/dates.ts";
import { buildGradebook, gradebookCsv, type GradebookItem, type GradebookLearner } from "../lib/course/gradebook.ts";
import { attemptStanding, COUNTED_ATTEMPT, countsAsAttempt } from "../lib/course/course-rules.ts";
import { applyLatePolicy, submissionAllowed, type LatePolicy } from "../lib/course/late-policy.ts";
import { parseRoster, type RosterError } from "../lib/course/roster.ts";
import type { GradeResult } from "../lib/result.ts";
import { addUser } from "./accounts.ts";
import { auth, db, findExercise, getCatalogue, HttpError, type SessionUser } from "./context.ts";

export type CourseRole = "learner" | "ta" | "instructor";
export const COURSE_ROLES: CourseRole[] = ["learner", "ta", "instructor"];
type Need = "member" | "staff" | "instructor";

export type CourseRow = typeof courses.$inferSelect;
export type AssignmentRow = typeof assignments.$inferSelect;

// ---- roles ---------------------------------------------------------------------------------

export function courseRole(user: SessionUser, courseId: string): CourseRole | null {
  const course = db.select({ id: courses.id }).from(courses).where(eq(courses.id, courseId)).get();
  if (!course) return null;
  if (user.role === "admin") return "instructor";
  return db.select({ role: courseMembers.role }).from(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, user.id))).get()?.role ?? null;
}

const WHAT: Record<Need, string> = { member: "members", staff: "TAs and instructors", instructor: "instructors" };

/** The course and the caller's role in it; 404 when not a member, 403 when the role is too low. */
export function requireCourse(user: SessionUser, courseId: string, need: Need): { course: CourseRow; role: CourseRole } {
  const role = courseRole(user, courseId);
  if (!role) throw new HttpError(404, `No course ${courseId} of yours.`);
  const ok = need === "member" || (need === "staff" ? role !== "learner" : role === "instructor");
  if (!ok) throw new HttpError(403, `Only the course's ${WHAT[need]} may do this (you are a ${role === "ta" ? "TA" : role} here).`);
  return { course: db.select().from(courses).where(eq(courses.id, courseId)).get()!, role };
}

/** Whether the user teaches (TA or instructor) any course, or is a global instructor/admin. */
export function isStaffAnywhere(user: SessionUser): boolean {
  if (user.role !== "learner") return true;
  return !!db.select({ r: courseMembers.role }).from(courseMembers).where(and(eq(courseMembers.userId, user.id), inArray(courseMembers.role, ["ta", "instructor"]))).get();
}

// ---- submissions made in a course ------------------------------------------------------------

/** Join condition: the submission was made in this course (see db/schema.ts submissionCourses). */
const madeIn = (courseId: string) => and(eq(submissionCourses.submissionId, submissions.id), eq(submissionCourses.courseId, courseId));

/**
 * Whether the user is course staff (TA, instructor; an admin counts) of a course this submission
 * was made in: what lets staff read a learner's submission, its code and its hidden seed.
 */
export function staffOfSubmission(user: SessionUser, submissionId: string): boolean {
  if (user.role === "admin") return true;
  return !!db
    .select({ c: submissionCourses.courseId })
    .from(submissionCourses)
    .innerJoin(courseMembers, eq(courseMembers.courseId, submissionCourses.courseId))
    .where(and(eq(submissionCourses.submissionId, submissionId), eq(courseMembers.userId, user.id), inArray(courseMembers.role, ["ta", "instructor"])))
    .get();
}

// ---- courses -------------------------------------------------------------------------------

export interface CourseSummary {
  id: string;
  title: string;
  timeZone: string;
  role: CourseRole;
}

export function myCourses(user: SessionUser): CourseSummary[] {
  if (user.role === "admin") return db.select().from(courses).orderBy(asc(courses.createdAt)).all().map((c) => ({ id: c.id, title: c.title, timeZone: c.timeZone, role: "instructor" as const }));
  return db
    .select({ id: courses.id, title: courses.title, timeZone: courses.timeZone, role: courseMembers.role })
    .from(courseMembers)
    .innerJoin(courses, eq(courses.id, courseMembers.courseId))
    .where(eq(courseMembers.userId, user.id))
    .orderBy(asc(courses.createdAt))
    .all();
}

function str(v: unknown, field: string, max = 200): string {
  if (typeof v !== "string" || !v.trim()) throw new HttpError(400, `'${field}' is required.`);
  if (v.length > max) throw new HttpError(400, `'${field}' is longer than ${max} characters.`);
  return v.trim();
}

function timeZoneField(v: unknown): string {
  const tz = str(v, "timeZone", 64);
  if (!isTimeZone(tz)) throw new HttpError(400, `Unknown time zone "${tz}": use an IANA name such as "Europe/Paris" or "UTC".`);
  return tz;
}

/** A global instructor or admin creates a course and becomes its instructor. */
export function createCourse(user: SessionUser, body: unknown): CourseRow {
  if (user.role === "learner") throw new HttpError(403, "Only instructors and admins may create courses.");
  const b = (body ?? {}) as Record<string, unknown>;
  const row: CourseRow = { id: randomUUID(), title: str(b.title, "title"), timeZone: timeZoneField(b.timeZone), inviteToken: null, createdBy: user.id, createdAt: new Date() };
  db.transaction((tx) => {
    tx.insert(courses).values(row).run();
    tx.insert(courseMembers).values({ courseId: row.id, userId: user.id, role: "instructor", section: "", joinedAt: row.createdAt }).run();
  }, { behavior: "immediate" });
  return row;
}

export function updateCourse(user: SessionUser, courseId: string, body: unknown): CourseRow {
  requireCourse(user, courseId, "instructor");
  const b = (body ?? {}) as Record<string, unknown>;
  const set: Partial<CourseRow> = {};
  if (b.title !== undefined) set.title = str(b.title, "title");
  if (b.timeZone !== undefined) set.timeZone = timeZoneField(b.timeZone);
  if (Object.keys(set).length) db.update(courses).set(set).where(eq(courses.id, courseId)).run();
  return db.select().from(courses).where(eq(courses.id, courseId)).get()!;
}

// ---- assignments ---------------------------------------------------------------------------

export interface AssignmentView {
  id: string;
  title: string;
  exercises: { id: string; title: string; points: number }[];
  releaseAt: number | null;
  dueAt: number | null;
  /** Dates as wall-clock time in the course's zone. */
  releaseLocal: string | null;
  dueLocal: string | null;
  latePolicy: LatePolicy;
  latePolicyText: string;
  maxSubmissions: number | null;
  cooldownSeconds: number | null;
  released: boolean;
  /** The caller's extension, when a learner has one. */
  extensionLocal?: string | null;
}

export function policyText(p: LatePolicy): string {
  if (p.kind === "none") return "late work accepted at full credit";
  if (p.kind === "cutoff") return "hard cutoff: nothing accepted after the due date";
  return `−${p.percentPerDay}% per day late${p.maxDaysLate !== undefined ? `, not accepted after ${p.maxDaysLate} days` : ""}`;
}

function parsePolicy(v: unknown): LatePolicy {
  const p = (v ?? { kind: "none" }) as Record<string, unknown>;
  if (p.kind === "none" || p.kind === "cutoff") return { kind: p.kind };
  if (p.kind === "penalty") {
    const pct = Number(p.percentPerDay);
    if (!Number.isFinite(pct) || pct <= 0 || pct > 100) throw new HttpError(400, "'latePolicy.percentPerDay' must be a number in (0, 100].");
    const max = p.maxDaysLate === undefined || p.maxDaysLate === null || p.maxDaysLate === "" ? undefined : Number(p.maxDaysLate);
    if (max !== undefined && (!Number.isInteger(max) || max < 0)) throw new HttpError(400, "'latePolicy.maxDaysLate' must be a whole number of days.");
    return max === undefined ? { kind: "penalty", percentPerDay: pct } : { kind: "penalty", percentPerDay: pct, maxDaysLate: max };
  }
  throw new HttpError(400, "'latePolicy.kind' must be none, penalty or cutoff.");
}

function localDate(v: unknown, field: string, tz: string): Date | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string") throw new HttpError(400, `'${field}' must be a local date and time like 2026-12-01T23:59.`);
  try {
    return parseLocalDateTime(v, tz);
  } catch (e) {
    throw new HttpError(400, `'${field}': ${(e as Error).message}.`);
  }
}

function optCount(v: unknown, field: string): number | null {
  if (v === undefined || v === null || v === "") return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new HttpError(400, `'${field}' must be a whole number ≥ 1 (or empty for none).`);
  return n;
}

export async function createAssignment(user: SessionUser, courseId: string, body: unknown): Promise<AssignmentRow> {
  const { course } = requireCourse(user, courseId, "instructor");
  const b = (body ?? {}) as Record<string, unknown>;
  const title = str(b.title, "title");
  const ids = Array.isArray(b.exerciseIds) ? b.exerciseIds.filter((x): x is string => typeof x === "string") : typeof b.exerciseIds === "string" ? b.exerciseIds.split(/[\s,]+/).filter(Boolean) : [];
  if (!ids.length) throw new HttpError(400, "'exerciseIds' must list at least one exercise.");
  for (const id of ids) if (!(await findExercise(id))) throw new HttpError(400, `Unknown exercise '${id}'.`);
  const taken = new Map<string, string>();
  for (const a of db.select().from(assignments).where(eq(assignments.courseId, courseId)).all()) for (const id of a.exerciseIds) taken.set(id, a.title);
  for (const id of ids) if (taken.has(id)) throw new HttpError(400, `Exercise '${id}' is already in assignment "${taken.get(id)}" of this course.`);
  const releaseAt = localDate(b.releaseAt, "releaseAt", course.timeZone);
  const dueAt = localDate(b.dueAt, "dueAt", course.timeZone);
  if (releaseAt && dueAt && dueAt < releaseAt) throw new HttpError(400, "The due date is before the release date.");
  const row: AssignmentRow = {
    id: randomUUID(),
    courseId,
    title,
    exerciseIds: [...new Set(ids)],
    releaseAt,
    dueAt,
    latePolicy: parsePolicy(b.latePolicy),
    maxSubmissions: optCount(b.maxSubmissions, "maxSubmissions"),
    cooldownSeconds: optCount(b.cooldownSeconds, "cooldownSeconds"),
    createdAt: new Date(),
  };
  db.insert(assignments).values(row).run();
  return row;
}

async function assignmentView(a: AssignmentRow, tz: string, now: Date): Promise<AssignmentView> {
  const cat = await getCatalogue();
  return {
    id: a.id,
    title: a.title,
    exercises: a.exerciseIds.map((id) => {
      const ex = cat.exercises.find((e) => e.id === id);
      return { id, title: ex?.meta.title ?? id, points: ex?.points ?? 0 };
    }),
    releaseAt: a.releaseAt?.getTime() ?? null,
    dueAt: a.dueAt?.getTime() ?? null,
    releaseLocal: a.releaseAt ? formatInZone(a.releaseAt, tz) : null,
    dueLocal: a.dueAt ? formatInZone(a.dueAt, tz) : null,
    latePolicy: a.latePolicy as LatePolicy,
    latePolicyText: policyText(a.latePolicy as LatePolicy),
    maxSubmissions: a.maxSubmissions,
    cooldownSeconds: a.cooldownSeconds,
    released: !a.releaseAt || a.releaseAt <= now,
  };
}

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: CourseRole;
  section: string;
}

function members(courseId: string, role?: CourseRole): MemberView[] {
  return db
    .select({ userId: users.id, email: users.email, name: users.name, role: courseMembers.role, section: courseMembers.section })
    .from(courseMembers)
    .innerJoin(users, eq(users.id, courseMembers.userId))
    .where(role ? and(eq(courseMembers.courseId, courseId), eq(courseMembers.role, role)) : eq(courseMembers.courseId, courseId))
    .orderBy(asc(users.email))
    .all();
}

export interface CourseDetail {
  course: { id: string; title: string; timeZone: string; inviteToken: string | null };
  role: CourseRole;
  assignments: AssignmentView[];
  /** Staff only. */
  members: MemberView[];
  /** Staff only: invitations not answered yet. */
  invitations: { email: string; role: CourseRole; section: string }[];
  extensions: { assignmentId: string; email: string; untilLocal: string }[];
  /** A learner's own gradebook cells by exercise id (what the gradebook records: best after the late policy, attempts made in this course). */
  myScores: Record<string, { best: number | null; attempts: number }>;
}

/** The course as the caller may see it: learners get released assignments only, and no roster. */
export async function courseDetail(user: SessionUser, courseId: string): Promise<CourseDetail> {
  const { course, role } = requireCourse(user, courseId, "member");
  const now = new Date();
  const rows = db.select().from(assignments).where(eq(assignments.courseId, courseId)).orderBy(asc(assignments.dueAt), asc(assignments.createdAt)).all();
  let views = await Promise.all(rows.map((a) => assignmentView(a, course.timeZone, now)));
  const staff = role !== "learner";
  if (!staff) {
    views = views.filter((v) => v.released);
    const mine = db.select().from(extensions).where(eq(extensions.userId, user.id)).all();
    for (const v of views) {
      const e = mine.find((x) => x.assignmentId === v.id);
      v.extensionLocal = e ? formatInZone(e.until, course.timeZone) : null;
    }
  }
  const ext = staff && rows.length
    ? db
        .select({ assignmentId: extensions.assignmentId, email: users.email, until: extensions.until })
        .from(extensions)
        .innerJoin(users, eq(users.id, extensions.userId))
        .where(inArray(extensions.assignmentId, rows.map((r) => r.id)))
        .all()
        .map((e) => ({ assignmentId: e.assignmentId, email: e.email, untilLocal: formatInZone(e.until, course.timeZone) }))
    : [];
  return {
    course: { id: course.id, title: course.title, timeZone: course.timeZone, inviteToken: role === "instructor" ? course.inviteToken : null },
    role,
    assignments: views,
    members: staff ? members(courseId) : [],
    invitations: staff ? db.select({ email: courseInvitations.email, role: courseInvitations.role, section: courseInvitations.section }).from(courseInvitations).where(eq(courseInvitations.courseId, courseId)).orderBy(asc(courseInvitations.email)).all() : [],
    extensions: ext,
    myScores: staff ? {} : Object.fromEntries(Object.entries((await gradebookParts(courseId, user.id)).table[0]?.cells ?? {}).map(([k, c]) => [k, { best: c.best, attempts: c.attempts }])),
  };
}

const emailField = (v: unknown) => str(v, "email").toLowerCase();
const accountByEmail = (mail: string) => db.select().from(users).where(eq(users.email, mail)).get();

/** A member of the course by email; the same 404 whether the account exists or not (no probing for accounts). */
function memberByEmail(courseId: string, email: unknown) {
  const mail = emailField(email);
  const u = accountByEmail(mail);
  const m = u && db.select().from(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).get();
  if (!u || !m) throw new HttpError(404, `${mail} is not in this course.`);
  return u;
}

function assignmentOf(courseId: string, assignmentId: string): AssignmentRow {
  const a = db.select().from(assignments).where(and(eq(assignments.id, assignmentId), eq(assignments.courseId, courseId))).get();
  if (!a) throw new HttpError(404, `No assignment ${assignmentId} in this course.`);
  return a;
}

/** Give one learner their own due date for an assignment (empty `until` removes it). */
export function setExtension(user: SessionUser, courseId: string, assignmentId: string, body: unknown): { until: string | null } {
  const { course } = requireCourse(user, courseId, "instructor");
  const a = assignmentOf(courseId, assignmentId);
  const b = (body ?? {}) as Record<string, unknown>;
  const learner = memberByEmail(courseId, b.email);
  const until = localDate(b.until, "until", course.timeZone);
  if (!until) {
    db.delete(extensions).where(and(eq(extensions.assignmentId, a.id), eq(extensions.userId, learner.id))).run();
    return { until: null };
  }
  const now = new Date();
  db.insert(extensions)
    .values({ assignmentId: a.id, userId: learner.id, until, grantedBy: user.id, grantedAt: now })
    .onConflictDoUpdate({ target: [extensions.assignmentId, extensions.userId], set: { until, grantedBy: user.id, grantedAt: now } })
    .run();
  return { until: formatInZone(until, course.timeZone) };
}

// ---- members: roster, invitations, invite links, roles ---------------------------------------
//
// Who joins a course how. Enrolling an account lets the course's staff read what it submits in
// the course, so an existing account joins only with its consent: a course instructor's roster
// row or "add member" makes an invitation (by email) that the account accepts under Courses, and
// the answer is the same whether the email has an account or not. Admins enrol directly. Global
// instructors and admins may create accounts for unknown emails from a roster (a new account has
// no earlier work); a course instructor who is globally a learner cannot create accounts.

export type RosterOutcome =
  | { ok: false; errors: RosterError[] }
  | { ok: true; enrolled: number; created: { email: string; name: string; password: string }[]; updated: number; invited: number };

function invite(courseId: string, email: string, role: CourseRole, section: string, by: string): void {
  db.insert(courseInvitations)
    .values({ courseId, email, role, section, invitedBy: by, createdAt: new Date() })
    .onConflictDoUpdate({ target: [courseInvitations.courseId, courseInvitations.email], set: { role, section, invitedBy: by } })
    .run();
}

/**
 * Import a roster CSV (email,name,section). Any bad row: nothing imported, every error reported.
 * Members already in the course get the row's section; other existing accounts are invited (an
 * admin enrols them directly); unknown emails get accounts with generated passwords, returned once
 * (never stored in clear), when the importer is a global instructor or admin, else an invitation.
 */
export async function importRoster(user: SessionUser, courseId: string, csv: unknown): Promise<RosterOutcome> {
  requireCourse(user, courseId, "instructor");
  if (typeof csv !== "string") throw new HttpError(400, 'The body must be JSON {"csv": string}.');
  const { rows, errors } = parseRoster(csv);
  if (errors.length) return { ok: false, errors };
  const direct = user.role === "admin";
  const mayCreate = user.role !== "learner";
  const created: { email: string; name: string; password: string }[] = [];
  const fresh = new Set<string>();
  // Accounts first (better-auth hashes asynchronously), then every enrolment in one transaction.
  for (const r of rows) {
    if (!mayCreate || accountByEmail(r.email)) continue;
    const u = await addUser(auth, db, r.email, "learner");
    db.update(users).set({ name: r.name }).where(eq(users.id, u.id)).run();
    created.push({ email: r.email, name: r.name, password: u.password });
    fresh.add(r.email);
  }
  let enrolled = 0;
  let updated = 0;
  let invited = 0;
  const now = new Date();
  db.transaction((tx) => {
    for (const r of rows) {
      const u = tx.select({ id: users.id, name: users.name }).from(users).where(eq(users.email, r.email)).get();
      const m = u && tx.select().from(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).get();
      if (m) {
        // Already a member: the section is updated, the role (a TA stays a TA) is not.
        tx.update(courseMembers).set({ section: r.section }).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).run();
        updated++;
      } else if (u && (direct || fresh.has(r.email))) {
        // An account still named after its email (the default) takes the roster's name.
        if (u.name === r.email.split("@")[0] && r.name) tx.update(users).set({ name: r.name }).where(eq(users.id, u.id)).run();
        tx.insert(courseMembers).values({ courseId, userId: u.id, role: "learner", section: r.section, joinedAt: now }).run();
        tx.delete(courseInvitations).where(and(eq(courseInvitations.courseId, courseId), eq(courseInvitations.email, r.email))).run();
        enrolled++;
      } else {
        invite(courseId, r.email, "learner", r.section, user.id);
        invited++;
      }
    }
  }, { behavior: "immediate" });
  return { ok: true, enrolled, created, updated, invited };
}

export type MemberOutcome = { status: "updated" | "enrolled" | "invited"; email: string; role: CourseRole; message: string };

/**
 * Change a member's role, or bring someone in: an admin enrols an existing account directly;
 * anyone else invites the email (the same answer whether it has an account or not).
 */
export function setMemberRole(user: SessionUser, courseId: string, body: unknown): MemberOutcome {
  requireCourse(user, courseId, "instructor");
  const b = (body ?? {}) as Record<string, unknown>;
  const role = b.role as CourseRole;
  if (!COURSE_ROLES.includes(role)) throw new HttpError(400, "'role' must be learner, ta or instructor.");
  const mail = emailField(b.email);
  const section = typeof b.section === "string" ? b.section.slice(0, 100) : "";
  const u = accountByEmail(mail);
  const m = u && db.select().from(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).get();
  if (u && m) {
    if (u.id === user.id && role !== "instructor") throw new HttpError(400, "You cannot remove your own instructor role.");
    db.update(courseMembers).set({ role }).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).run();
    return { status: "updated", email: mail, role, message: `${mail} is now ${role === "ta" ? "a TA" : `${role === "instructor" ? "an" : "a"} ${role}`} here.` };
  }
  if (user.role === "admin") {
    if (!u) throw new HttpError(404, `No account ${mail}: add it with \`gradlab user add ${mail} --role learner\` first.`);
    db.insert(courseMembers).values({ courseId, userId: u.id, role, section, joinedAt: new Date() }).run();
    db.delete(courseInvitations).where(and(eq(courseInvitations.courseId, courseId), eq(courseInvitations.email, mail))).run();
    return { status: "enrolled", email: mail, role, message: `${mail} enrolled as ${role}.` };
  }
  invite(courseId, mail, role, section, user.id);
  return { status: "invited", email: mail, role, message: `Invitation for ${mail} as ${role} recorded: they join when they accept it on their Courses page (an account needs to exist for that email).` };
}

export interface InvitationView {
  courseId: string;
  courseTitle: string;
  role: CourseRole;
  invitedBy: string | null;
}

/** The invitations waiting for the signed-in account's email. */
export function myInvitations(user: SessionUser): InvitationView[] {
  return db
    .select({ courseId: courseInvitations.courseId, courseTitle: courses.title, role: courseInvitations.role, invitedBy: users.email })
    .from(courseInvitations)
    .innerJoin(courses, eq(courses.id, courseInvitations.courseId))
    .leftJoin(users, eq(users.id, courseInvitations.invitedBy))
    .where(eq(courseInvitations.email, user.email.toLowerCase()))
    .orderBy(asc(courseInvitations.createdAt))
    .all();
}

/** Accept (join with the invited role; a member keeps their role) or decline an invitation. */
export function answerInvitation(user: SessionUser, courseId: string, body: unknown): { courseId: string; joined: boolean } {
  const accept = ((body ?? {}) as Record<string, unknown>).accept;
  if (typeof accept !== "boolean") throw new HttpError(400, 'The body must be JSON {"accept": true} or {"accept": false}.');
  const where = and(eq(courseInvitations.courseId, courseId), eq(courseInvitations.email, user.email.toLowerCase()));
  return db.transaction((tx) => {
    const inv = tx.select().from(courseInvitations).where(where).get();
    if (!inv) throw new HttpError(404, "No invitation to this course for you (it may have been answered already).");
    if (accept) tx.insert(courseMembers).values({ courseId, userId: user.id, role: inv.role, section: inv.section, joinedAt: new Date() }).onConflictDoNothing().run();
    tx.delete(courseInvitations).where(where).run();
    return { courseId, joined: accept };
  }, { behavior: "immediate" });
}

/** The course's invite token (made on first use; `rotate` replaces it, invalidating old links). */
export function inviteToken(user: SessionUser, courseId: string, rotate = false): string {
  const { course } = requireCourse(user, courseId, "instructor");
  if (course.inviteToken && !rotate) return course.inviteToken;
  const token = randomBytes(18).toString("base64url");
  db.update(courses).set({ inviteToken: token }).where(eq(courses.id, courseId)).run();
  return token;
}

export function courseByInvite(token: string): { id: string; title: string } | null {
  if (!token) return null;
  return db.select({ id: courses.id, title: courses.title }).from(courses).where(eq(courses.inviteToken, token)).get() ?? null;
}

/** Join the course of an invite link as a learner (a member already keeps their role). */
export function joinByInvite(user: SessionUser, token: string): { courseId: string } {
  const c = courseByInvite(token);
  if (!c) throw new HttpError(404, "This invite link is not valid (any more): ask your instructor for a new one.");
  db.insert(courseMembers).values({ courseId: c.id, userId: user.id, role: "learner", section: "", joinedAt: new Date() }).onConflictDoNothing().run();
  return { courseId: c.id };
}

// ---- what a learner may open and submit ------------------------------------------------------

interface Covering {
  a: AssignmentRow;
  tz: string;
  courseId: string;
  courseTitle: string;
}

/** Every assignment covering an exercise in the courses where the user is a learner (one per course at most). */
function learnerAssignments(userId: string, exerciseId: string): { enrolled: boolean; matching: Covering[] } {
  const rows = db
    .select({ a: assignments, tz: courses.timeZone, courseId: courses.id, courseTitle: courses.title })
    .from(courseMembers)
    .innerJoin(assignments, eq(assignments.courseId, courseMembers.courseId))
    .innerJoin(courses, eq(courses.id, courseMembers.courseId))
    .where(and(eq(courseMembers.userId, userId), eq(courseMembers.role, "learner")))
    .all();
  return { enrolled: rows.length > 0 || isLearnerAnywhere(userId), matching: rows.filter((r) => r.a.exerciseIds.includes(exerciseId)) };
}

/** The time zone of the learner's course that sets this exercise (the first, by course), or null when none does. */
export function exerciseTimeZone(userId: string, exerciseId: string): string | null {
  const m = learnerAssignments(userId, exerciseId).matching;
  return m.length ? [...m].sort((x, y) => x.courseId.localeCompare(y.courseId))[0].tz : null;
}

function isLearnerAnywhere(userId: string): boolean {
  return !!db.select({ c: courseMembers.courseId }).from(courseMembers).where(and(eq(courseMembers.userId, userId), eq(courseMembers.role, "learner"))).get();
}

/**
 * Whether a user may open an exercise. A learner enrolled in a course sees only its released
 * assignments; someone in no course as a learner sees the open demo catalogue (every exercise);
 * staff and instructors see everything.
 */
export function mayOpenExercise(user: SessionUser, exerciseId: string, now = new Date()): boolean {
  if (user.role !== "learner") return true;
  const { enrolled, matching } = learnerAssignments(user.id, exerciseId);
  if (!enrolled) return true;
  return matching.some((r) => !r.a.releaseAt || r.a.releaseAt <= now);
}

/** `courseIds`: the courses the submission is made in (recorded with it). */
export type Gate = { ok: true; courseIds: string[] } | { ok: false; status: 403 | 404 | 429; error: string; retryAfter?: number };

const label = (r: Covering) => `"${r.a.title}" (${r.courseTitle})`;

/**
 * The course rules for one more submission. A course takes it when its assignment is released
 * and not past a hard cutoff; the submission is made in every course that takes it, so every
 * such course's submission limit and cool-down applies (the strictest wins: a second course
 * is no way around the first one's rules). Each course counts the attempts made in it
 * (submission_courses), so work from before the learner joined costs none of its attempts.
 */
export function submissionGate(user: SessionUser, exerciseId: string, now: Date): Gate {
  if (user.role !== "learner") return { ok: true, courseIds: [] };
  const { enrolled, matching } = learnerAssignments(user.id, exerciseId);
  if (!enrolled) return { ok: true, courseIds: [] };
  if (!matching.length) return { ok: false, status: 404, error: `Exercise '${exerciseId}' is not part of your courses.` };
  const open: Covering[] = [];
  const closed: string[] = [];
  const notYet: Covering[] = [];
  for (const r of matching) {
    if (r.a.releaseAt && r.a.releaseAt > now) {
      notYet.push(r);
      continue;
    }
    const reason = pastCutoff(r, user.id, now);
    if (reason) closed.push(reason);
    else open.push(r);
  }
  if (!open.length) {
    if (closed.length) return { ok: false, status: 403, error: closed.join(" ") };
    const first = notYet.sort((x, y) => x.a.releaseAt!.getTime() - y.a.releaseAt!.getTime())[0];
    return { ok: false, status: 403, error: `${label(first)} is not released yet: it opens ${formatInZone(first.a.releaseAt!, first.tz)}.` };
  }
  let wait: { retryAt: Date; error: string } | null = null;
  for (const r of open) {
    // Each course counts only the attempts made in it: not those from before the learner joined, nor another course's.
    const prev = attemptsInCourse(user.id, exerciseId, r.courseId);
    const last = prev.reduce<Date | null>((a, d) => (!a || d > a ? d : a), null);
    const allowed = submissionAllowed({ maxSubmissions: r.a.maxSubmissions, cooldownSeconds: r.a.cooldownSeconds }, { count: prev.length, lastAt: last }, now);
    if (allowed.ok) continue;
    if (!allowed.retryAt) return { ok: false, status: 403, error: `${label(r)}: ${allowed.reason} Your best score is kept.` };
    if (!wait || allowed.retryAt > wait.retryAt) wait = { retryAt: allowed.retryAt, error: `${label(r)}: ${allowed.reason} Use Run to try your code meanwhile.` };
  }
  if (wait) return { ok: false, status: 429, error: wait.error, retryAfter: Math.ceil((wait.retryAt.getTime() - now.getTime()) / 1000) };
  return { ok: true, courseIds: open.map((r) => r.courseId) };
}

/** The times of the learner's attempts at an exercise made in a course (lib/course/course-rules.ts: what counts). */
function attemptsInCourse(userId: string, exerciseId: string, courseId: string): Date[] {
  return db
    .select({ createdAt: submissions.createdAt, maxScore: submissions.maxScore })
    .from(submissions)
    .innerJoin(submissionCourses, madeIn(courseId))
    .where(and(eq(submissions.userId, userId), eq(submissions.exerciseId, exerciseId)))
    .all()
    .filter(countsAsAttempt)
    .map((s) => s.createdAt);
}

/** Why a course no longer takes submissions to this assignment (hard cutoff or too late), or null. */
function pastCutoff(r: Covering, userId: string, now: Date): string | null {
  const { a, tz } = r;
  if (!a.dueAt) return null;
  const ext = db.select().from(extensions).where(and(eq(extensions.assignmentId, a.id), eq(extensions.userId, userId))).get();
  const late = applyLatePolicy({ score: 1, maxScore: 1, submittedAt: now, dueAt: a.dueAt, extensionUntil: ext?.until, policy: a.latePolicy as LatePolicy });
  if (late.accepted) return null;
  const due = ext && ext.until > a.dueAt ? ext.until : a.dueAt;
  return `${label(r)} was due ${formatInZone(due, tz)} and no longer accepts submissions (${late.note}).`;
}

/**
 * Store a submission and queue it, after the course rules, in one immediate transaction (two
 * concurrent submissions cannot both take the last attempt), recording the courses it is made in.
 */
export function submitInCourses(user: SessionUser, ex: Exercise, code: string, now = new Date()): Gate & { id?: string } {
  return db.transaction(() => {
    const gate = submissionGate(user, ex.id, now);
    if (!gate.ok) return gate;
    const id = submitCode(db, ex, code, user.id);
    for (const courseId of gate.courseIds) db.insert(submissionCourses).values({ submissionId: id, courseId }).run();
    return { ...gate, id };
  }, { behavior: "immediate" });
}

// ---- the rules on the exercise page ------------------------------------------------------

/** One submission as a course records it. */
export interface SubmissionStanding {
  id: string;
  createdAt: number;
  /** The grader's score scaled to the exercise's points; null while not graded. */
  raw: number | null;
  /** The late policy's verdict: "on time", "2 days late: −20%", "… not counted". */
  note: string;
  penaltyPercent: number;
  accepted: boolean;
  /** What this submission is worth in the course (after the late policy); null while not graded. */
  recorded: number | null;
  /** False for a "could not grade" verdict, which costs no attempt. */
  countsAsAttempt: boolean;
}

/** A course's rules for one learner and exercise: what the exercise page shows (dates as instants in ms). */
export interface ExerciseCourseRules {
  courseId: string;
  courseTitle: string;
  timeZone: string;
  assignmentTitle: string;
  points: number;
  dueAt: number | null;
  dueLocal: string | null;
  extensionUntil: number | null;
  extensionLocal: string | null;
  latePolicy: LatePolicy;
  latePolicyText: string;
  cooldownSeconds: number | null;
  attempts: { used: number; max: number | null; left: number | null; retryAt: number | null };
  /** Which attempt the course records, in words. */
  counted: string;
  /** The gradebook's score for this learner (best after the late policy); null with nothing graded. */
  recorded: number | null;
  /** The learner's submissions made in this course, newest first (at most 20). */
  submissions: SubmissionStanding[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The rules of every course where the user is a learner and a released assignment sets this
 * exercise, with the learner's standing. The numbers come from the gradebook's own rows and the
 * gate's own attempt count, so the page, the gate and the gradebook cannot disagree.
 */
export async function exerciseCourseRules(user: SessionUser, exerciseId: string, now = new Date()): Promise<ExerciseCourseRules[]> {
  if (user.role !== "learner") return [];
  const out: ExerciseCourseRules[] = [];
  const covering = learnerAssignments(user.id, exerciseId).matching.filter((r) => !r.a.releaseAt || r.a.releaseAt <= now);
  for (const r of covering.sort((x, y) => x.courseTitle.localeCompare(y.courseTitle))) {
    const { items, ext, table } = await gradebookParts(r.courseId, user.id);
    const item = items.find((i) => i.exerciseId === exerciseId)!;
    const until = ext.get(`${user.id}:${exerciseId}`) ?? null;
    const standing = attemptStanding({ maxSubmissions: r.a.maxSubmissions, cooldownSeconds: r.a.cooldownSeconds }, attemptsInCourse(user.id, exerciseId, r.courseId), now);
    const subs = db
      .select({ id: submissions.id, createdAt: submissions.createdAt, score: submissions.score, maxScore: submissions.maxScore })
      .from(submissions)
      .innerJoin(submissionCourses, madeIn(r.courseId))
      .where(and(eq(submissions.userId, user.id), eq(submissions.exerciseId, exerciseId)))
      .orderBy(desc(submissions.createdAt))
      .limit(20)
      .all();
    out.push({
      courseId: r.courseId,
      courseTitle: r.courseTitle,
      timeZone: r.tz,
      assignmentTitle: r.a.title,
      points: item.maxScore,
      dueAt: r.a.dueAt?.getTime() ?? null,
      dueLocal: r.a.dueAt ? formatInZone(r.a.dueAt, r.tz) : null,
      extensionUntil: until?.getTime() ?? null,
      extensionLocal: until ? formatInZone(until, r.tz) : null,
      latePolicy: item.policy,
      latePolicyText: policyText(item.policy),
      cooldownSeconds: r.a.cooldownSeconds,
      attempts: { used: standing.used, max: standing.max, left: standing.left, retryAt: standing.retryAt?.getTime() ?? null },
      counted: COUNTED_ATTEMPT,
      recorded: table[0]?.cells[exerciseId]?.best ?? null,
      submissions: subs.map((s) => {
        const counts = countsAsAttempt(s);
        const late = applyLatePolicy({ score: 0, maxScore: item.maxScore, submittedAt: s.createdAt, dueAt: item.dueAt, extensionUntil: until, policy: item.policy });
        if (s.score === null || !counts) return { id: s.id, createdAt: s.createdAt.getTime(), raw: null, note: counts ? late.note : "not graded: costs no attempt", penaltyPercent: late.penaltyPercent, accepted: late.accepted, recorded: null, countsAsAttempt: counts };
        // The gradebook's arithmetic (lib/course/gradebook.ts): scaled to the item's points, then the late policy.
        const raw = s.maxScore ? (s.score / s.maxScore) * item.maxScore : 0;
        const adj = applyLatePolicy({ score: raw, maxScore: item.maxScore, submittedAt: s.createdAt, dueAt: item.dueAt, extensionUntil: until, policy: item.policy });
        return { id: s.id, createdAt: s.createdAt.getTime(), raw: round2(raw), note: adj.note, penaltyPercent: adj.penaltyPercent, accepted: adj.accepted, recorded: round2(adj.score), countsAsAttempt: true };
      }),
    });
  }
  return out;
}

// ---- the gradebook -----------------------------------------------------------------------

export interface GradebookData {
  course: { id: string; title: string; timeZone: string };
  role: CourseRole;
  items: { exerciseId: string; title: string; maxScore: number; assignment: string; dueLocal: string | null }[];
  rows: {
    learner: GradebookLearner;
    total: number;
    cells: Record<string, { best: number | null; bestRaw: number | null; attempts: number; lastAt: number | null; lastLocal: string | null; late: boolean }>;
  }[];
  maxTotal: number;
}

/** The gradebook's inputs and table for a course; `onlyUserId`: that learner's row only (same rules, same numbers). */
async function gradebookParts(courseId: string, onlyUserId?: string) {
  const cat = await getCatalogue();
  const rows = db.select().from(assignments).where(eq(assignments.courseId, courseId)).orderBy(asc(assignments.dueAt), asc(assignments.createdAt)).all();
  const items: (GradebookItem & { assignment: string; assignmentId: string })[] = [];
  for (const a of rows) {
    for (const id of a.exerciseIds) {
      const ex = cat.exercises.find((e) => e.id === id);
      items.push({ exerciseId: id, title: ex?.meta.title ?? id, maxScore: ex?.points ?? 0, dueAt: a.dueAt, policy: a.latePolicy as LatePolicy, assignment: a.title, assignmentId: a.id });
    }
  }
  const learners: GradebookLearner[] = members(courseId, "learner")
    .filter((m) => !onlyUserId || m.userId === onlyUserId)
    .map((m) => ({ id: m.userId, email: m.email, name: m.name, section: m.section }));
  const ids = learners.map((l) => l.id);
  const exIds = items.map((i) => i.exerciseId);
  const subs = ids.length && exIds.length
    ? db
        .select({ userId: submissions.userId, exerciseId: submissions.exerciseId, createdAt: submissions.createdAt, score: submissions.score, maxScore: submissions.maxScore })
        .from(submissions)
        .innerJoin(submissionCourses, madeIn(courseId))
        .where(and(inArray(submissions.userId, ids), inArray(submissions.exerciseId, exIds)))
        .all()
        .map((s) => ({ ...s, userId: s.userId! }))
    : [];
  const ext = new Map<string, Date>();
  if (rows.length) {
    for (const e of db.select().from(extensions).where(inArray(extensions.assignmentId, rows.map((r) => r.id))).all()) {
      const a = rows.find((r) => r.id === e.assignmentId)!;
      for (const id of a.exerciseIds) ext.set(`${e.userId}:${id}`, e.until);
    }
  }
  return { items, learners, subs, ext, table: buildGradebook(learners, items, subs, ext) };
}

export async function gradebook(user: SessionUser, courseId: string): Promise<GradebookData> {
  const { course, role } = requireCourse(user, courseId, "staff");
  const { items, table } = await gradebookParts(courseId);
  return {
    course: { id: course.id, title: course.title, timeZone: course.timeZone },
    role,
    items: items.map((i) => ({ exerciseId: i.exerciseId, title: i.title, maxScore: i.maxScore, assignment: i.assignment, dueLocal: i.dueAt ? formatInZone(i.dueAt, course.timeZone) : null })),
    rows: table.map((r) => ({
      learner: r.learner,
      total: r.total,
      cells: Object.fromEntries(
        Object.entries(r.cells).map(([k, c]) => [k, { best: c.best, bestRaw: c.bestRaw, attempts: c.attempts, lastAt: c.lastAt?.getTime() ?? null, lastLocal: c.lastAt ? formatInZone(c.lastAt, course.timeZone) : null, late: c.late }]),
      ),
    })),
    maxTotal: items.reduce((s, i) => s + i.maxScore, 0),
  };
}

/** The gradebook as an LMS-importable CSV (lib/course/gradebook.ts). */
export async function gradebookCsvFor(user: SessionUser, courseId: string): Promise<{ filename: string; csv: string }> {
  const { course } = requireCourse(user, courseId, "staff");
  const { items, table } = await gradebookParts(courseId);
  const slug = course.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "course";
  return { filename: `${slug}-gradebook.csv`, csv: gradebookCsv(table, items) };
}

// ---- one learner's history ----------------------------------------------------------------

export interface HistoryEntry {
  id: string;
  exerciseId: string;
  exerciseTitle: string;
  createdAt: number;
  createdLocal: string;
  status: "queued" | "running" | "done";
  score: number | null;
  maxScore: number | null;
  verdict: string | null;
  /** The score after the late policy and extensions, scaled to the exercise's points. */
  adjusted: number | null;
  lateNote: string;
  /** The exercise version at submission time, and the one the current result was graded against. */
  submittedVersion: string;
  gradedVersion: string | null;
  currentVersion: string | null;
  grades: { kind: string; version: string | null; score: number; maxScore: number; verdict: string; applied: boolean; gradedLocal: string }[];
  code: string;
}

export async function learnerHistory(user: SessionUser, courseId: string, learnerId: string): Promise<{ learner: MemberView; course: { id: string; title: string; timeZone: string }; entries: HistoryEntry[] }> {
  const { course } = requireCourse(user, courseId, "staff");
  const learner = members(courseId).find((m) => m.userId === learnerId);
  if (!learner) throw new HttpError(404, `No learner ${learnerId} in this course.`);
  const { items, ext } = await gradebookParts(courseId);
  const cat = await getCatalogue();
  const rows = db.select({ s: submissions }).from(submissions).innerJoin(submissionCourses, madeIn(courseId)).where(eq(submissions.userId, learnerId)).orderBy(desc(submissions.createdAt)).all();
  const entries: HistoryEntry[] = [];
  for (const { s } of rows) {
    const item = items.find((i) => i.exerciseId === s.exerciseId);
    if (!item) continue; // only this course's exercises
    const ex = cat.exercises.find((e) => e.id === s.exerciseId);
    let adjusted: number | null = null;
    let lateNote = "";
    if (s.score !== null) {
      const raw = s.maxScore ? (s.score / s.maxScore) * item.maxScore : 0;
      const out = applyLatePolicy({ score: raw, maxScore: item.maxScore, submittedAt: s.createdAt, dueAt: item.dueAt, extensionUntil: ext.get(`${learnerId}:${s.exerciseId}`), policy: item.policy });
      adjusted = Math.round(out.score * 100) / 100;
      lateNote = out.note;
    }
    entries.push({
      id: s.id,
      exerciseId: s.exerciseId,
      exerciseTitle: ex?.meta.title ?? s.exerciseId,
      createdAt: s.createdAt.getTime(),
      createdLocal: formatInZone(s.createdAt, course.timeZone),
      status: s.finishedAt ? "done" : s.startedAt ? "running" : "queued",
      score: s.score,
      maxScore: s.maxScore,
      verdict: s.verdict,
      adjusted,
      lateNote,
      submittedVersion: s.exerciseVersion,
      gradedVersion: (s.result as GradeResult | null)?.version ?? null,
      currentVersion: ex?.version ?? null,
      grades: gradingHistory(db, s.id).map((g) => ({ kind: g.kind, version: g.exerciseVersion, score: g.score, maxScore: g.maxScore, verdict: g.verdict, applied: g.applied, gradedLocal: formatInZone(g.gradedAt, course.timeZone) })),
      code: s.code,
    });
  }
  return { learner, course: { id: course.id, title: course.title, timeZone: course.timeZone }, entries };
}

// ---- per-exercise analytics -----------------------------------------------------------------

export interface ExerciseAnalytics {
  exerciseId: string;
  title: string;
  points: number;
  version: string;
  learners: number;
  attempted: number;
  passed: number;
  submissions: number;
  submissionsPassed: number;
  /** Learners' best raw score as a fraction of full marks, in 10 bins [0, .1), …, [.9, 1]. */
  distribution: number[];
  failingChecks: { name: string; count: number }[];
  hints: { hint: string; count: number }[];
}

export async function exerciseAnalytics(user: SessionUser, courseId: string, exerciseId: string): Promise<ExerciseAnalytics> {
  requireCourse(user, courseId, "staff");
  const { items, learners } = await gradebookParts(courseId);
  const item = items.find((i) => i.exerciseId === exerciseId);
  if (!item) throw new HttpError(404, `Exercise '${exerciseId}' is not in this course.`);
  const ex = await findExercise(exerciseId);
  const ids = learners.map((l) => l.id);
  const subs = ids.length
    ? db
        .select({ userId: submissions.userId, score: submissions.score, maxScore: submissions.maxScore, verdict: submissions.verdict, result: submissions.result })
        .from(submissions)
        .innerJoin(submissionCourses, madeIn(courseId))
        .where(and(eq(submissions.exerciseId, exerciseId), inArray(submissions.userId, ids)))
        .all()
    : [];
  const best = new Map<string, number>();
  const failing = new Map<string, number>();
  const hints = new Map<string, number>();
  let graded = 0;
  let passedSubs = 0;
  for (const s of subs) {
    if (s.score === null) continue;
    graded++;
    if (s.verdict === "passed") passedSubs++;
    const frac = s.maxScore ? s.score / s.maxScore : 0;
    best.set(s.userId!, Math.max(best.get(s.userId!) ?? 0, frac));
    for (const t of (s.result as GradeResult | null)?.tests ?? []) {
      if (t.status !== "failed") continue;
      failing.set(t.name, (failing.get(t.name) ?? 0) + 1);
      const hint = /\nHint: (.*)$/s.exec(t.output)?.[1]?.trim();
      if (hint) hints.set(hint, (hints.get(hint) ?? 0) + 1);
    }
  }
  const distribution = Array.from({ length: 10 }, () => 0);
  for (const f of best.values()) distribution[Math.min(9, Math.floor(f * 10))]++;
  const top = <K,>(m: Map<K, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return {
    exerciseId,
    title: item.title,
    points: item.maxScore,
    version: ex?.version ?? "",
    learners: learners.length,
    attempted: best.size,
    passed: [...best.values()].filter((f) => f >= 1).length,
    submissions: graded,
    submissionsPassed: passedSubs,
    distribution,
    failingChecks: top(failing).map(([name, count]) => ({ name, count })),
    hints: top(hints).map(([hint, count]) => ({ hint, count })),
  };
}

// ---- regrades ------------------------------------------------------------------------------

/** Regrade an exercise's submissions by this course's learners (or one learner) in the background. */
export async function startRegrade(user: SessionUser, courseId: string, body: unknown): Promise<{ batchId: string; total: number }> {
  requireCourse(user, courseId, "instructor");
  const b = (body ?? {}) as Record<string, unknown>;
  const exerciseId = str(b.exerciseId, "exerciseId");
  const { items, learners } = await gradebookParts(courseId);
  if (!items.some((i) => i.exerciseId === exerciseId)) throw new HttpError(404, `Exercise '${exerciseId}' is not in this course.`);
  let userIds = learners.map((l) => l.id);
  let one: string | null = null;
  if (typeof b.email === "string" && b.email.trim()) {
    const l = learners.find((x) => x.email === b.email!.toString().trim().toLowerCase());
    if (!l) throw new HttpError(404, `${b.email} is not a learner in this course.`);
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
  if (!p) throw new HttpError(404, `No regrade ${batchId} in this course.`);
  return p;
}

// ---- authoring ---------------------------------------------------------------------------------

export interface AuthorView {
  solution: string;
  version: string;
  dir: string;
  hiddenChecks: string[];
}

/** What only staff see of an exercise: its solution, version and hidden checks' names. */
export async function authorView(user: SessionUser, exerciseId: string): Promise<AuthorView> {
  if (!isStaffAnywhere(user)) throw new HttpError(403, "Only TAs, instructors and admins may see exercise solutions.");
  const ex = await findExercise(exerciseId);
  if (!ex) throw new HttpError(404, `Unknown exercise '${exerciseId}'.`);
  return { solution: readFileSync(ex.files.solution, "utf8"), version: ex.version, dir: ex.dir, hiddenChecks: ex.suite.checks.filter((c) => c.visibility === "hidden").map((c) => c.name) };
}

/** Run `gradlab validate` for one exercise, in this process (acceptable for staff). */
export async function validateExercise(user: SessionUser, exerciseId: string) {
  if (!isStaffAnywhere(user)) throw new HttpError(403, "Only TAs, instructors and admins may validate exercises.");
  const ex = await findExercise(exerciseId);
  if (!ex) throw new HttpError(404, `Unknown exercise '${exerciseId}'.`);
  const { validateCatalogue } = await import("../grader/validate.ts");
  const cat = await getCatalogue();
  return validateCatalogue(cat, { only: [exerciseId] });
}
