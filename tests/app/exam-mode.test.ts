// Exam mode (issue 15 item 3), on the real SQLite database through the workflows and the route
// handler: before the release time a learner's GET /api/submissions/:id, history, progress, course
// page and rules panel hold no score, verdict, check name or output; staff see everything; after
// the release the learner sees the (redacted) result; a per-learner time window from the first
// open closes submissions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUnderTest, type User } from "./server-under-test.ts";

const { ctx, C, B, A } = await serverUnderTest("exam", { GRADLAB_MAX_QUEUED_PER_LEARNER: "20" });
const { submissions, assignments, assignmentOpens } = await import("../../db/schema.ts");
const { eq } = await import("drizzle-orm");

const u: Record<string, User> = {};
const tokens: Record<string, string> = {};
const day = 86_400_000;
const local = (d: Date) => d.toISOString().slice(0, 16); // UTC course: local = ISO
let course = "";
let examId = "";

async function user(key: string, role: "learner" | "instructor" | "admin"): Promise<void> {
  const r = await A.addUser(ctx.auth, ctx.db, `${key}@exam.org`, role);
  u[key] = { id: r.id, email: r.email, name: key, role };
  tokens[key] = await A.issueToken(ctx.auth, ctx.db, r.email);
}

const CHECK = "dW matches tf.grad";
const OUTPUT = "dW[3,1] expected 0.25 got 0.5";
function graded(id: string): void {
  const result = {
    exercise: "dense", score: 7, maxScore: 10, status: "failed", stdout: "printed", durationMs: 1,
    tests: [
      { name: CHECK, score: 5, maxScore: 5, status: "passed", output: "", visibility: "visible" },
      { name: "hidden batch", score: 2, maxScore: 5, status: "failed", output: OUTPUT, visibility: "hidden" },
    ],
  };
  const now = new Date();
  ctx.db.update(submissions).set({ result, score: 7, maxScore: 10, verdict: "failed", startedAt: now, finishedAt: now }).where(eq(submissions.id, id)).run();
}

(globalThis as { __gradlabBackend?: Promise<typeof B> }).__gradlabBackend = Promise.resolve(B);
async function apiGet(id: string, token: string): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const { GET } = await import("../../app/api/submissions/[id]/route.ts");
  const res = await GET(new Request(`http://localhost/api/submissions/${id}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ id }) });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, text };
}

function setFeedbackAt(at: Date | null): void {
  ctx.db.update(assignments).set({ feedbackAt: at }).where(eq(assignments.id, examId)).run();
}

beforeAll(async () => {
  await user("inst", "instructor");
  await user("ada", "learner");
  await user("bob", "learner");
  await user("admin", "admin");
  course = C.createCourse(u.inst, { title: "Exam 101", timeZone: "UTC" }).id;
  // The admin enrols directly (no invitation round trip).
  C.setMemberRole(u.admin, course, { email: u.ada.email, role: "learner" });
  C.setMemberRole(u.admin, course, { email: u.bob.email, role: "learner" });
  examId = (await C.createAssignment(u.inst, course, { title: "Midterm", exerciseIds: ["dense"], releaseAt: local(new Date(Date.now() - day)) })).id;
}, 60_000);

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

describe("exam settings", () => {
  it("instructors set them (checked), TAs and learners may not", async () => {
    const when = local(new Date(Date.now() + day));
    expect(C.setExamSettings(u.inst, course, examId, { feedbackAt: when, timeLimitMinutes: "90" })).toMatchObject({ feedbackLocal: expect.any(String), timeLimitMinutes: 90 });
    expect(C.readExamSettings(u.inst, course, examId).feedbackAt).toBe(new Date(`${when}:00Z`).getTime());
    expect(() => C.setExamSettings(u.ada, course, examId, { feedbackAt: "" })).toThrow(/instructors/);
    expect(() => C.setExamSettings(u.inst, course, examId, { feedbackAt: "tomorrow" })).toThrow(/'feedbackAt' is wrong/);
    expect(() => C.setExamSettings(u.inst, course, examId, { timeLimitMinutes: "20000" })).toThrow(/at most a week/);
    C.setExamSettings(u.inst, course, examId, { feedbackAt: when, timeLimitMinutes: "" });
  });
});

describe("feedback released at a set time", () => {
  let id = "";
  beforeAll(async () => {
    const out = await B.submit(u.ada, { exerciseId: "dense", code: "export const x = 1;" });
    if (!out.ok) throw new Error(out.error);
    id = out.id;
    graded(id);
  });

  it("before it, the learner's GET /api/submissions/:id holds no check names, outputs or score", async () => {
    const r = await apiGet(id, tokens.ada);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id, status: "done", result: null, feedbackAt: expect.any(Number) });
    expect(r.json.feedbackAt).toBeGreaterThan(Date.now());
    for (const leak of [CHECK, "hidden batch", OUTPUT, "printed", '"score"', "failed", "passed"]) expect(r.text).not.toContain(leak);
  });

  it("nor do the history, progress, the course page or the rules panel", async () => {
    const h = B.history(u.ada, "dense");
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ score: null, maxScore: null, result: null });
    expect(B.progress(u.ada.id).get("dense")).toEqual({ best: 0, attempts: 1 });
    expect((await C.courseDetail(u.ada, course)).myScores.dense).toEqual({ best: null, attempts: 1, overridden: false });
    const rules = await C.exerciseCourseRules(u.ada, "dense");
    expect(rules[0].recorded).toBeNull();
    expect(rules[0].submissions.map((s) => [s.raw, s.recorded])).toEqual([[null, null]]);
    expect(rules[0].exam.feedbackAt).toBeGreaterThan(Date.now());
  });

  it("an override's score waits for the release too", async () => {
    await C.setOverride(u.inst, course, { email: u.ada.email, exerciseId: "dense", score: 9, comment: "Good derivation" });
    expect((await C.courseDetail(u.ada, course)).feedback.overrides).toEqual([]);
    expect(C.withholdOverrides(C.myFeedback(u.ada, course), u.ada.id).overrides).toEqual([]);
    await C.setOverride(u.inst, course, { email: u.ada.email, exerciseId: "dense", score: null, comment: "back to the autograder" });
  });

  it("so does a staff comment on the submission", async () => {
    C.commentOnSubmission(u.inst, course, id, { body: "Your bias gradient sums over the wrong axis" });
    expect((await C.courseDetail(u.ada, course)).feedback.comments).toEqual([]);
    expect(C.myFeedback(u.ada, course).comments.map((c) => c.body)).toEqual(["Your bias gradient sums over the wrong axis"]);
  });

  it("staff see everything meanwhile", async () => {
    const r = await apiGet(id, tokens.inst);
    expect(r.text).toContain(OUTPUT);
    expect(r.json.feedbackAt).toBeUndefined();
    expect((await C.gradebook(u.inst, course)).rows.find((x) => x.learner.email === u.ada.email)!.cells.dense.best).toBe(7);
  });

  it("after it, the learner sees the result (hidden details still withheld)", async () => {
    setFeedbackAt(new Date(Date.now() - 1000));
    const r = await apiGet(id, tokens.ada);
    expect(r.json.feedbackAt).toBeUndefined();
    expect(r.text).toContain(CHECK);
    expect(r.text).not.toContain(OUTPUT);
    expect((r.json.result as { score: number }).score).toBe(7);
    expect(B.progress(u.ada.id).get("dense")!.best).toBe(7);
    expect((await C.courseDetail(u.ada, course)).myScores.dense.best).toBe(7);
  });
});

describe("a time window from the first open", () => {
  it("starts at the first open, is not restarted by a second, and closes submissions when over", async () => {
    setFeedbackAt(null);
    C.setExamSettings(u.inst, course, examId, { feedbackAt: "", timeLimitMinutes: "30" });
    const t0 = new Date(Date.now() - 40 * 60_000);
    C.startExamWindows(u.bob, "dense", t0);
    C.startExamWindows(u.bob, "dense", new Date()); // a later open keeps the first
    const a = ctx.db.select().from(assignments).where(eq(assignments.id, examId)).get()!;
    expect(C.examWindow(a, u.bob.id)).toEqual({ openedAt: t0, endsAt: new Date(t0.getTime() + 30 * 60_000), minutes: 30 });
    const refused = await B.submit(u.bob, { exerciseId: "dense", code: "export const late = 1;" });
    expect(refused).toMatchObject({ ok: false, status: 403 });
    expect(!refused.ok && refused.error).toMatch(/your 30 minutes from first opening it ended .* no more submissions/);
    // Inside the window: accepted.
    ctx.db.update(assignmentOpens).set({ openedAt: new Date(Date.now() - 10 * 60_000) }).where(eq(assignmentOpens.userId, u.bob.id)).run();
    expect((await B.submit(u.bob, { exerciseId: "dense", code: "export const ok = 1;" })).ok).toBe(true);
    expect((await C.exerciseCourseRules(u.bob, "dense"))[0].exam).toMatchObject({ minutes: 30, endsAt: expect.any(Number) });
  });

  it("a submission made without opening the page starts the window", async () => {
    const before = C.examWindow(ctx.db.select().from(assignments).where(eq(assignments.id, examId)).get()!, u.ada.id);
    expect(before?.openedAt).toBeNull();
    expect((await B.submit(u.ada, { exerciseId: "dense", code: "export const again = 1;" })).ok).toBe(true);
    const after = C.examWindow(ctx.db.select().from(assignments).where(eq(assignments.id, examId)).get()!, u.ada.id);
    expect(after?.openedAt).toBeInstanceOf(Date);
  });
});
