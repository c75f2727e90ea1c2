// Scores and courses that can be trusted (issues 10.4, 11.11, 11.12, 11.13), through the same
// workflows the pages and route handlers call: the hidden seed never reaches a learner; a second
// course is no way around the first one's attempt rules; a course instructor cannot enrol an
// existing account (and read its earlier code) without its consent, nor probe which emails have
// accounts; course staff read the result JSON of their course's submissions and nothing else;
// `gradlab token` lasts as long as it says.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.GRADLAB_DATA_DIR = mkdtempSync(join(tmpdir(), "gradlab-trust-"));

type User = import("../../server/context.ts").SessionUser;
const ctx = await import("../../server/context.ts");
const C = await import("../../server/courses/index.ts");
const B = await import("../../server/index.ts");
const A = await import("../../server/accounts.ts");
const { submissions } = await import("../../db/schema.ts");
const { eq } = await import("drizzle-orm");

const u: Record<string, User> = {};
const tokens: Record<string, string> = {};
const SEED = "hidden-seed-0123456789abcdef";
const day = 86_400_000;
const local = (d: Date) => d.toISOString().slice(0, 16); // UTC courses: local = ISO

async function user(key: string, role: "learner" | "instructor" | "admin"): Promise<void> {
  const email = `${key}@trust.org`;
  const r = await A.addUser(ctx.auth, ctx.db, email, role);
  u[key] = { id: r.id, email: r.email, name: key, role };
  tokens[key] = await A.issueToken(ctx.auth, ctx.db, email);
}

/** Pretend a worker graded the submission: a hidden check, and the seed the grader records. */
function graded(id: string, score = 7): void {
  const result = {
    exercise: "dense", score, maxScore: 10, status: "failed", stdout: "", durationMs: 1, seed: SEED, version: "v1",
    tests: [
      { name: "visible case", score: 5, maxScore: 5, status: "passed", output: "", visibility: "visible" },
      { name: "hidden batch", score: 2, maxScore: 5, status: "failed", output: "dW[3,1] expected 0.25 got 0.5", visibility: "hidden", data: { x: [1, 2] } },
    ],
  };
  const now = new Date();
  ctx.db.update(submissions).set({ result, score, maxScore: 10, verdict: "failed", startedAt: now, finishedAt: now }).where(eq(submissions.id, id)).run();
}

async function submit(who: User, exerciseId: string): Promise<string> {
  const out = await B.submit(who, { exerciseId, code: `// ${who.email} ${Math.random()}` });
  if (!out.ok) throw new Error(`submit refused: ${out.status} ${out.error}`);
  return out.id;
}

/**
 * GET /api/submissions/:id through the real route handler, with a bearer token. The handler loads
 * the server side with Node's own import (app/_lib/server-loader.ts), which vitest's module runner
 * cannot do: it gets this test's instance from the same per-process slot.
 */
(globalThis as { __gradlabBackend?: Promise<typeof B> }).__gradlabBackend = Promise.resolve(B);
async function getResultJson(id: string, token: string): Promise<{ status: number; text: string }> {
  const { GET } = await import("../../app/api/submissions/[id]/route.ts");
  const res = await GET(new Request(`http://localhost/api/submissions/${id}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ id }) });
  return { status: res.status, text: await res.text() };
}

let courseA = "";
let courseB = "";

beforeAll(async () => {
  for (const k of ["admin", "owner"]) await user(k, k === "admin" ? "admin" : "instructor");
  for (const k of ["teach", "ta", "tb", "learner", "victim"]) await user(k, "learner");
  courseA = C.createCourse(u.owner, { title: "Course A", timeZone: "UTC" }).id;
  courseB = C.createCourse(u.owner, { title: "Course B", timeZone: "UTC" }).id;
  // The admin enrols directly: teach instructs A (globally a learner), ta assists A, tb assists B.
  C.setMemberRole(u.admin, courseA, { email: u.teach.email, role: "instructor" });
  C.setMemberRole(u.admin, courseA, { email: u.ta.email, role: "ta" });
  C.setMemberRole(u.admin, courseB, { email: u.tb.email, role: "ta" });
  // The learner is in B first: B's lenient rules come first in the courses' order.
  C.setMemberRole(u.admin, courseB, { email: u.learner.email, role: "learner" });
  C.setMemberRole(u.admin, courseA, { email: u.learner.email, role: "learner" });
  const past = local(new Date(Date.now() - day));
  await C.createAssignment(u.owner, courseB, { title: "B open", exerciseIds: ["mse", "activations"], releaseAt: past });
  await C.createAssignment(u.owner, courseA, { title: "A once", exerciseIds: ["mse"], releaseAt: past, maxSubmissions: 1 });
  await C.createAssignment(u.owner, courseA, { title: "A slow", exerciseIds: ["activations"], releaseAt: past, cooldownSeconds: 3600 });
  await C.createAssignment(u.owner, courseA, { title: "A layers", exerciseIds: ["dense"], releaseAt: past });
}, 120_000);

afterAll(async () => (await import("../../db/client.ts")).closeAllDbs());

describe("10.4: the hidden seed stays on the server", () => {
  it("never reaches the learner (API, history, result JSON); the course's staff and admins keep it", async () => {
    const id = await submit(u.learner, "dense");
    graded(id);
    const own = B.readSubmission(u.learner, id)!;
    expect(own.result).not.toBeNull();
    expect(own.result!.seed).toBeUndefined();
    expect(JSON.stringify(own)).not.toContain(SEED);
    expect(own.result!.tests[1].output).toMatch(/Failed on a hidden case/);
    expect(JSON.stringify(B.history(u.learner, "dense"))).not.toContain(SEED);
    const mine = await getResultJson(id, tokens.learner);
    expect(mine.status).toBe(200);
    expect(mine.text).not.toContain(SEED);
    expect(mine.text).not.toContain("expected 0.25");

    expect(B.readSubmission(u.admin, id)!.result!.seed).toBe(SEED);
    expect(B.readSubmission(u.ta, id)!.result!.seed).toBe(SEED); // TA of the course it was made in
    const staff = await getResultJson(id, tokens.ta);
    expect(staff.status).toBe(200); // 11.13: the learner page's "result JSON" link works for a TA
    expect(JSON.parse(staff.text).result.seed).toBe(SEED);
    expect((await getResultJson(id, tokens.tb)).status).toBe(404); // TA of another course
    expect(B.readSubmission(u.teach, id)!.result!.seed).toBe(SEED);
  });
});

describe("11.11: every course's attempt rules apply", () => {
  it("a submission limit in one course is not escaped through another course that has none", async () => {
    await submit(u.learner, "mse");
    const out = await B.submit(u.learner, { exerciseId: "mse", code: "// again" });
    expect(out).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/"A once" \(Course A\): You have used all 1 submissions/) });
  });
  it("a cool-down in one course holds whatever the other course says", async () => {
    await submit(u.learner, "activations");
    const out = await B.submit(u.learner, { exerciseId: "activations", code: "// again" });
    expect(out).toMatchObject({ ok: false, status: 429, error: expect.stringMatching(/"A slow" \(Course A\): Please wait/) });
    if (!out.ok) expect(out.retryAfter).toBeGreaterThan(3500);
  });
  it("a submission is made in every course that took it", async () => {
    const gate = C.submissionGate(u.learner, "dense", new Date());
    expect(gate).toEqual({ ok: true, courseIds: [courseA] });
  });
});

describe("11.12: enrolment needs the account's consent; staff see only their course's submissions", () => {
  let earlier = "";
  it("a course instructor's 'add member' invites, and answers the same whether the email has an account or not", async () => {
    earlier = await submit(u.victim, "dense"); // in no course yet: the open catalogue
    graded(earlier, 10);
    const known = C.setMemberRole(u.teach, courseA, { email: u.victim.email, role: "learner" });
    const ghost = C.setMemberRole(u.teach, courseA, { email: "ghost@trust.org", role: "learner" });
    expect(known.status).toBe("invited");
    expect(ghost.message.replace("ghost@trust.org", "X")).toBe(known.message.replace(u.victim.email, "X"));
    expect(C.courseRole(u.victim, courseA)).toBeNull();
    expect(C.myInvitations(u.victim)).toMatchObject([{ courseId: courseA, courseTitle: "Course A", role: "learner", invitedBy: u.teach.email }]);
    expect((await C.courseDetail(u.teach, courseA)).invitations.map((i) => i.email)).toEqual(["ghost@trust.org", u.victim.email]);
  });

  it("extension and roster answers do not tell which emails have accounts; a course instructor creates no accounts", async () => {
    const [a] = (await C.courseDetail(u.teach, courseA)).assignments;
    const errorOf = (email: string) => {
      try {
        C.setExtension(u.teach, courseA, a.id, { email, until: local(new Date(Date.now() + day)) });
      } catch (e) {
        return `${(e as { status: number }).status} ${(e as Error).message.replace(email, "X")}`;
      }
      return "no error";
    };
    expect(errorOf(u.victim.email)).toBe(errorOf("nobody@trust.org"));
    const out = await C.importRoster(u.teach, courseA, `email,name,section\n${u.victim.email},Victim,A\nnew-person@trust.org,New,A\n`);
    expect(out).toMatchObject({ ok: true, enrolled: 0, created: [], invited: 2 });
    expect(ctx.db.select().from((await import("../../db/schema.ts")).users).all().map((r) => r.email)).not.toContain("new-person@trust.org");
    expect(C.courseRole(u.victim, courseA)).toBeNull();
  });

  it("after accepting, the course's staff see the submissions made in the course, not the earlier ones", async () => {
    expect(B.readSubmission(u.teach, earlier)).toBeNull();
    expect(() => C.answerInvitation(u.learner, courseA, { accept: true })).toThrow(/No invitation/);
    expect(C.answerInvitation(u.victim, courseA, { accept: true })).toEqual({ courseId: courseA, joined: true });
    expect(C.courseRole(u.victim, courseA)).toBe("learner");
    expect(C.myInvitations(u.victim)).toEqual([]);
    expect((await C.learnerHistory(u.teach, courseA, u.victim.id)).entries).toEqual([]);
    expect(B.readSubmission(u.teach, earlier)).toBeNull();
    expect((await getResultJson(earlier, tokens.ta)).status).toBe(404);
    const gb = await C.gradebook(u.teach, courseA);
    expect(gb.rows.find((r) => r.learner.email === u.victim.email)!.cells.dense).toMatchObject({ best: null, attempts: 0 });
    expect((await C.startRegrade(u.teach, courseA, { exerciseId: "dense", email: u.victim.email })).total).toBe(0);

    const now = await submit(u.victim, "dense");
    graded(now, 4);
    const h = await C.learnerHistory(u.teach, courseA, u.victim.id);
    expect(h.entries.map((e) => e.id)).toEqual([now]);
    expect(B.readSubmission(u.teach, now)!.code).toContain(u.victim.email);
    expect((await C.startRegrade(u.teach, courseA, { exerciseId: "dense", email: u.victim.email })).total).toBe(1);
  });

  it("a declined invitation enrols nobody; an admin enrols directly", async () => {
    C.setMemberRole(u.teach, courseA, { email: u.tb.email, role: "ta" });
    expect(C.answerInvitation(u.tb, courseA, { accept: false })).toEqual({ courseId: courseA, joined: false });
    expect(C.courseRole(u.tb, courseA)).toBeNull();
    C.setMemberRole(u.teach, courseA, { email: u.tb.email, role: "ta" });
    expect(C.setMemberRole(u.admin, courseA, { email: u.tb.email, role: "ta" })).toMatchObject({ status: "enrolled" });
    expect(C.courseRole(u.tb, courseA)).toBe("ta");
    expect(C.myInvitations(u.tb)).toEqual([]); // the direct enrolment answers the pending invitation
  });
});

describe("11.13: `gradlab token` lasts as long as it says", () => {
  it("a 365-day token is still valid after 30 and 360 days, not after 366, and using it does not move its expiry", async () => {
    const { token, expiresAt } = await A.issueApiToken(ctx.auth, ctx.db, u.learner.email, 365);
    expect(Math.abs(expiresAt.getTime() - (Date.now() + 365 * day))).toBeLessThan(60_000);
    const headers = new Headers({ authorization: `Bearer ${token}` });
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      for (const d of [30, 360]) {
        vi.setSystemTime(t0 + d * day);
        expect((await ctx.sessionUser(headers))?.email, `after ${d} days`).toBe(u.learner.email);
      }
      vi.setSystemTime(t0 + 366 * day);
      expect(await ctx.sessionUser(headers)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
  it("refuses a validity it cannot honour", async () => {
    await expect(A.issueApiToken(ctx.auth, ctx.db, u.learner.email, 0)).rejects.toThrow(/--days/);
  });
});
