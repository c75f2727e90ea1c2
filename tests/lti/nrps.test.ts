// Names and Role Provisioning (issue 16.5) against the test LMS over real HTTP: the roster synced
// at launch (in the background, throttled) and on demand, across pages linked by rel="next";
// members enrolled with their mapped roles; a member who leaves is marked inactive and keeps
// their enrolment row and submissions.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROLE } from "./platform.ts";
import { startLtiTool } from "./ags-tool.ts";

const T = await startLtiTool("lti-nrps");
const { B, services } = T;
const { and, eq } = await import("drizzle-orm");
const S = await import("../../db/schema.ts");
const C = await import("../../server/courses/index.ts");
const { nextLink } = await import("../../server/lti/nrps.ts");
const A = await import("../../server/accounts.ts");
const { renderText } = await import("../../lib/i18n/server-text.ts");

const roster = [
  { user_id: "teach-1", roles: [ROLE.instructor], name: "Prof Ng", email: "ng@uni.edu" },
  { user_id: "ta-1", roles: [ROLE.ta], name: "Tao", email: "tao@uni.edu" },
  { user_id: "stu-1", roles: [ROLE.learner], given_name: "Ada", family_name: "L", email: "ada@uni.edu" },
  { user_id: "stu-2", roles: [ROLE.learner], name: "Bo" },
  { user_id: "stu-3", roles: [ROLE.learner], name: "Cy", email: "cy@uni.edu" },
  { user_id: "stu-4", roles: [ROLE.learner], name: "Di", status: "Inactive" as const },
];
let courseId = "";

const accountOf = (sub: string) => B.db.select().from(S.ltiAccounts).where(eq(S.ltiAccounts.subject, sub)).get();
const roleIn = (sub: string) => {
  const a = accountOf(sub);
  return a ? B.db.select().from(S.courseMembers).where(and(eq(S.courseMembers.courseId, courseId), eq(S.courseMembers.userId, a.userId))).get()?.role ?? null : null;
};

beforeAll(async () => {
  services.members = roster.map((m) => ({ ...m }));
  services.pageSize = 2;
}, 60_000);

afterAll(() => T.stop());

describe("roster sync (NRPS)", () => {
  it("an instructor's launch syncs the roster in the background, every page, enrolling members with their roles", async () => {
    const l = await T.launch({ sub: "teach-1", roles: [ROLE.instructor], email: "ng@uni.edu", name: "Prof Ng", claims: services.launchClaims({ resourceLinkId: "link-1" }) });
    expect(l.status).toBe(303);
    courseId = B.db.select().from(S.ltiContexts).get()!.courseId;
    await vi.waitFor(() => expect(B.db.select().from(S.ltiContexts).get()!.rosterSyncedAt).not.toBeNull(), { timeout: 20_000, interval: 50 });
    expect(services.pagesServed.map((u) => new URL(u).searchParams.get("page"))).toEqual([null, "2", "3"]);
    expect(["teach-1", "ta-1", "stu-1", "stu-2", "stu-3"].map(roleIn)).toEqual(["instructor", "ta", "learner", "learner", "learner"]);
    // Inactive in the LMS and never seen: no account made for them.
    expect(accountOf("stu-4")).toBeUndefined();
    const ada = B.db.select().from(S.users).where(eq(S.users.id, accountOf("stu-1")!.userId)).get()!;
    expect(ada).toMatchObject({ name: "Ada L", email: "ada@uni.edu", role: "learner" });
    // Bo has no email: a placeholder one, never someone else's.
    expect(B.db.select().from(S.users).where(eq(S.users.id, accountOf("stu-2")!.userId)).get()!.email).toMatch(/@lti\.gradlab\.invalid$/);
    expect(C.members(courseId, "learner").length).toBe(3);
  });

  it("a later launch within the hour does not sync again", async () => {
    const served = services.pagesServed.length;
    await T.launch({ sub: "stu-1", roles: [ROLE.learner], claims: services.launchClaims({ resourceLinkId: "link-1" }) });
    // The launch has returned; a sync would have started during it.
    await new Promise<void>((r) => setImmediate(r));
    expect(services.pagesServed.length).toBe(served);
  });

  it("on demand (instructors only): a member who left is marked inactive, keeping enrolment and submissions; one who returns is active again", async () => {
    const cy = accountOf("stu-3")!.userId;
    const dense = (await B.findExercise("dense"))!;
    B.db.insert(S.assignments).values({ id: "a-dense", courseId, title: "Dense", exerciseIds: ["dense"], latePolicy: { kind: "none" }, createdAt: new Date() }).run();
    const cyUser = { id: cy, email: "cy@uni.edu", name: "Cy", role: "learner" as const };
    const sub = C.submitInCourses(cyUser, dense, "// Cy's work");
    expect(sub.ok).toBe(true);

    services.members = roster.filter((m) => m.user_id !== "stu-3");
    const learnerToken = await A.issueToken(B.auth, B.db, "ada@uni.edu");
    const denied = await fetch(`${T.base}/api/courses/${courseId}/lti/roster`, { method: "POST", headers: { authorization: `Bearer ${learnerToken}`, "content-type": "application/json" }, body: "{}" });
    expect(denied.status).toBe(403);

    const token = await A.issueToken(B.auth, B.db, "ng@uni.edu");
    const sync = () => fetch(`${T.base}/api/courses/${courseId}/lti/roster`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });
    const res = await sync();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ members: 5, enrolled: 4, accountsCreated: 0, inactive: 1 });
    const membership = () => B.db.select().from(S.ltiMemberships).where(eq(S.ltiMemberships.userId, cy)).get()!.status;
    expect(membership()).toBe("inactive");
    expect(roleIn("stu-3")).toBe("learner"); // enrolment row kept: the gradebook still shows Cy's work
    expect(B.db.select().from(S.submissions).where(eq(S.submissions.id, sub.id!)).get()).toBeDefined();
    expect(B.db.select().from(S.submissionCourses).where(eq(S.submissionCourses.submissionId, sub.id!)).get()).toMatchObject({ courseId });

    // Gone from the LMS course: no more submissions there, in the learner's language; the work above stays.
    const refused = C.submitInCourses(cyUser, dense, "// Cy's later work");
    expect(refused).toMatchObject({ ok: false, status: 403 });
    if (refused.ok) throw new Error("unreachable");
    expect(refused.text).toEqual([{ code: "errors.gate.leftLms", params: { assignment: "Dense", course: expect.any(String) } }]);
    expect(refused.error).toMatch(/no longer enrolled in this course in your LMS.*ask your instructor/);
    expect(renderText(refused.text, "zh-CN")).toMatch(/^“Dense”（.*）：你已不在学习管理系统（LMS）的该课程中.*请联系教师/);
    const cySubmissions = () => B.db.select().from(S.submissions).where(eq(S.submissions.userId, cy)).all().length;
    expect(cySubmissions()).toBe(1);
    // The exercise page says so before the learner tries (the rules card), and stops saying it once they are back.
    const leftLms = async () => (await C.exerciseCourseRules(cyUser, "dense")).map((r) => r.leftLms);
    expect(await leftLms()).toEqual([true]);

    services.members = roster.map((m) => ({ ...m }));
    expect(await (await sync()).json()).toMatchObject({ members: 6, inactive: 0 });
    expect(membership()).toBe("active");
    expect(await leftLms()).toEqual([false]);
    expect(C.submitInCourses(cyUser, dense, "// Cy is back").ok).toBe(true);

    // A launch from the LMS makes a member active again too.
    B.db.update(S.ltiMemberships).set({ status: "inactive" }).where(eq(S.ltiMemberships.userId, cy)).run();
    expect(C.submitInCourses(cyUser, dense, "// refused").ok).toBe(false);
    await T.launch({ sub: "stu-3", roles: [ROLE.learner], email: "cy@uni.edu", name: "Cy", claims: services.launchClaims({ resourceLinkId: "link-1" }) });
    expect(membership()).toBe("active");
    expect(C.submitInCourses(cyUser, dense, "// Cy launched again").ok).toBe(true);
    expect(cySubmissions()).toBe(3);
  });

  it("reads the next page from a Link header with several relations", () => {
    const base = "https://lms.example/nrps/memberships?page=2";
    expect(nextLink('<https://lms.example/nrps/memberships?page=1>; rel="prev", <https://lms.example/nrps/memberships?page=3>; rel="next"', base)).toBe("https://lms.example/nrps/memberships?page=3");
    expect(nextLink('</nrps/memberships?page=3>; rel="next last"', base)).toBe("https://lms.example/nrps/memberships?page=3");
    expect(nextLink('<https://lms.example/nrps/memberships?page=1>; rel="first"', base)).toBeNull();
    expect(nextLink(null, base)).toBeNull();
  });
});
