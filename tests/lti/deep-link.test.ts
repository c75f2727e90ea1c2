// LTI Deep Linking 2.0 (issue 16.3) against the test LMS over real HTTP: an instructor's
// LtiDeepLinkingRequest opens GradLab's picker, the pick comes back as an LtiDeepLinkingResponse
// JWT that the platform verifies against GradLab's JWKS (signature, iss, aud, data echoed, content
// items with line items), and a learner's launch of a returned link opens its exercise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { B, Browser, formOf, launch, postForm, startTool, type Tool } from "./tool-harness.ts";
import { ROLE, TestPlatform } from "./platform.ts";
import { DeepLinkPlatform, type ContentItem } from "./platform-deep-link.ts";

const { eq } = await import("drizzle-orm");
const { assignments, courseMembers, courses, ltiContexts } = await import("../../db/schema.ts");

const CLAIM = "https://purl.imsglobal.org/spec/lti/claim/";
const DL = "https://purl.imsglobal.org/spec/lti-dl/claim/";

let tool: Tool;
const lms = new TestPlatform();
let dl: DeepLinkPlatform;
const [exA, exB, exC, exD] = ["dense", "activations", "dropout", "embedding"];

beforeAll(async () => {
  tool = await startTool();
  await lms.start();
  dl = new DeepLinkPlatform(lms, `${tool.base}/api/lti/jwks`);
  B.lti.platforms.register({ id: "root", role: "admin" } as Parameters<typeof B.lti.platforms.register>[0], lms.registration());
}, 60_000);

afterAll(async () => {
  await tool.close();
  await lms.stop();
  (await import("../../db/client.ts")).closeAllDbs();
});

const instructor = { sub: "prof-1", roles: [ROLE.instructor], name: "Prof Ada", email: "prof@uni.edu" };

/** An instructor's deep-linking launch: GradLab answers with the picker's URL and a session. */
async function openPicker(spec = dl.request({ ...instructor, data: "opaque-csrf-data-42" })) {
  const l = await launch(tool, lms, spec);
  expect(l.res.status, l.body).toBe(303);
  const location = l.res.headers.get("location")!;
  expect(location).toMatch(/^\/lti\/deep-link\?s=/);
  const s = new URL(location, tool.base).searchParams.get("s")!;
  return { ...l, s };
}

/** Posts a pick; for a good one returns GradLab's auto-post page's form. */
async function pick(browser: Browser, fields: [string, string][]) {
  const res = await postForm(tool, browser, "/api/lti/deep-link", fields);
  return { res, body: await res.text() };
}

/** The browser posts the auto-post page's form to the LMS, as its script does. */
async function returnToLms(body: string) {
  const form = formOf(body);
  expect(form.action).toBe(dl.returnUrl);
  const res = await fetch(form.action!, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form.fields).toString() });
  return { res, received: dl.received.at(-1)!, jwt: form.fields.JWT };
}

describe("deep linking from the LMS", () => {
  let items: ContentItem[] = [];

  it("an instructor picks two exercises; the LMS receives two resource links, signed by GradLab, with its data echoed", async () => {
    const { browser, s } = await openPicker();
    const me = (await B.sessionUser(new Headers({ cookie: browser.cookie() })))!;
    expect(me.role).toBe("instructor");
    const view = await B.lti.deepLink.picker(me, s, "en");
    const offered = view.options.sets.flatMap((set) => set.exercises.map((e) => e.id));
    expect(offered).toEqual(expect.arrayContaining([exA, exB]));
    expect(view.contextTitle).toBe("Deep Learning 101");

    const { res, body } = await pick(browser, [["s", s], ["exercise", exA], ["exercise", exB]]);
    expect(res.status, body).toBe(200);
    // The page posts to the LMS: its CSP allows exactly that origin as a form target.
    expect(res.headers.get("content-security-policy")).toContain(`form-action ${lms.issuer}`);
    const back = await returnToLms(body);
    expect(back.res.status).toBe(200);
    expect(back.received.ok, JSON.stringify(back.received)).toBe(true);
    if (!back.received.ok) return;
    const { claims } = back.received;
    items = back.received.items;
    expect(claims.iss).toBe(lms.clientId);
    expect(claims.aud).toBe(lms.issuer);
    expect(claims[`${DL}data`]).toBe("opaque-csrf-data-42");
    expect(claims[`${CLAIM}deployment_id`]).toBe(lms.deploymentId);
    expect(claims[`${CLAIM}message_type`]).toBe("LtiDeepLinkingResponse");
    expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(600);

    const cat = await B.getCatalogue();
    const points = (id: string) => cat.exercises.find((e) => e.id === id)!.points;
    expect(items).toHaveLength(2);
    expect(items.map((i) => i.custom?.exercise)).toEqual([exA, exB]);
    for (const i of items) {
      expect(i.type).toBe("ltiResourceLink");
      expect(i.url).toBe(`${tool.base}/api/lti/launch`);
      expect(i.title).toBeTruthy();
      expect(i.lineItem).toMatchObject({ scoreMaximum: points(i.custom!.exercise), resourceId: i.custom!.exercise, tag: "gradlab" });
      expect(i.lineItem!.scoreMaximum).toBeGreaterThan(0);
    }

    // GradLab's side: the LMS course became a GradLab course with the instructor in it, and each
    // picked exercise sits in an assignment of that course (so its scores count there).
    const ctx = B.db.select().from(ltiContexts).where(eq(ltiContexts.contextId, "course-1")).get()!;
    expect(B.db.select().from(courses).where(eq(courses.id, ctx.courseId)).get()!.title).toBe("Deep Learning 101");
    expect(B.db.select().from(courseMembers).where(eq(courseMembers.courseId, ctx.courseId)).all()).toEqual([expect.objectContaining({ userId: me.id, role: "instructor" })]);
    const inCourse = B.db.select().from(assignments).where(eq(assignments.courseId, ctx.courseId)).all().flatMap((a) => a.exerciseIds);
    expect(inCourse).toEqual(expect.arrayContaining([exA, exB]));
    for (const i of items) expect(i.custom).toEqual({ exercise: i.custom!.exercise });
  });

  it("a learner's launch of a returned link opens that exercise, enrolled in the course", async () => {
    expect(items).toHaveLength(2);
    const l = await launch(tool, lms, dl.launchOf(items[1], "stu-9", [ROLE.learner]));
    expect(l.res.status, l.body).toBe(303);
    expect(l.res.headers.get("location")).toBe(`/exercises/${exB}`);
    const me = (await B.sessionUser(new Headers({ cookie: l.browser.cookie() })))!;
    const member = B.db.select().from(courseMembers).where(eq(courseMembers.userId, me.id)).get();
    const ctx = B.db.select().from(ltiContexts).where(eq(ltiContexts.contextId, "course-1")).get()!;
    expect(member).toMatchObject({ courseId: ctx.courseId, role: "learner" });
  });

  it("a whole assignment of the LMS course's GradLab course becomes one link with the assignment's total points; another course's is not offered", async () => {
    const { browser, s } = await openPicker();
    const me = (await B.sessionUser(new Headers({ cookie: browser.cookie() })))!;
    const course = { id: B.db.select().from(ltiContexts).where(eq(ltiContexts.contextId, "course-1")).get()!.courseId };
    const a = await B.createAssignment(me, course.id, { title: "Week 1", exerciseIds: [exC, exD] });
    const elsewhere = B.createCourse(me, { title: "Another GradLab course", timeZone: "UTC" });
    const b = await B.createAssignment(me, elsewhere.id, { title: "Elsewhere", exerciseIds: [exC] });
    const view = await B.lti.deepLink.picker(me, s, "en");
    expect(view.options.assignments.map((x) => x.ref)).toContain(`${course.id}/${a.id}`);
    expect(view.options.assignments.map((x) => x.ref)).not.toContain(`${elsewhere.id}/${b.id}`);
    const refused = await pick(browser, [["s", s], ["assignment", `${elsewhere.id}/${b.id}`]]);
    expect(refused.res.headers.get("location")).toMatch(/&error=deep_link_bad_pick$/);
    const { res, body } = await pick(browser, [["s", s], ["assignment", `${course.id}/${a.id}`]]);
    expect(res.status, body).toBe(200);
    const back = await returnToLms(body);
    expect(back.received.ok).toBe(true);
    if (!back.received.ok) return;
    const cat = await B.getCatalogue();
    const total = [exC, exD].reduce((n, id) => n + cat.exercises.find((e) => e.id === id)!.points, 0);
    expect(back.received.items).toEqual([expect.objectContaining({ type: "ltiResourceLink", title: "Week 1", custom: { course: course.id, assignment: a.id }, lineItem: expect.objectContaining({ scoreMaximum: total, resourceId: a.id }) })]);
    // Its launch opens the assignment.
    const l = await launch(tool, lms, dl.launchOf(back.received.items[0], "prof-1", [ROLE.instructor]));
    expect(l.res.headers.get("location")).toBe(`/courses/${course.id}/assignments/${a.id}`);
  });

  it("without data in the request the response has none; a platform that accepts one item gets the picker's error for two", async () => {
    const single = await openPicker(dl.request({ ...instructor, acceptMultiple: false }));
    const two = await pick(single.browser, [["s", single.s], ["exercise", exA], ["exercise", exB]]);
    expect(two.res.status).toBe(303);
    expect(two.res.headers.get("location")).toMatch(/&error=deep_link_one_only$/);
    const none = await pick(single.browser, [["s", single.s]]);
    expect(none.res.headers.get("location")).toMatch(/&error=deep_link_nothing_picked$/);
    const one = await pick(single.browser, [["s", single.s], ["exercise", exA]]);
    const back = await returnToLms(one.body);
    expect(back.received.ok).toBe(true);
    if (back.received.ok) expect(`${DL}data` in back.received.claims).toBe(false);
  });
});

describe("deep linking refuses, saying why", () => {
  it("a learner's deep-linking request (403, no session)", async () => {
    const l = await launch(tool, lms, dl.request({ sub: "stu-dl", roles: [ROLE.learner] }));
    expect(l.res.status).toBe(403);
    expect(l.body).toContain('data-lti-error="deep_link_not_instructor"');
    expect(l.body).toContain("Only an instructor of the LMS course may add GradLab activities");
    expect(l.browser.jar.has("better-auth.session_token")).toBe(false);
  });

  it("a request that accepts no resource links, or has no return URL", async () => {
    const files = await launch(tool, lms, dl.request({ ...instructor, acceptTypes: ["file", "html"] }));
    expect(files.res.status).toBe(400);
    expect(files.body).toContain('data-lti-error="deep_link_no_resource_links"');
    const noReturn = await launch(tool, lms, dl.request({ ...instructor, claims: (c) => ({ ...c, [`${DL}deep_linking_settings`]: { accept_types: ["ltiResourceLink"] } }) }));
    expect(noReturn.body).toContain('data-lti-error="deep_link_no_return_url"');
  });

  it("a deep-linking request signed by someone else than the platform", async () => {
    const l = await launch(tool, lms, { ...dl.request(instructor), foreignKey: true });
    expect(l.res.status).toBe(401);
    expect(l.body).toContain('data-lti-error="bad_signature"');
  });

  it("a tampered picker request: another return URL or data spliced into the signed token", async () => {
    const { browser, s } = await openPicker();
    const [h, p, sig] = s.split(".");
    const payload = JSON.parse(Buffer.from(p, "base64url").toString());
    payload.dl.returnUrl = "https://evil.example/steal";
    const forged = [h, Buffer.from(JSON.stringify(payload)).toString("base64url"), sig].join(".");
    const r = await pick(browser, [["s", forged], ["exercise", exA]]);
    expect(r.res.status).toBe(401);
    expect(r.body).toContain('data-lti-error="deep_link_session_invalid"');
    expect(r.body).not.toContain("evil.example");
  });

  it("someone else's picker request, or one without a GradLab session", async () => {
    const prof = await openPicker();
    const other = await openPicker(dl.request({ ...instructor, sub: "prof-2", email: "prof2@uni.edu" }));
    const stolen = await pick(other.browser, [["s", prof.s], ["exercise", exA]]);
    expect(stolen.res.status).toBe(403);
    expect(stolen.body).toContain('data-lti-error="deep_link_other_user"');
    const anon = await pick(new Browser(), [["s", prof.s], ["exercise", exA]]);
    expect(anon.res.status).toBe(401);
    expect(anon.body).toContain('data-lti-error="deep_link_signed_out"');
  });

  it("a cross-site post of the picker's form", async () => {
    const { browser, s } = await openPicker();
    const res = await postForm(tool, browser, "/api/lti/deep-link", [["s", s], ["exercise", exA]], { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(res.status).toBe(403);
  });

  it("the platform refuses a response GradLab did not sign, or one for another platform", async () => {
    const { browser, s } = await openPicker();
    const good = await pick(browser, [["s", s], ["exercise", exA]]);
    const jwt = formOf(good.body).fields.JWT;
    const [h, p, sig] = jwt.split(".");
    const payload = JSON.parse(Buffer.from(p, "base64url").toString());
    payload[`${DL}content_items`][0].url = "https://evil.example/";
    const forged = [h, Buffer.from(JSON.stringify(payload)).toString("base64url"), sig].join(".");
    expect(await dl.verify(forged)).toMatchObject({ ok: false });
    expect(await dl.verify(jwt)).toMatchObject({ ok: true });
  });
});
