// Running a class, through the same workflows the route handlers call (server/courses/):
// who may do what, nobody sees another course's data, roster all-or-nothing, course submission
// rules, late penalties and extensions in the gradebook, and regrades scoped to the course.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderText, templateKey } from "../../lib/messages/text.ts";
import { graderCatalog } from "../../lib/messages/translations.ts";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-courses-"));

type Courses = typeof import("../../server/courses/index.ts");
type Ctx = typeof import("../../server/context.ts");
type User = import("../../server/context.ts").SessionUser;

let C: Courses;
let ctx: Ctx;
const u: Record<string, User> = {};
let courseA = "";
let courseB = "";

async function user(email: string, role: "learner" | "instructor" | "admin"): Promise<User> {
  const { addUser } = await import("../../server/accounts.ts");
  const r = await addUser(ctx.auth, ctx.db, email, role);
  return { id: r.id, email: r.email, name: email.split("@")[0], role };
}

async function rejects(p: Promise<unknown> | (() => unknown), status: number, message?: RegExp) {
  let err: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, "expected an HttpError").toBeInstanceOf(ctx.HttpError);
  expect((err as { status: number }).status).toBe(status);
  if (message) expect((err as Error).message).toMatch(message);
}

const local = (d: Date) => d.toISOString().slice(0, 16); // UTC course: local = ISO

beforeAll(async () => {
  ctx = await import("../../server/context.ts");
  C = await import("../../server/courses/index.ts");
  u.inst = await user("inst@x.org", "instructor");
  u.inst2 = await user("inst2@x.org", "instructor");
  u.ta = await user("ta@x.org", "learner");
  u.l1 = await user("l1@x.org", "learner");
  u.stranger = await user("stranger@x.org", "learner");
  u.admin = await user("admin@x.org", "admin");
}, 60_000);

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

describe("courses: roles and access", () => {
  it("only instructors and admins create courses; the creator is the course's instructor", async () => {
    await rejects(() => C.createCourse(u.l1, { title: "Nope", timeZone: "UTC" }), 403);
    await rejects(() => C.createCourse(u.inst, { title: "Bad zone", timeZone: "Mars/Olympus" }), 400, /Unknown time zone/);
    courseA = C.createCourse(u.inst, { title: "DL 101", timeZone: "UTC" }).id;
    courseB = C.createCourse(u.inst2, { title: "Other course", timeZone: "Europe/Paris" }).id;
    expect(C.courseRole(u.inst, courseA)).toBe("instructor");
    expect(C.courseRole(u.admin, courseA)).toBe("instructor");
    expect(C.myCourses(u.inst).map((c) => c.title)).toEqual(["DL 101"]);
  });

  it("imports a roster all-or-nothing with per-row errors, creating accounts once; existing accounts are invited", async () => {
    const bad = "email,name,section\nl1@x.org,Learner One,A\nnot-an-email,Two,B\nl3@x.org,,B\n";
    const out = await C.importRoster(u.inst, courseA, bad);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.errors.map((e) => [e.line, e.field])).toEqual([[3, "email"], [4, "name"]]);
    expect(C.gradebookCsvFor).toBeDefined();
    expect((await C.courseDetail(u.inst, courseA)).members.map((m) => m.email)).toEqual(["inst@x.org"]);
    const good = await C.importRoster(u.inst, courseA, "email,name,section\nl1@x.org,Learner One,A\nl2@x.org,Learner Two,B\n");
    // l2 is new (an account is made and enrolled); l1 already has an account: invited, joins on accepting.
    expect(good).toMatchObject({ ok: true, enrolled: 1, invited: 1 });
    if (good.ok) expect(good.created.map((c) => c.email)).toEqual(["l2@x.org"]);
    expect(C.setMemberRole(u.inst, courseA, { email: "ta@x.org", role: "ta" })).toMatchObject({ status: "invited" });
    expect(C.myInvitations(u.l1)).toMatchObject([{ courseId: courseA, courseTitle: "DL 101", role: "learner", invitedBy: "inst@x.org" }]);
    expect(C.answerInvitation(u.l1, courseA, { accept: true })).toEqual({ courseId: courseA, joined: true });
    expect(C.answerInvitation(u.ta, courseA, { accept: true })).toEqual({ courseId: courseA, joined: true });
    expect((await C.courseDetail(u.inst, courseA)).members.map((m) => `${m.email}:${m.role}:${m.section}`)).toEqual(["inst@x.org:instructor:", "l1@x.org:learner:A", "l2@x.org:learner:B", "ta@x.org:ta:"]);
  });

  it("TAs read the gradebook but cannot change course settings, assignments, roster, extensions or regrade", async () => {
    await rejects(() => C.updateCourse(u.ta, courseA, { title: "Hijacked" }), 403, /instructors/);
    await rejects(C.createAssignment(u.ta, courseA, { title: "x", exerciseIds: ["dense"] }), 403);
    await rejects(C.importRoster(u.ta, courseA, "email,name\nz@x.org,Z\n"), 403);
    await rejects(() => C.setMemberRole(u.ta, courseA, { email: "ta@x.org", role: "instructor" }), 403);
    await rejects(() => C.inviteToken(u.ta, courseA), 403);
    await rejects(C.startRegrade(u.ta, courseA, { exerciseId: "dense" }), 403);
    expect((await C.gradebook(u.ta, courseA)).rows.length).toBe(2);
    expect(C.updateCourse(u.inst, courseA, { title: "DL 101 (2026)" }).title).toBe("DL 101 (2026)");
  });

  it("learners reach no instructor or TA workflow, and see no roster", async () => {
    const l1 = { ...u.l1 };
    await rejects(C.gradebook(l1, courseA), 403);
    await rejects(C.gradebookCsvFor(l1, courseA), 403);
    await rejects(C.learnerHistory(l1, courseA, u.l1.id), 403);
    await rejects(C.createAssignment(l1, courseA, { title: "x", exerciseIds: ["dense"] }), 403);
    await rejects(C.authorView(l1, "dense"), 403);
    await rejects(C.validateExercise(l1, "dense"), 403);
    const d = await C.courseDetail(l1, courseA);
    expect(d.role).toBe("learner");
    expect(d.members).toEqual([]);
    expect(d.course.inviteToken).toBeNull();
  });

  it("nobody sees another course's data: 404 for non-members, even instructors", async () => {
    await rejects(C.courseDetail(u.inst2, courseA), 404);
    await rejects(C.gradebook(u.inst2, courseA), 404);
    await rejects(C.gradebookCsvFor(u.inst2, courseA), 404);
    await rejects(C.learnerHistory(u.inst2, courseA, u.l1.id), 404);
    await rejects(C.exerciseAnalytics(u.inst2, courseA, "dense"), 404);
    await rejects(C.courseDetail(u.stranger, courseA), 404);
    await rejects(C.learnerHistory(u.inst, courseA, u.stranger.id), 404); // not in this course
    await rejects(C.learnerHistory(u.inst2, courseB, u.l1.id), 404);
    expect(C.myCourses(u.l1).map((c) => c.id)).toEqual([courseA]);
  });
});

describe("courses: assignments, submission rules, late work, gradebook", () => {
  const day = 86_400_000;
  it("learners see and submit only released assignments, within the limit, cool-down and cutoff", async () => {
    const now = Date.now();
    await C.createAssignment(u.inst, courseA, { title: "Layers", exerciseIds: ["dense", "mse"], releaseAt: local(new Date(now - 5 * day)), dueAt: local(new Date(now - 2 * day - 3_600_000)), latePolicy: { kind: "penalty", percentPerDay: 10 }, maxSubmissions: 3 });
    await C.createAssignment(u.inst, courseA, { title: "Future", exerciseIds: ["softmax-cross-entropy"], releaseAt: local(new Date(now + 5 * day)), dueAt: local(new Date(now + 9 * day)), latePolicy: { kind: "cutoff" } });
    await C.createAssignment(u.inst, courseA, { title: "Closed", exerciseIds: ["activations"], dueAt: local(new Date(now - day)), latePolicy: { kind: "cutoff" }, cooldownSeconds: 60 });
    await rejects(C.createAssignment(u.inst, courseA, { title: "Dup", exerciseIds: ["dense"] }), 400, /already in assignment "Layers"/);
    await rejects(C.createAssignment(u.inst, courseA, { title: "Bad", exerciseIds: ["nope"] }), 400, /Unknown exercise/);
    await rejects(C.createAssignment(u.inst, courseA, { title: "Bad", exerciseIds: ["lstm"], dueAt: "tomorrow" }), 400, /dueAt/);

    const d = await C.courseDetail(u.l1, courseA);
    expect(d.assignments.map((a) => a.title).sort()).toEqual(["Closed", "Layers"]);
    expect((await C.courseDetail(u.ta, courseA)).assignments).toHaveLength(3);

    expect(C.mayOpenExercise(u.l1, "dense")).toBe(true);
    expect(C.mayOpenExercise(u.l1, "softmax-cross-entropy")).toBe(false); // not released
    expect(C.mayOpenExercise(u.l1, "lstm")).toBe(false); // not in the course
    expect(C.mayOpenExercise(u.stranger, "lstm")).toBe(true); // in no course: the open demo catalogue
    expect(C.mayOpenExercise(u.ta, "lstm")).toBe(true);

    const at = new Date();
    expect(C.submissionGate(u.l1, "dense", at)).toEqual({ ok: true, courseIds: [courseA] }); // late, but the penalty policy accepts it
    expect(C.submissionGate(u.l1, "softmax-cross-entropy", at)).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/not released yet/) });
    expect(C.submissionGate(u.l1, "activations", at)).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/no longer accepts submissions/) });
    expect(C.submissionGate(u.l1, "lstm", at)).toMatchObject({ ok: false, status: 404 });
    expect(C.submissionGate(u.stranger, "lstm", at)).toEqual({ ok: true, courseIds: [] });
  });

  it("late penalties and extensions flow into the gradebook and its CSV; limits count submissions", async () => {
    const { submissions } = await import("../../db/schema.ts");
    const { eq } = await import("drizzle-orm");
    const dense = (await ctx.findExercise("dense"))!;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(C.submitInCourses(u.l1, dense, `// attempt ${i}`).id!);
    // Graded 10/10 now: 2 days + 1 h past the due date → 3 started days late → −30%.
    for (const id of ids) ctx.db.update(submissions).set({ score: 10, maxScore: 10, verdict: "passed", startedAt: new Date(), finishedAt: new Date() }).where(eq(submissions.id, id)).run();
    expect(C.submissionGate(u.l1, "dense", new Date())).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/all 3 submissions/) });
    let gb = await C.gradebook(u.inst, courseA);
    const row = () => gb.rows.find((r) => r.learner.email === "l1@x.org")!;
    expect(row().cells.dense).toMatchObject({ best: 7, bestRaw: 10, attempts: 3, late: true });
    const csv = async () => (await C.gradebookCsvFor(u.ta, courseA)).csv;
    // Student ID (none here), email, name, section, then per exercise: score, attempts, status ("no attempt" is not a 0).
    expect(await csv()).toMatch(/\n,l1@x\.org,l1,A,7,3,late,,0,no attempt,,0,no attempt,,0,no attempt,7\n/);

    const layers = (await C.courseDetail(u.inst, courseA)).assignments.find((a) => a.title === "Layers")!;
    await rejects(() => C.setExtension(u.ta, courseA, layers.id, { email: "l1@x.org", until: local(new Date(Date.now() + 3 * day)) }), 403);
    await rejects(() => C.setExtension(u.inst, courseA, layers.id, { email: "stranger@x.org", until: local(new Date(Date.now() + 3 * day)) }), 404);
    await C.setExtension(u.inst, courseA, layers.id, { email: "l1@x.org", until: local(new Date(Date.now() + 3 * day)) });
    gb = await C.gradebook(u.inst, courseA);
    expect(row().cells.dense).toMatchObject({ best: 10, late: false });
    expect(await csv()).toMatch(/,l1@x\.org,l1,A,10,3,on time,,0,no attempt,,0,no attempt,,0,no attempt,10/);
    expect((await C.courseDetail(u.l1, courseA)).assignments.find((a) => a.title === "Layers")!.extensionLocal).toMatch(/UTC/);

    const h = await C.learnerHistory(u.ta, courseA, u.l1.id);
    expect(h.entries).toHaveLength(3);
    expect(h.entries[0]).toMatchObject({ submittedVersion: dense.version, currentVersion: dense.version, adjusted: 10, lateNote: "on time" });

    const a = await C.exerciseAnalytics(u.ta, courseA, "dense");
    expect(a).toMatchObject({ learners: 2, attempted: 1, passed: 1, submissions: 3, submissionsPassed: 3 });
    expect(a.distribution[9]).toBe(1);

    // A failed check's hint is counted once per failure and comes with its key, so the page shows it in the reader's language.
    const hint = "Your output is x·w without the bias b.";
    const failed = { name: "denseForward matches the reference", status: "failed", score: 0, max_score: 5, output: `wrong\nHint: ${hint}`, hint, text: { hint: { key: templateKey(hint) } } };
    ctx.db.update(submissions).set({ score: 5, maxScore: 10, verdict: "failed", result: { score: 5, tests: [failed, failed] } as never }).where(eq(submissions.id, ids[0]!)).run();
    const withHint = await C.exerciseAnalytics(u.ta, courseA, "dense");
    expect(withHint.hints).toEqual([{ hint, text: { key: templateKey(hint) }, count: 2 }]);
    expect(renderText(withHint.hints[0]!.text!, graderCatalog("zh-CN", dense.dir))).toBe("你的输出是 x·w，缺少偏置 b。");
  });

  it("regrades only this course's learners, and its progress is readable only from this course", async () => {
    const { batchId, total } = await C.startRegrade(u.inst, courseA, { exerciseId: "dense" });
    expect(total).toBe(3);
    expect(C.regradeStatus(u.ta, courseA, batchId)).toMatchObject({ total: 3, done: 0, finished: false });
    await rejects(() => C.regradeStatus(u.inst2, courseB, batchId), 404);
    await rejects(C.startRegrade(u.inst, courseA, { exerciseId: "lstm" }), 404, /not in this course/);
    await rejects(C.startRegrade(u.inst, courseA, { exerciseId: "dense", email: "stranger@x.org" }), 404);
    expect((await C.startRegrade(u.inst, courseA, { exerciseId: "dense", email: "l2@x.org" })).total).toBe(0);
  });

  it("invite links enrol as a learner; a rotated link stops working", async () => {
    const t1 = C.inviteToken(u.inst, courseA);
    expect(C.inviteToken(u.inst, courseA)).toBe(t1);
    expect(C.joinByInvite(u.stranger, t1)).toEqual({ courseId: courseA });
    expect(C.courseRole(u.stranger, courseA)).toBe("learner");
    C.joinByInvite(u.ta, t1); // already a TA: stays a TA
    expect(C.courseRole(u.ta, courseA)).toBe("ta");
    const t2 = C.inviteToken(u.inst, courseA, true);
    expect(t2).not.toBe(t1);
    expect(() => C.joinByInvite(u.inst2, t1)).toThrow(/not valid/);
  });
});
