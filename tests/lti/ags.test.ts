// Assignment and Grade Services (issue 16.4) against the test LMS over real HTTP: the service
// token grant, the score's shape (late policy applied), a platform that answers 500 for a while
// (delivered exactly once, the newest score), overrides re-posted, a line item GradLab creates,
// failed rows with the platform's answer and the instructor's resend; the platform refuses a
// client assertion for another audience and a token without the score scope.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { ROLE } from "./platform.ts";
import { SCOPE } from "./platform-services.ts";
import { startLtiTool } from "./ags-tool.ts";

const T = await startLtiTool("lti-ags");
const { B, lms, services } = T;
const { and, eq } = await import("drizzle-orm");
const S = await import("../../db/schema.ts");
const { relayOnce, RELAY } = await import("../../server/lti/outbox.ts");
const { serviceToken } = await import("../../server/lti/ags-token.ts");
const { activeKey } = await import("../../server/lti/keys.ts");
const { findPlatform } = await import("../../server/lti/platforms.ts");
const C = await import("../../server/courses/index.ts");

const EX = "dense";
let points = 0;
let lineItem = "";
let courseId = "";
type User = { id: string; email: string; name: string; role: "learner" | "instructor" | "admin" };
let learner: User;
let instructor: User;

const userOf = (sub: string): User => {
  const link = B.db.select().from(S.ltiAccounts).where(eq(S.ltiAccounts.subject, sub)).get()!;
  const u = B.db.select().from(S.users).where(eq(S.users.id, link.userId)).get()!;
  return { id: u.id, email: u.email, name: u.name, role: u.role };
};
const passbacks = () => B.db.select().from(S.ltiPassbacks).all();
/** Relay passes until nothing is due, each at a clock far enough ahead to pass any backoff. */
async function relayUntilSettled(maxPasses = 20): Promise<number> {
  let passes = 0;
  let at = Date.now();
  for (; passes < maxPasses; passes++) {
    const r = await relayOnce(B.db, new Date(at));
    if (r.retrying === 0 && !passbacks().some((p) => p.state === "pending")) break;
    at += RELAY.maxDelayMs + 1;
  }
  return passes;
}
async function submitAndGrade(user: User, score: number): Promise<void> {
  const ex = (await B.findExercise(EX))!;
  const gate = C.submitInCourses(user, ex, `// score ${score}`);
  expect(gate.ok, JSON.stringify(gate)).toBe(true);
  T.grade(score, points, EX);
}

beforeAll(async () => {
  points = (await B.findExercise(EX))!.points;
  lineItem = services.addLineItem({ label: "Dense layer", scoreMaximum: points, resourceLinkId: "link-dense" });
  const i = await T.launch({ sub: "teach-1", roles: [ROLE.instructor], email: "prof@uni.edu", name: "Prof", claims: services.launchClaims({ resourceLinkId: "link-dense", lineItem, nrps: false }) });
  expect(i.status).toBe(303);
  const l = await T.launch({ sub: "stu-1", roles: [ROLE.learner], email: "ada@uni.edu", name: "Ada", custom: { exercise: EX }, claims: services.launchClaims({ resourceLinkId: "link-dense", lineItem, nrps: false }) });
  expect(l.location).toBe(`/exercises/${EX}`);
  learner = userOf("stu-1");
  instructor = userOf("teach-1");
  courseId = B.db.select().from(S.ltiContexts).get()!.courseId;
}, 120_000);

afterAll(() => T.stop());

describe("the launch maps the LMS course", () => {
  it("creates one GradLab course for the context, enrols both with their roles, records the link with its line item and an assignment for the exercise", () => {
    const contexts = B.db.select().from(S.ltiContexts).all();
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({ contextId: "course-1", title: "Deep Learning 101", lineItemsUrl: services.lineItemsUrl, membershipsUrl: null });
    expect(C.courseRole(learner, courseId)).toBe("learner");
    expect(C.courseRole(instructor, courseId)).toBe("instructor");
    expect(B.db.select().from(S.ltiResourceLinks).all()).toMatchObject([{ resourceLinkId: "link-dense", exerciseId: EX, lineItemUrl: lineItem }]);
    expect(B.db.select().from(S.assignments).where(eq(S.assignments.courseId, courseId)).all().map((a) => a.exerciseIds)).toEqual([[EX]]);
  });
});

describe("service tokens", () => {
  it("are granted by the platform for a JWT bearer assertion signed with GradLab's key, and cached until they expire", async () => {
    const platform = findPlatform(B.db, lms.issuer)!;
    const before = services.tokenRequests.length;
    const t1 = await serviceToken(B.db, platform, [SCOPE.score]);
    expect(services.tokenRequests.slice(before)).toEqual([{ ok: true, scopes: [SCOPE.score] }]);
    expect(await serviceToken(B.db, platform, [SCOPE.score])).toBe(t1);
    expect(services.tokenRequests.length).toBe(before + 1);
    // Past its expiry (less the margin) a new one is requested.
    const later = await serviceToken(B.db, platform, [SCOPE.score], Date.now() + 3600_000);
    expect(later).not.toBe(t1);
    expect(services.tokenRequests.length).toBe(before + 2);
  });

  it("the platform refuses an assertion for another audience, and a token without the score scope at the score service", async () => {
    const { kid, privateKey } = await activeKey(B.db);
    const assertion = await new SignJWT({}).setProtectedHeader({ alg: "RS256", kid }).setIssuer(lms.clientId).setSubject(lms.clientId).setAudience("https://other-lms.example/token").setIssuedAt().setExpirationTime("5m").setJti(randomUUID()).sign(privateKey);
    const res = await fetch(services.tokenUrl, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion, scope: SCOPE.score }) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_client");
    expect(services.tokenRequests.at(-1)).toMatchObject({ ok: false, error: expect.stringMatching(/aud/) });

    const rosterOnly = services.issueToken([SCOPE.memberships]);
    const post = await fetch(`${lineItem}/scores`, { method: "POST", headers: { authorization: `Bearer ${rosterOnly}`, "content-type": "application/vnd.ims.lis.v1.score+json" }, body: "{}" });
    expect(post.status).toBe(403);
  });
});

describe("scores", () => {
  it("a final verdict posts the gradebook's score (late policy applied) with the AGS score shape", async () => {
    // Due 36 hours ago, −10% per started day late: a full-marks submission now counts 80%.
    const a = B.db.select().from(S.assignments).where(eq(S.assignments.courseId, courseId)).get()!;
    B.db.update(S.assignments).set({ dueAt: new Date(Date.now() - 36 * 3600_000), latePolicy: { kind: "penalty", percentPerDay: 10 } }).where(eq(S.assignments.id, a.id)).run();
    await submitAndGrade(learner, points);
    expect(B.db.select().from(S.ltiScoreChanges).all()).toHaveLength(1); // written with the verdict
    const r = await relayOnce(B.db);
    expect(r).toEqual({ sent: 1, failed: 0, retrying: 0 });
    expect(services.scores).toHaveLength(1);
    const s = services.scores[0];
    expect(s).toMatchObject({ lineItem, userId: "stu-1", scoreGiven: Math.round(points * 0.8 * 1000) / 1000, scoreMaximum: points, activityProgress: "Completed", gradingProgress: "FullyGraded", contentType: "application/vnd.ims.lis.v1.score+json" });
    expect(s.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(passbacks()).toMatchObject([{ state: "sent", scoreGiven: s.scoreGiven, attempts: 1, lastError: null }]);
    // Nothing more to send.
    expect(await relayOnce(B.db)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    B.db.update(S.assignments).set({ dueAt: null, latePolicy: { kind: "none" } }).where(eq(S.assignments.id, a.id)).run();
  });

  it("while the platform answers 500 the score waits and is retried with backoff; a newer score supersedes it; delivered exactly once", async () => {
    const sent = services.scores.length;
    services.failScores = 3;
    const posts = services.scorePosts;
    await submitAndGrade(learner, points - 1);
    const first = await relayOnce(B.db);
    expect(first).toEqual({ sent: 0, failed: 0, retrying: 1 });
    const row = passbacks()[0];
    expect(row).toMatchObject({ state: "pending", attempts: 1, lastError: expect.stringMatching(/HTTP 500.*temporarily unavailable/) });
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + RELAY.baseDelayMs / 2);
    // Not due yet: the next pass now sends nothing.
    expect(await relayOnce(B.db)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    // The instructor's override arrives before the platform is back: it replaces the unsent score.
    await C.setOverride(instructor, courseId, { email: learner.email, exerciseId: EX, score: 2, comment: "partial credit for the bias" });
    await relayUntilSettled();
    expect(services.scorePosts - posts).toBe(4); // 3 × 500, then the one that arrived
    expect(services.scores.slice(sent)).toHaveLength(1);
    expect(services.scores.at(-1)).toMatchObject({ userId: "stu-1", scoreGiven: 2, scoreMaximum: points });
    expect(passbacks()).toMatchObject([{ state: "sent", scoreGiven: 2 }]);
  });

  it("an override re-posts (once, even with two relays at work), and ending it posts the computed score again", async () => {
    const sent = services.scores.length;
    await C.setOverride(instructor, courseId, { email: learner.email, exerciseId: EX, score: 4, comment: "regraded by hand" });
    // Two relays at once (two server processes): each row is claimed by one of them, sent once.
    await Promise.all([relayOnce(B.db), relayOnce(B.db)]);
    expect(services.scores.slice(sent).map((s) => s.scoreGiven)).toEqual([4]);
    await C.setOverride(instructor, courseId, { email: learner.email, exerciseId: EX, score: null, comment: "back to the autograder" });
    await relayOnce(B.db);
    expect(services.scores.slice(sent).map((s) => s.scoreGiven)).toEqual([4, points]); // best of the submissions, no late policy now
  });

  it("a regrade that lowers the scores (allowed by the instructor) posts the new score", async () => {
    const { queueRegrade } = await import("../../grader/submissions.ts");
    const sent = services.scores.length;
    const { total } = queueRegrade(B.db, { exerciseId: EX, userIds: [learner.id], allowLower: true });
    expect(total).toBeGreaterThan(1);
    for (let i = 0; i < total; i++) T.grade(points / 2, points, EX);
    await relayOnce(B.db);
    expect(services.scores.slice(sent).map((s) => s.scoreGiven)).toEqual([points / 2]); // one post for the batch's verdicts
  });

  it("a link launched without a line item gets one GradLab creates in the context's container", async () => {
    const other = "lstm";
    const l = await T.launch({ sub: "stu-1", roles: [ROLE.learner], custom: { exercise: other }, claims: services.launchClaims({ resourceLinkId: "link-lstm", title: "LSTM cell", nrps: false }) });
    expect(l.location).toBe(`/exercises/${other}`);
    const ex = (await B.findExercise(other))!;
    expect(C.submitInCourses(learner, ex, "// lstm").ok).toBe(true);
    T.grade(ex.points, ex.points, other);
    await relayOnce(B.db);
    const made = [...services.lineItems.values()].find((i) => i.resourceLinkId === "link-lstm");
    expect(made).toMatchObject({ label: "LSTM cell", scoreMaximum: ex.points, resourceId: other, tag: "gradlab" });
    expect(services.scores.at(-1)).toMatchObject({ lineItem: made!.id, userId: "stu-1", scoreGiven: ex.points, scoreMaximum: ex.points });
    expect(B.db.select().from(S.ltiResourceLinks).where(eq(S.ltiResourceLinks.resourceLinkId, "link-lstm")).get()!.lineItemUrl).toBe(made!.id);
  });

  it("a refusal fails the row with the platform's answer; the instructor sees it and resends", async () => {
    const saved = services.lineItems.get(lineItem)!;
    services.lineItems.delete(lineItem); // the LMS lost the column: 404, not worth retrying
    await C.setOverride(instructor, courseId, { email: learner.email, exerciseId: EX, score: 5, comment: "late fix accepted" });
    expect(await relayOnce(B.db)).toMatchObject({ failed: 1 });
    const res = await fetch(`${T.base}/api/courses/${courseId}/lti/passback`, { headers: { authorization: `Bearer ${await instructorToken()}` } });
    expect(res.status).toBe(200);
    const status = (await res.json()) as { passbacks: { id: number; email: string; link: string; state: string; lastError: string | null }[]; contexts: { title: string; roster: boolean }[] };
    expect(status.contexts).toMatchObject([{ title: "Deep Learning 101", grades: true, roster: false }]);
    const failed = status.passbacks.find((p) => p.link === "link-dense")!;
    expect(failed).toMatchObject({ email: learner.email, state: "failed", lastError: expect.stringMatching(/HTTP 404/) });

    // A learner may not resend.
    const denied = await fetch(`${T.base}/api/courses/${courseId}/lti/passback`, { method: "POST", headers: { authorization: `Bearer ${await tokenFor(learner.email)}`, "content-type": "application/json" }, body: JSON.stringify({ id: failed.id }) });
    expect(denied.status).toBe(403);

    services.lineItems.set(lineItem, saved);
    const resend = await fetch(`${T.base}/api/courses/${courseId}/lti/passback`, { method: "POST", headers: { authorization: `Bearer ${await instructorToken()}`, "content-type": "application/json" }, body: JSON.stringify({ id: failed.id }) });
    expect(resend.status).toBe(200);
    expect(await resend.json()).toEqual({ resent: 1 });
    await relayOnce(B.db);
    expect(services.scores.at(-1)).toMatchObject({ lineItem, scoreGiven: 5 });
    expect(B.db.select().from(S.ltiPassbacks).where(and(eq(S.ltiPassbacks.id, failed.id))).get()).toMatchObject({ state: "sent", lastError: null });
  });
});

async function tokenFor(email: string): Promise<string> {
  const A = await import("../../server/accounts.ts");
  return A.issueToken(B.auth, B.db, email);
}
const instructorToken = () => tokenFor(instructor.email);
