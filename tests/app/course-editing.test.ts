// Running a class, complete (issue 15 items 1, 2, 5, 6), through the workflows the route handlers
// call, on the real SQLite database with its migrations: editing an assignment recomputes scores
// and keeps a history, deleting one, archive and delete (only after an export), members' roles and
// removal, score overrides with a required comment the learner sees, comments on submissions,
// the gradebook CSV (student ID, attempts, "no attempt"), the submissions zip, TAs' extension
// right, and staff reading a learner's current draft.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUnderTest, type User } from "./server-under-test.ts";
import { strFromU8, unzipSync } from "fflate";

const { ctx, C, B, A } = await serverUnderTest("course-editing", { GRADLAB_MAX_QUEUED_PER_LEARNER: "20" } /* no worker here: graded() stands in for one */);
const { submissions } = await import("../../db/schema.ts");
const { eq } = await import("drizzle-orm");

const u: Record<string, User> = {};
const day = 86_400_000;
const local = (d: Date) => d.toISOString().slice(0, 16); // a UTC course: local = ISO
let course = "";
let layers = "";
let subId = "";

async function user(key: string, role: "learner" | "instructor" | "admin"): Promise<void> {
  const r = await A.addUser(ctx.auth, ctx.db, `${key}@edit.org`, role);
  u[key] = { id: r.id, email: r.email, name: key, role };
}

function graded(id: string, score: number, maxScore = 10): void {
  const now = new Date();
  const result = { exercise: "dense", score, maxScore, status: score === maxScore ? "passed" : "failed", tests: [], stdout: "", durationMs: 1 };
  ctx.db.update(submissions).set({ result, score, maxScore, verdict: result.status, startedAt: now, finishedAt: now }).where(eq(submissions.id, id)).run();
}

async function status(p: Promise<unknown> | (() => unknown)): Promise<{ status: number; message: string }> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(ctx.HttpError);
    return { status: (e as { status: number }).status, message: (e as Error).message };
  }
  throw new Error("expected an HttpError");
}

const cell = async (exerciseId = "dense") => (await C.gradebook(u.inst, course)).rows.find((r) => r.learner.email === u.ada.email)!.cells[exerciseId];

beforeAll(async () => {
  await user("inst", "instructor");
  await user("ta", "learner");
  await user("ada", "learner");
  await user("bob", "learner");
  await user("admin", "admin");
  course = C.createCourse(u.inst, { title: "Edit 101", timeZone: "UTC" }).id;
  // The admin enrols directly (no invitation round trip), with the roster's student IDs.
  await C.importRoster(u.admin, course, "email,name,section,student_id\nada@edit.org,Ada,A,S-001\nbob@edit.org,Bob,B,=HYPERLINK(1)\n");
  C.setMemberRole(u.admin, course, { email: "ta@edit.org", role: "ta" });
  // Due two days ago with 10%/day: a submission now is 2 days late (−20%).
  layers = (await C.createAssignment(u.inst, course, { title: "Layers", exerciseIds: ["dense"], releaseAt: local(new Date(Date.now() - 5 * day)), dueAt: local(new Date(Date.now() - 2 * day + 60_000)), latePolicy: { kind: "penalty", percentPerDay: 10 } })).id;
  const out = await B.submit(u.ada, { exerciseId: "dense", code: "export const ada = 1;" });
  if (!out.ok) throw new Error(out.error);
  subId = out.id;
  graded(subId, 10);
}, 60_000);

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

describe("editing an assignment", () => {
  it("a new due date recomputes the recorded score at once, and the edit is kept in the history", async () => {
    expect((await cell()).best).toBe(8);
    await expect(status(C.updateAssignment(u.ta, course, layers, { dueAt: local(new Date(Date.now() + day)) }))).resolves.toMatchObject({ status: 403 });
    const out = await C.updateAssignment(u.inst, course, layers, { dueAt: local(new Date(Date.now() + day)), maxSubmissions: "3" });
    expect(out.changes).toHaveLength(2);
    expect(out.changes[0]).toMatch(/^due: .* → /);
    expect(out.changes[1]).toBe("submission limit: none → 3");
    expect((await cell()).best).toBe(10);
    const edit = C.assignmentForEditing(u.ta, course, layers);
    expect(edit.history.map((h) => h.changes)).toEqual([out.changes]);
    expect(edit.history[0].by).toBe("inst@edit.org");
    expect(edit.effect).toMatch(/recomputes every learner's score/);
    expect(edit.assignment.maxSubmissions).toBe(3);
    // Nothing changed: nothing recorded.
    expect((await C.updateAssignment(u.inst, course, layers, { title: "Layers" })).changes).toEqual([]);
    expect(C.assignmentForEditing(u.inst, course, layers).history).toHaveLength(1);
  });

  it("says which field is wrong", async () => {
    expect(await status(C.updateAssignment(u.inst, course, layers, { latePolicy: { kind: "penalty", percentPerDay: 300 } }))).toEqual({ status: 400, message: "'latePolicy.percentPerDay' must be a number in (0, 100]." });
    expect((await status(C.updateAssignment(u.inst, course, layers, { exerciseIds: ["nope"] }))).message).toBe("Unknown exercise 'nope'.");
  });

  it("changes the exercises (a removed one leaves the gradebook, its submissions kept) and deletes with the title as confirmation", async () => {
    const other = (await C.createAssignment(u.inst, course, { title: "More", exerciseIds: ["lstm"] })).id;
    expect((await status(C.updateAssignment(u.inst, course, other, { exerciseIds: ["lstm", "dense"] }))).message).toMatch(/already in assignment "Layers"/);
    await C.updateAssignment(u.inst, course, other, { exerciseIds: ["activations"] });
    expect((await C.gradebook(u.inst, course)).items.map((i) => i.exerciseId)).toEqual(["activations", "dense"]); // no due date sorts first
    expect((await status(() => C.deleteAssignment(u.inst, course, other, { confirm: "more" }))).message).toBe('To delete, type the assignment\'s title exactly: "More".');
    expect(C.deleteAssignment(u.inst, course, other, { confirm: "More" })).toEqual({ deleted: "More" });
    expect((await C.courseDetail(u.inst, course)).assignments.map((a) => a.title)).toEqual(["Layers"]);
  });
});

describe("manual grading", () => {
  it("an override needs a comment, replaces the score, keeps its history and is shown to the learner", async () => {
    expect((await status(C.setOverride(u.inst, course, { email: "ada@edit.org", exerciseId: "dense", score: 4, comment: "" }))).message).toBe("'comment' is required.");
    await expect(status(C.setOverride(u.ta, course, { email: "ada@edit.org", exerciseId: "dense", score: 4, comment: "copied" }))).resolves.toMatchObject({ status: 403 });
    expect((await status(C.setOverride(u.inst, course, { email: "ada@edit.org", exerciseId: "dense", score: 11, comment: "too much" }))).message).toMatch(/more than the exercise's 10 points/);
    await C.setOverride(u.inst, course, { email: "ada@edit.org", exerciseId: "dense", score: "6.5", comment: "Hard-coded the bias shape" });
    expect(await cell()).toMatchObject({ best: 6.5, overridden: true });
    const mine = await C.courseDetail(u.ada, course);
    expect(mine.myScores.dense).toEqual({ best: 6.5, attempts: 1, overridden: true });
    expect(mine.feedback.overrides).toMatchObject([{ exerciseId: "dense", score: 6.5, comment: "Hard-coded the bias shape", by: "inst@edit.org" }]);
    // Ending it: the autograder's score again, both changes in the history.
    await C.setOverride(u.inst, course, { email: "ada@edit.org", exerciseId: "dense", score: null, comment: "Fixed after a talk" });
    expect(await cell()).toMatchObject({ best: 10, overridden: false });
    expect((await C.courseDetail(u.ada, course)).feedback.overrides.map((o) => o.score)).toEqual([null, 6.5]);
    await C.setOverride(u.inst, course, { email: "ada@edit.org", exerciseId: "dense", score: 9, comment: "Style" });
  });

  it("staff comment on a submission made in the course; its learner sees it, nobody else", async () => {
    expect(C.commentOnSubmission(u.ta, course, subId, { body: "Nice vectorisation" })).toMatchObject({ id: expect.any(Number) });
    await expect(status(() => C.commentOnSubmission(u.bob, course, subId, { body: "me too" }))).resolves.toMatchObject({ status: 403 });
    expect((await C.courseDetail(u.ada, course)).feedback.comments).toMatchObject([{ submissionId: subId, exerciseId: "dense", body: "Nice vectorisation", by: "ta@edit.org" }]);
    expect((await C.courseDetail(u.bob, course)).feedback.comments).toEqual([]);
  });
});

describe("downloads", () => {
  it("the gradebook CSV has the student ID, attempts and a status where 'no attempt' is not a 0", async () => {
    const { csv } = await C.gradebookCsvFor(u.ta, course);
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("Student ID,Email,Name,Section,Dense layer (10),Dense layer attempts,Dense layer status,Total");
    expect(lines[1]).toBe("S-001,ada@edit.org,Ada,A,9,1,override,9");
    expect(lines[2]).toBe("'=HYPERLINK(1),bob@edit.org,Bob,B,,0,no attempt,0");
  });

  it("the assignment's zip has one folder per learner with the final code and its result JSON", async () => {
    const { zip, filename } = await C.assignmentZip(u.ta, course, layers);
    expect(filename).toBe("edit-101-layers-submissions.zip");
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(["S-001/dense.result.json", "S-001/dense.ts", "manifest.csv"]);
    expect(strFromU8(files["S-001/dense.ts"])).toBe("export const ada = 1;");
    expect(JSON.parse(strFromU8(files["S-001/dense.result.json"]))).toMatchObject({ submission: subId, recordedScore: 10, maxScore: 10, result: { score: 10 } });
    expect(strFromU8(files["manifest.csv"])).toContain("bob@edit.org,Bob,,dense,,,,,,no attempt");
    await expect(status(C.assignmentZip(u.bob, course, layers))).resolves.toMatchObject({ status: 403 });
  });
});

describe("TAs and drafts", () => {
  it("a TA grants extensions only once an instructor gave the right", async () => {
    const body = { email: "ada@edit.org", until: local(new Date(Date.now() + 3 * day)) };
    expect((await status(() => C.setExtension(u.ta, course, layers, body))).message).toMatch(/TAs they gave the right to/);
    expect((await status(() => C.setTaRights(u.inst, course, { email: "ada@edit.org", canExtend: true }))).message).toMatch(/not a TA/);
    C.setTaRights(u.inst, course, { email: "ta@edit.org", canExtend: true });
    expect((await C.courseDetail(u.ta, course)).mayExtend).toBe(true);
    expect((await C.setExtension(u.ta, course, layers, body)).until).toMatch(/UTC$/);
  });

  it("staff read the learner's current draft", async () => {
    B.saveDraft(u.ada.id, "dense", "export function dense() { /* half done */ }");
    B.saveDraft(u.ada.id, "lstm", "not in this course");
    const h = await C.learnerHistory(u.ta, course, u.ada.id);
    expect(h.drafts.map((d) => [d.exerciseId, d.code])).toEqual([["dense", "export function dense() { /* half done */ }"]]);
    expect(h.items).toEqual([{ exerciseId: "dense", title: "Dense layer", maxScore: 10, recorded: 9, overridden: true }]);
    expect(h.overrides).toHaveLength(3);
  });
});

describe("members and the end of a course", () => {
  it("changes a role and removes a member (not yourself)", async () => {
    expect(C.setMemberRole(u.inst, course, { email: "bob@edit.org", role: "ta" }).status).toBe("updated");
    expect(C.removeMember(u.inst, course, { email: "bob@edit.org" })).toEqual({ removed: "bob@edit.org" });
    expect(C.courseRole(u.bob, course)).toBeNull();
    expect((await status(() => C.removeMember(u.inst, course, { email: "inst@edit.org" }))).message).toMatch(/cannot remove yourself/);
  });

  it("archived: read-only, no submissions; unarchived again", async () => {
    C.archiveCourse(u.inst, course, { archived: true });
    expect(C.myCourses(u.ada)[0]).toMatchObject({ title: "Edit 101", archived: true });
    expect(C.submissionGate(u.ada, "dense", new Date())).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/archived/) });
    expect(await status(C.createAssignment(u.inst, course, { title: "x", exerciseIds: ["lstm"] }))).toMatchObject({ status: 409, message: expect.stringMatching(/archived and read-only/) });
    C.archiveCourse(u.inst, course, { archived: false });
    expect(C.submissionGate(u.ada, "dense", new Date()).ok).toBe(true);
  });

  it("deletes only after an export and with the title typed", async () => {
    expect(await status(() => C.deleteCourse(u.inst, course, { confirm: "Edit 101" }))).toMatchObject({ status: 409, message: expect.stringMatching(/export first/) });
    const { zip } = await C.courseExport(u.inst, course);
    const names = Object.keys(unzipSync(zip));
    expect(names).toContain("gradebook.csv");
    expect(names.some((n) => /^assignments\/layers-[0-9a-f]{8}\/S-001\/dense\.ts$/.test(n))).toBe(true);
    expect(await status(() => C.deleteCourse(u.ta, course, { confirm: "Edit 101" }))).toMatchObject({ status: 403 });
    expect((await status(() => C.deleteCourse(u.inst, course, { confirm: "edit" }))).message).toMatch(/type the course's title exactly/);
    expect(C.deleteCourse(u.inst, course, { confirm: "Edit 101" })).toEqual({ deleted: "Edit 101" });
    expect(C.courseRole(u.inst, course)).toBeNull();
    // The learner's submission is still theirs.
    expect(B.readSubmission(u.ada, subId)?.score).toBe(10);
  });
});
