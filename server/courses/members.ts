/**
 * Members: the roster, invitations, invite links and roles.
 *
 * Who joins a course how. Enrolling an account lets the course's staff read what it submits in
 * the course, so an existing account joins only with its consent: a course instructor's roster
 * row or "add member" makes an invitation (by email) that the account accepts under Courses, and
 * the answer is the same whether the email has an account or not. Admins enrol directly. Global
 * instructors and admins may create accounts for unknown emails from a roster (a new account has
 * no earlier work); a course instructor who is globally a learner cannot create accounts.
 */
import { randomBytes } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { courseInvitations, courseMembers, courses, users } from "../../db/schema.ts";
import { parseRoster, type RosterError } from "../../lib/course/roster.ts";
import { addUser } from "../accounts.ts";
import { text } from "../../lib/i18n/server-text.ts";
import { auth, db, HttpError, type SessionUser } from "../context.ts";
import { requireCourse, requireWritableCourse, type CourseRole } from "./roles.ts";
import { InvitationAnswer, MemberRemoval, MemberRole, parseBody, Roster, TaRights } from "./schemas.ts";

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: CourseRole;
  section: string;
  studentId: string;
  /** A TA allowed to grant extensions. */
  canExtend: boolean;
}

export function members(courseId: string, role?: CourseRole): MemberView[] {
  return db
    .select({ userId: users.id, email: users.email, name: users.name, role: courseMembers.role, section: courseMembers.section, studentId: courseMembers.studentId, canExtend: courseMembers.canExtend })
    .from(courseMembers)
    .innerJoin(users, eq(users.id, courseMembers.userId))
    .where(role ? and(eq(courseMembers.courseId, courseId), eq(courseMembers.role, role)) : eq(courseMembers.courseId, courseId))
    .orderBy(asc(users.email))
    .all();
}


export const accountByEmail = (mail: string) => db.select().from(users).where(eq(users.email, mail)).get();

/** A member of the course by (lower-cased) email; the same 404 whether the account exists or not (no probing for accounts). */
export function memberByEmail(courseId: string, mail: string) {
  const u = accountByEmail(mail);
  const m = u && db.select().from(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).get();
  if (!u || !m) throw new HttpError(404, text("errors.course.notMember", { email: mail }));
  return u;
}


export type RosterOutcome =
  | { ok: false; errors: RosterError[] }
  | { ok: true; enrolled: number; created: { email: string; name: string; password: string }[]; updated: number; invited: number };

/** Invite an email; a roster's student ID goes with the invitation to the membership (none given: the one recorded stays). */
function invite(courseId: string, email: string, role: CourseRole, section: string, by: string, studentId = ""): void {
  db.insert(courseInvitations)
    .values({ courseId, email, role, section, studentId, invitedBy: by, createdAt: new Date() })
    .onConflictDoUpdate({ target: [courseInvitations.courseId, courseInvitations.email], set: { role, section, invitedBy: by, ...(studentId ? { studentId } : {}) } })
    .run();
}

/**
 * Import a roster CSV (email,name,section). Any bad row: nothing imported, every error reported.
 * Members already in the course get the row's section; other existing accounts are invited (an
 * admin enrols them directly); unknown emails get accounts with generated passwords, returned once
 * (never stored in clear), when the importer is a global instructor or admin, else an invitation.
 */
export async function importRoster(user: SessionUser, courseId: string, csvOrBody: unknown): Promise<RosterOutcome> {
  requireWritableCourse(user, courseId, "instructor");
  const csv = typeof csvOrBody === "string" ? csvOrBody : parseBody(Roster, csvOrBody).csv;
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
        tx.update(courseMembers).set({ section: r.section, ...(r.studentId ? { studentId: r.studentId } : {}) }).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).run();
        updated++;
      } else if (u && (direct || fresh.has(r.email))) {
        // An account still named after its email (the default) takes the roster's name.
        if (u.name === r.email.split("@")[0] && r.name) tx.update(users).set({ name: r.name }).where(eq(users.id, u.id)).run();
        tx.insert(courseMembers).values({ courseId, userId: u.id, role: "learner", section: r.section, studentId: r.studentId, joinedAt: now }).run();
        tx.delete(courseInvitations).where(and(eq(courseInvitations.courseId, courseId), eq(courseInvitations.email, r.email))).run();
        enrolled++;
      } else {
        invite(courseId, r.email, "learner", r.section, user.id, r.studentId);
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
  requireWritableCourse(user, courseId, "instructor");
  const { role, email: mail, section = "" } = parseBody(MemberRole, body);
  const u = accountByEmail(mail);
  const m = u && db.select().from(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).get();
  if (u && m) {
    if (u.id === user.id && role !== "instructor") throw new HttpError(400, text("errors.course.ownInstructorRole"));
    db.update(courseMembers).set({ role }).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).run();
    return { status: "updated", email: mail, role, message: `${mail} is now ${role === "ta" ? "a TA" : `${role === "instructor" ? "an" : "a"} ${role}`} here.` };
  }
  if (user.role === "admin") {
    if (!u) throw new HttpError(404, text("errors.course.noAccount", { email: mail }));
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
  const { accept } = parseBody(InvitationAnswer, body);
  const where = and(eq(courseInvitations.courseId, courseId), eq(courseInvitations.email, user.email.toLowerCase()));
  return db.transaction((tx) => {
    const inv = tx.select().from(courseInvitations).where(where).get();
    if (!inv) throw new HttpError(404, text("errors.course.noInvitation"));
    if (accept) tx.insert(courseMembers).values({ courseId, userId: user.id, role: inv.role, section: inv.section, studentId: inv.studentId, joinedAt: new Date() }).onConflictDoNothing().run();
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
  if (!c) throw new HttpError(404, text("errors.course.badInviteLink"));
  db.insert(courseMembers).values({ courseId: c.id, userId: user.id, role: "learner", section: "", joinedAt: new Date() }).onConflictDoNothing().run();
  return { courseId: c.id };
}

/** Remove a member from the course (instructors; not yourself). Their submissions stay theirs; the course no longer sees them. */
export function removeMember(user: SessionUser, courseId: string, body: unknown): { removed: string } {
  requireWritableCourse(user, courseId, "instructor");
  const { email: mail } = parseBody(MemberRemoval, body);
  const u = memberByEmail(courseId, mail);
  if (u.id === user.id) throw new HttpError(400, text("errors.course.removeYourself"));
  db.delete(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).run();
  return { removed: mail };
}

/** Give a TA the right to grant extensions, or take it back (instructors). */
export function setTaRights(user: SessionUser, courseId: string, body: unknown): { email: string; canExtend: boolean } {
  requireWritableCourse(user, courseId, "instructor");
  const { email: mail, canExtend } = parseBody(TaRights, body);
  const u = memberByEmail(courseId, mail);
  const m = db.select({ role: courseMembers.role }).from(courseMembers).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).get()!;
  if (m.role !== "ta") throw new HttpError(400, text("errors.course.notTa", { email: mail }));
  db.update(courseMembers).set({ canExtend }).where(and(eq(courseMembers.courseId, courseId), eq(courseMembers.userId, u.id))).run();
  return { email: mail, canExtend };
}
