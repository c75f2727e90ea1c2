// The course rules on the exercise page (issue 12.4-12.5), through the workflows the page and the
// route handlers call: each course counts only the attempts made in it (work from before the
// learner joined costs none and is never scored late), what a submission now would cost, the
// cool-down, the extension, and a late submission's recorded score, which the exercise page, the
// course page and the gradebook all agree on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-course-rules-"));
process.env.GRADLAB_MAX_QUEUED_PER_LEARNER = "20"; // no worker runs here: graded() stands in for one, the jobs stay queued

type User = import("../../server/context.ts").SessionUser;
const ctx = await import("../../server/context.ts");
const C = await import("../../server/courses/index.ts");
const B = await import("../../server/index.ts");
const A = await import("../../server/accounts.ts");
const { submissionCostNow, countdown, attemptStanding } = await import("../../lib/course/course-rules.ts");
const { formatInZone } = await import("../../lib/course/dates.ts");
const { submissions } = await import("../../db/schema.ts");
const { eq } = await import("drizzle-orm");

const u: Record<string, User> = {};
const day = 86_400_000;
const t0 = Date.now();
const DUE = new Date(Math.floor((t0 - 2 * day + 3_600_000) / 60_000) * 60_000); // 1 h short of 2 days ago: 2 days late now
let paris = "";
let tokyo = "";

async function user(key: string, role: "learner" | "instructor" | "admin"): Promise<void> {
  const r = await A.addUser(ctx.auth, ctx.db, `${key}@rules.org`, role);
  u[key] = { id: r.id, email: r.email, name: key, role };
}

/** Pretend a worker graded the submission (maxScore 0: GradLab could not grade it). */
function graded(id: string, score: number, maxScore = 10): void {
  const now = new Date();
  const result = { exercise: "dense", score, maxScore, status: maxScore === 0 ? "error" : score === maxScore ? "passed" : "failed", tests: [], stdout: "", durationMs: 1 };
  ctx.db.update(submissions).set({ result, score, maxScore, verdict: result.status, startedAt: now, finishedAt: now }).where(eq(submissions.id, id)).run();
}

async function submit(who: User): Promise<string> {
  const out = await B.submit(who, { exerciseId: "dense", code: `// ${Math.random()}` });
  if (!out.ok) throw new Error(`submit refused: ${out.status} ${out.error}`);
  return out.id;
}

const rulesOf = async (courseId: string, now = new Date()) => (await C.exerciseCourseRules(u.lee, "dense", now)).find((r) => r.courseId === courseId)!;

beforeAll(async () => {
  await user("admin", "admin");
  await user("owner", "instructor");
  await user("lee", "learner");
  // Before joining any course, in the open catalogue: two full-mark attempts, both after the due date to come.
  for (let i = 0; i < 2; i++) graded(await submit(u.lee), 10);
  paris = C.createCourse(u.owner, { title: "Paris course", timeZone: "Europe/Paris" }).id;
  tokyo = C.createCourse(u.owner, { title: "Tokyo course", timeZone: "Asia/Tokyo" }).id;
  const parisLocal = (d: Date) => formatInZone(d, "Europe/Paris").slice(0, 16).replace(" ", "T");
  const tokyoLocal = (d: Date) => formatInZone(d, "Asia/Tokyo").slice(0, 16).replace(" ", "T");
  await C.createAssignment(u.owner, paris, { title: "Layers", exerciseIds: ["dense"], releaseAt: parisLocal(new Date(t0 - 5 * day)), dueAt: parisLocal(DUE), latePolicy: { kind: "penalty", percentPerDay: 10 }, maxSubmissions: 2, cooldownSeconds: 600 });
  await C.createAssignment(u.owner, tokyo, { title: "Week 3", exerciseIds: ["dense"], releaseAt: tokyoLocal(new Date(t0 - 5 * day)), dueAt: tokyoLocal(new Date(t0 + 3 * day)) });
  for (const c of [paris, tokyo]) C.setMemberRole(u.admin, c, { email: u.lee.email, role: "learner" });
}, 120_000);

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

describe("12.5: attempts from before joining do not count", () => {
  it("the gate lets the learner submit although two attempts were made before joining a course that allows two", () => {
    const gate = C.submissionGate(u.lee, "dense", new Date());
    expect(gate.ok).toBe(true);
    if (gate.ok) expect([...gate.courseIds].sort()).toEqual([paris, tokyo].sort());
  });

  it("the page shows no attempt used, nothing recorded, and which attempt counts", async () => {
    const r = await rulesOf(paris);
    expect(r.attempts).toEqual({ used: 0, max: 2, left: 2, retryAt: null });
    expect(r.recorded).toBeNull();
    expect(r.submissions).toEqual([]);
    expect(r.counted).toMatch(/best attempt made in this course.*before you joined/);
    const gb = await C.gradebook(u.owner, paris);
    expect(gb.rows.find((x) => x.learner.email === u.lee.email)!.cells.dense).toMatchObject({ best: null, attempts: 0, late: false });
  });
});

describe("12.4: the rules of each course, on the exercise page", () => {
  it("lists every course that sets the exercise, with its due date in its zone, policy and what submitting now costs", async () => {
    const all = await C.exerciseCourseRules(u.lee, "dense");
    expect(all.map((r) => [r.courseTitle, r.assignmentTitle, r.timeZone])).toEqual([["Paris course", "Layers", "Europe/Paris"], ["Tokyo course", "Week 3", "Asia/Tokyo"]]);
    const p = all[0];
    expect(p.dueAt).toBe(DUE.getTime());
    expect(p.dueLocal).toBe(formatInZone(DUE, "Europe/Paris"));
    expect(p.latePolicyText).toBe("−10% per day late");
    expect(p.extensionLocal).toBeNull();
    const now = new Date();
    expect(submissionCostNow({ policy: p.latePolicy, dueAt: new Date(p.dueAt!), maxScore: p.points, now }).text).toBe("submitting now: 2 days late: −20%, max 8/10");
    expect(submissionCostNow({ policy: all[1].latePolicy, dueAt: new Date(all[1].dueAt!), maxScore: 10, now }).text).toBe("submitting now: on time, max 10/10");
    expect(submissionCostNow({ policy: { kind: "cutoff" }, dueAt: DUE, maxScore: 10, now }).text).toBe("submitting now: not accepted (2 days late: after the hard cutoff, not counted)");
  });

  it("a late submission is recorded with its penalty; the exercise page, the course page and the gradebook agree", async () => {
    const id = await submit(u.lee);
    graded(id, 10);
    const p = await rulesOf(paris);
    expect(p.submissions).toEqual([{ id, createdAt: expect.any(Number), raw: 10, note: "2 days late: −20%", penaltyPercent: 20, accepted: true, recorded: 8, countsAsAttempt: true }]);
    expect(p.recorded).toBe(8);
    expect(p.attempts).toMatchObject({ used: 1, max: 2, left: 1 });
    const cell = (await C.gradebook(u.owner, paris)).rows.find((x) => x.learner.email === u.lee.email)!.cells.dense;
    expect(cell).toMatchObject({ best: p.recorded, bestRaw: 10, attempts: p.attempts.used, late: true });
    expect((await C.courseDetail(u.lee, paris)).myScores.dense).toEqual({ best: cell.best, attempts: cell.attempts, overridden: false });
    const csv = await C.gradebookCsvFor(u.owner, paris);
    expect(csv.csv.split("\n").find((l) => l.startsWith(`,${u.lee.email}`))).toMatch(/,8,\d+,late,8$/);
    // The same submission is on time in the other course, and recorded in full there.
    const t = await rulesOf(tokyo);
    expect(t.submissions[0]).toMatchObject({ id, note: "on time", recorded: 10 });
    expect((await C.courseDetail(u.lee, tokyo)).myScores.dense).toEqual({ best: 10, attempts: 1, overridden: false });
  });

  it("the cool-down runs from the last attempt made in the course and is what the gate enforces", async () => {
    const p = await rulesOf(paris);
    const last = p.submissions[0].createdAt;
    expect(p.attempts.retryAt).toBe(last + 600_000);
    const refused = C.submissionGate(u.lee, "dense", new Date(last + 599_000));
    expect(refused).toMatchObject({ ok: false, status: 429, retryAfter: 1, error: expect.stringMatching(/"Layers" \(Paris course\): Please wait 1 s/) });
    expect(C.submissionGate(u.lee, "dense", new Date(last + 600_000)).ok).toBe(true);
    expect((await rulesOf(paris, new Date(last + 600_000))).attempts.retryAt).toBeNull();
  });

  it("a 'could not grade' verdict costs no attempt on the page, in the gate or in the gradebook", async () => {
    const later = new Date(Date.now() + 601_000);
    const gate = C.submitInCourses(u.lee, (await ctx.findExercise("dense"))!, "// ours", later);
    expect(gate.ok).toBe(true);
    graded(gate.id!, 0, 0);
    const p = await rulesOf(paris, later);
    expect(p.attempts).toMatchObject({ used: 1, left: 1 });
    expect(p.submissions[0]).toMatchObject({ id: gate.id, recorded: null, countsAsAttempt: false, note: "not graded: costs no attempt" });
    expect((await C.gradebook(u.owner, paris)).rows.find((x) => x.learner.email === u.lee.email)!.cells.dense.attempts).toBe(1);
  });

  it("an extension moves the due date: shown in the course's zone, submitting now is on time, the late attempt is recorded in full", async () => {
    const until = new Date(Math.floor((Date.now() + day) / 60_000) * 60_000);
    await C.setExtension(u.owner, paris, (await C.courseDetail(u.owner, paris)).assignments[0].id, { email: u.lee.email, until: formatInZone(until, "Europe/Paris").slice(0, 16).replace(" ", "T") });
    const p = await rulesOf(paris);
    expect(p.extensionUntil).toBe(until.getTime());
    expect(p.extensionLocal).toBe(formatInZone(until, "Europe/Paris"));
    expect(submissionCostNow({ policy: p.latePolicy, dueAt: new Date(p.dueAt!), extensionUntil: new Date(p.extensionUntil!), maxScore: 10, now: new Date() }).text).toBe("submitting now: on time, max 10/10");
    expect(p.recorded).toBe(10);
    expect((await C.gradebook(u.owner, paris)).rows.find((x) => x.learner.email === u.lee.email)!.cells.dense).toMatchObject({ best: 10, late: false });
  });

  it("the second course's limit is reached only by attempts made in it", async () => {
    const p = await rulesOf(paris, new Date(Date.now() + 601_000));
    expect(p.attempts.left).toBe(1);
    graded((C.submitInCourses(u.lee, (await ctx.findExercise("dense"))!, "// last", new Date(Date.now() + 601_000)) as { id: string }).id, 9);
    const refused = C.submissionGate(u.lee, "dense", new Date(Date.now() + 1_300_000));
    expect(refused).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/"Layers" \(Paris course\): You have used all 2 submissions/) });
  });
});

describe("course-rules helpers", () => {
  it("counts down and stands attempts", () => {
    expect(countdown(65_000)).toBe("1:05");
    expect(countdown(3_725_000)).toBe("1:02:05");
    expect(countdown(-5)).toBe("0:00");
    const now = new Date(1_000_000);
    expect(attemptStanding({ maxSubmissions: null, cooldownSeconds: 60 }, [new Date(990_000), new Date(950_000)], now)).toEqual({ used: 2, max: null, left: null, retryAt: new Date(1_050_000) });
    expect(attemptStanding({ maxSubmissions: 1, cooldownSeconds: null }, [new Date(990_000), new Date(950_000)], now)).toEqual({ used: 2, max: 1, left: 0, retryAt: null });
  });
});
