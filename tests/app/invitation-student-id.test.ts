// A roster row for an account that must consent first becomes an invitation; its student ID goes
// with the invitation, so the learner who accepts appears in the gradebook export with it (it was
// dropped: only rows enrolled at once kept their student ID).
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-invite-sid-"));

type User = import("../../server/context.ts").SessionUser;
const ctx = await import("../../server/context.ts");
const C = await import("../../server/courses/index.ts");
const A = await import("../../server/accounts.ts");

const u: Record<string, User> = {};
let course = "";

async function user(key: string, role: "learner" | "instructor"): Promise<void> {
  const r = await A.addUser(ctx.auth, ctx.db, `${key}@sid.org`, role);
  u[key] = { id: r.id, email: r.email, name: key, role };
}

beforeAll(async () => {
  await user("teach", "instructor");
  await user("ada", "learner");
  await user("bo", "learner");
  course = C.createCourse(u.teach, { title: "Roster", timeZone: "UTC" }).id;
});

const studentIdOf = async (email: string) => (await C.gradebook(u.teach, course)).rows.find((r) => r.learner.email === email)?.learner.studentId;

describe("invitations from a roster import", () => {
  it("keep the row's student ID until the learner accepts, and a later import without one does not erase it", async () => {
    const out = await C.importRoster(u.teach, course, `email,name,section,student_id\n${u.ada.email},Ada,A,S-0042\n${u.bo.email},Bo,B,S-0043\n`);
    expect(out).toMatchObject({ ok: true, enrolled: 0, invited: 2 });
    // Re-imported from a sheet without the column: the invitation keeps the ID it had.
    expect(await C.importRoster(u.teach, course, `email,name,section\n${u.ada.email},Ada,A\n`)).toMatchObject({ ok: true, invited: 1 });

    expect(C.answerInvitation(u.ada, course, { accept: true })).toEqual({ courseId: course, joined: true });
    expect(C.answerInvitation(u.bo, course, { accept: true })).toEqual({ courseId: course, joined: true });
    expect(await studentIdOf(u.ada.email)).toBe("S-0042");
    expect(await studentIdOf(u.bo.email)).toBe("S-0043");
    expect((await C.gradebookCsvFor(u.teach, course)).csv).toMatch(/\nS-0042,ada@sid\.org,/);
  });
});
