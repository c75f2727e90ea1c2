// Scores that change without a verdict follow to the LMS (issue 16.4): an instructor's edit of an
// assignment's due date or late policy, and an extension, re-post the scores they change, and
// only those; an edit that changes no recorded score (a title, a cool-down, a learner with
// nothing late) posts nothing. A whole-assignment link re-posts when the assignment's exercises
// change (its sum and maximum move although no exercise's score did).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatInTimeZone } from "date-fns-tz";
import { ROLE } from "./platform.ts";
import { startLtiTool } from "./ags-tool.ts";

const T = await startLtiTool("lti-rescore");
const { B, services } = T;
const { eq } = await import("drizzle-orm");
const S = await import("../../db/schema.ts");
const { relayOnce } = await import("../../server/lti/outbox.ts");
const C = await import("../../server/courses/index.ts");

const EX = "dense";
const hour = 3600_000;
let points = 0;
let lineItem = "";
let courseId = "";
let assignmentId = "";
type User = { id: string; email: string; name: string; role: "learner" | "instructor" | "admin" };
const users: Record<string, User> = {};

const userOf = (sub: string): User => {
  const link = B.db.select().from(S.ltiAccounts).where(eq(S.ltiAccounts.subject, sub)).get()!;
  const u = B.db.select().from(S.users).where(eq(S.users.id, link.userId)).get()!;
  return { id: u.id, email: u.email, name: u.name, role: u.role };
};
/** The course's time zone is UTC (an LMS course's default): the editor's wall-clock text. */
const local = (d: Date) => formatInTimeZone(d, "UTC", "yyyy-MM-dd'T'HH:mm");
const edit = (body: Record<string, unknown>) => C.updateAssignment(users.prof, courseId, assignmentId, body);
const extend = (who: User, until: Date | null) => C.setExtension(users.prof, courseId, assignmentId, { email: who.email, until: until ? local(until) : "" });
/** The scores the relay posts now: [LMS user id, score given] (to `toLineItem`, the dense link's line item unless told). */
async function posted(toLineItem?: string): Promise<[string, number][]> {
  const before = services.scores.length;
  await relayOnce(B.db);
  return services.scores.slice(before).filter((s) => s.lineItem === (toLineItem ?? lineItem)).map((s) => [s.userId, s.scoreGiven]);
}
/** Every score the relay posts now: [line item, LMS user id, given, maximum]. */
async function postedAll(): Promise<[string, string, number, number][]> {
  const before = services.scores.length;
  await relayOnce(B.db);
  return services.scores.slice(before).map((s) => [s.lineItem, s.userId, s.scoreGiven, s.scoreMaximum]);
}
const pct = (f: number) => Math.round(points * f * 1000) / 1000;

beforeAll(async () => {
  points = (await B.findExercise(EX))!.points;
  lineItem = services.addLineItem({ label: "Dense layer", scoreMaximum: points, resourceLinkId: "link-dense" });
  const claims = () => services.launchClaims({ resourceLinkId: "link-dense", lineItem, nrps: false });
  await T.launch({ sub: "teach-1", roles: [ROLE.instructor], email: "prof@uni.edu", name: "Prof", claims: claims() });
  await T.launch({ sub: "stu-ada", roles: [ROLE.learner], email: "ada@uni.edu", name: "Ada", custom: { exercise: EX }, claims: claims() });
  await T.launch({ sub: "stu-bo", roles: [ROLE.learner], email: "bo@uni.edu", name: "Bo", custom: { exercise: EX }, claims: claims() });
  users.prof = userOf("teach-1");
  users.ada = userOf("stu-ada");
  users.bo = userOf("stu-bo");
  courseId = B.db.select().from(S.ltiContexts).get()!.courseId;
  assignmentId = B.db.select().from(S.assignments).where(eq(S.assignments.courseId, courseId)).get()!.id;
}, 120_000);

afterAll(() => T.stop());

describe("edits that change recorded scores re-post them to the LMS", () => {
  it("before any submission an edit queues nothing; the verdicts post the late-policy scores", async () => {
    // Due 36 hours ago, −10% per started day late; Bo has an extension, Ada has none.
    await edit({ dueAt: local(new Date(Date.now() - 36 * hour)), latePolicy: { kind: "penalty", percentPerDay: 10 } });
    await extend(users.bo, new Date(Date.now() + 24 * hour));
    expect(B.db.select().from(S.ltiScoreChanges).all()).toEqual([]);
    const ex = (await B.findExercise(EX))!;
    for (const u of [users.ada, users.bo]) {
      expect(C.submitInCourses(u, ex, "// full marks").ok).toBe(true);
      T.grade(points, points, EX);
    }
    expect((await posted()).sort()).toEqual([["stu-ada", pct(0.8)], ["stu-bo", points]]);
  });

  it("an edit that changes no recorded score posts nothing", async () => {
    const out = await edit({ title: "Dense layer (renamed)", cooldownSeconds: "30" });
    expect(out.changes).toHaveLength(2);
    expect(B.db.select().from(S.ltiScoreChanges).all()).toEqual([]);
    expect(await posted()).toEqual([]);
  });

  it("a gentler late policy re-posts the late learner's score only", async () => {
    await edit({ latePolicy: { kind: "penalty", percentPerDay: 5 } });
    expect(B.db.select().from(S.ltiScoreChanges).all()).toMatchObject([{ courseId, userId: users.ada.id, exerciseId: EX, submissionId: null }]);
    expect(await posted()).toEqual([["stu-ada", pct(0.9)]]);
  });

  it("a later due date re-posts, and moving it back re-posts again", async () => {
    await edit({ dueAt: local(new Date(Date.now() + 24 * hour)) });
    expect(await posted()).toEqual([["stu-ada", points]]);
    await edit({ dueAt: local(new Date(Date.now() - 36 * hour)) });
    expect(await posted()).toEqual([["stu-ada", pct(0.9)]]);
  });

  it("an extension re-posts that learner's score; removing one re-posts too, and an edit that changes nothing posts nothing", async () => {
    await extend(users.ada, new Date(Date.now() + 24 * hour));
    expect(await posted()).toEqual([["stu-ada", points]]);
    // Bo's extension made him on time; the due date is past, so removing it makes him late.
    await extend(users.bo, null);
    expect(await posted()).toEqual([["stu-bo", pct(0.9)]]);
    await extend(users.bo, null);
    expect(await posted()).toEqual([]);
  });
});

describe("a whole-assignment link follows the assignment's exercises", () => {
  it("adding an exercise re-posts the link's sum with the new maximum; removing it again re-posts without it; the per-exercise link posts nothing", async () => {
    const other = "mse";
    const otherPoints = (await B.findExercise(other))!.points;
    const wholeItem = services.addLineItem({ label: "Layers (all)", scoreMaximum: points, resourceLinkId: "link-all" });
    const claims = services.launchClaims({ resourceLinkId: "link-all", lineItem: wholeItem, nrps: false });
    await T.launch({ sub: "stu-ada", roles: [ROLE.learner], email: "ada@uni.edu", name: "Ada", custom: { assignment: assignmentId }, claims });
    expect(await postedAll()).toEqual([]);
    const adaScore = pct(1); // Ada's extension makes her on time (the test above)
    const boScore = pct(0.9);

    await edit({ exerciseIds: [EX, other], cooldownSeconds: "" });
    expect((await postedAll()).sort()).toEqual([
      [wholeItem, "stu-ada", adaScore, points + otherPoints],
      [wholeItem, "stu-bo", boScore, points + otherPoints],
    ]);
    // A verdict on the added exercise reaches the whole link (and no per-exercise link).
    expect(C.submitInCourses(users.ada, (await B.findExercise(other))!, "// full marks").ok).toBe(true);
    T.grade(otherPoints, otherPoints, other);
    expect(await postedAll()).toEqual([[wholeItem, "stu-ada", adaScore + otherPoints, points + otherPoints]]);

    await edit({ exerciseIds: [EX] });
    expect((await postedAll()).sort()).toEqual([
      [wholeItem, "stu-ada", adaScore, points],
      [wholeItem, "stu-bo", boScore, points],
    ]);
    // Nothing changed the second time: nothing posted.
    await edit({ exerciseIds: [EX] });
    expect(await postedAll()).toEqual([]);
  });
});
