/**
 * LTI launch, grade passback and roster sync in Chromium (issue 16 "done when"): the test LMS
 * (tests/lti/platform.ts + platform-services.ts: real HTTP, signed JWTs, a token endpoint that
 * verifies GradLab's assertion against GradLab's JWKS) launches a learner into an exercise; the
 * learner submits the solution in the browser; the worker's verdict reaches the LMS's AGS score
 * endpoint through the outbox relay of the running server. The instructor, launched from the same
 * LMS course, syncs the roster (NRPS, two pages) from the course page and sees the score sent.
 * Screenshots: tests/artifacts/lti-passback-en.png, lti-passback-zh-CN.png.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, haveChromium, launchChromium, ROOT, type Server, startServer, typeCode } from "./server.ts";
import { ROLE, TestPlatform } from "../lti/platform.ts";
import { ServicesPlatform } from "../lti/platform-services.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;
const EX = "dense";
const SOLUTION = readFileSync(join(ROOT, "exercises/03-layers/dense/solution.ts"), "utf8");

let server: Server;
let browser: Browser;
const lms = new TestPlatform();
let services: ServicesPlatform;
let lineItem = "";
let courseId = "";
let instructor: BrowserContext;

/**
 * Start a launch at the LMS and follow it (GradLab's login → the LMS's auth page → its form_post
 * → GradLab) until the browser is on `path`; says where it ended otherwise.
 */
async function launchTo(page: Page, loginUrl: string, path: string): Promise<void> {
  await page.goto(loginUrl, { waitUntil: "commit" });
  try {
    await page.waitForURL((u) => u.pathname === path, { timeout: 90_000, waitUntil: "commit" });
  } catch (e) {
    throw new Error(`the launch did not reach ${path}: the browser is at ${page.url()} showing ${(await page.textContent("body").catch(() => ""))?.slice(0, 500)}`, { cause: e });
  }
}

/** Type `code` into Monaco as a learner would (select all, then type). */

run("LTI launch, grade passback and roster sync from a test LMS, in Chromium", () => {
  beforeAll(async () => {
    server = await startServer();
    await lms.start();
    services = new ServicesPlatform(lms, `${server.url}/api/lti/jwks`);
    const r = lms.registration();
    server.cli("lti", "add-platform", "--issuer", r.issuer, "--client-id", r.clientId, "--auth-endpoint", r.authEndpoint, "--token-endpoint", r.tokenEndpoint, "--jwks-url", r.jwksUrl, "--deployment", r.deploymentIds[0]);
    lineItem = services.addLineItem({ label: "Dense layer", scoreMaximum: 10, resourceLinkId: "link-dense" });
    services.members = [
      { user_id: "e2e-prof", roles: [ROLE.instructor], name: "Prof E2E", email: "prof@e2e.edu" },
      { user_id: "e2e-learner", roles: [ROLE.learner], name: "Lea Learner", email: "lea@e2e.edu" },
      { user_id: "e2e-l2", roles: [ROLE.learner], name: "Ben Two", email: "ben@e2e.edu" },
      { user_id: "e2e-l3", roles: [ROLE.learner], name: "Cai Three", email: "cai@e2e.edu" },
    ];
    services.pageSize = 2;
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await lms.stop();
  });

  it("the instructor's launch makes the GradLab course for the LMS course", async () => {
    instructor = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", extraHTTPHeaders: { "Accept-Language": "en" } });
    const page = await instructor.newPage();
    await launchTo(page, lms.loginInitiation(`${server.url}/api/lti/login`, { sub: "e2e-prof", roles: [ROLE.instructor], name: "Prof E2E", email: "prof@e2e.edu", custom: { exercise: EX }, claims: services.launchClaims({ resourceLinkId: "link-dense", title: "Dense layer", lineItem }) }), `/exercises/${EX}`);
    const courses = (await (await page.request.get(`${server.url}/api/courses`)).json()) as { courses: { id: string; title: string; role: string }[] };
    expect(courses.courses).toMatchObject([{ title: "Deep Learning 101", role: "instructor" }]);
    courseId = courses.courses[0].id;
  }, 180_000);

  it("a learner launched into the exercise submits in the browser; the score arrives at the LMS's AGS endpoint", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { "Accept-Language": "en" } });
    const page = await ctx.newPage();
    await launchTo(page, lms.loginInitiation(`${server.url}/api/lti/login`, { sub: "e2e-learner", roles: [ROLE.learner], name: "Lea Learner", email: "lea@e2e.edu", custom: { exercise: EX }, claims: services.launchClaims({ resourceLinkId: "link-dense", title: "Dense layer", lineItem }) }), `/exercises/${EX}`);
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 120_000 });
    await typeCode(page, SOLUTION);
    const [post] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/submissions") && r.request().method() === "POST"), page.click('[data-testid="submit"]')]);
    expect(post.status()).toBe(202);
    await page.waitForSelector('[data-testid="results"][data-status="passed"]', { timeout: 120_000 });
    // The relay of the running server sends it: wait for the LMS to have it.
    await expect.poll(() => services.scores.length, { timeout: 60_000, interval: 200 }).toBe(1);
    expect(services.scores[0]).toMatchObject({ lineItem, userId: "e2e-learner", scoreGiven: 10, scoreMaximum: 10, activityProgress: "Completed", gradingProgress: "FullyGraded" });
    expect(services.tokenRequests.filter((t) => t.ok).length).toBeGreaterThan(0);
    expect(services.tokenRequests.every((t) => t.ok)).toBe(true);
    await ctx.close();
  }, 360_000);

  it("the instructor syncs the roster from the course page and sees the score sent (English and Chinese)", async () => {
    const page = await instructor.newPage();
    expect(courseId).not.toBe("");
    await page.goto(`${server.url}/courses/${courseId}`, { waitUntil: "commit" });
    await page.waitForSelector('[data-testid="lti-passback"]', { timeout: 90_000 });
    await page.click('[data-testid="lti-sync-roster"]');
    await expect.poll(() => page.textContent('[data-testid="lti-action-done"]'), { timeout: 30_000 }).toMatch(/4 members in the LMS, 4 enrolled here, 0 marked inactive/);
    expect(services.pagesServed.length).toBeGreaterThanOrEqual(2);
    for (const email of ["lea@e2e.edu", "ben@e2e.edu", "cai@e2e.edu", "prof@e2e.edu"]) await page.waitForSelector(`[data-testid="member-${email}"]`, { timeout: 60_000 });
    const row = page.locator('[data-testid="lti-passback-lea@e2e.edu"]');
    expect(await row.getAttribute("data-state")).toBe("sent");
    expect(await row.textContent()).toContain("10 / 10");
    await page.locator('[data-testid="lti-passback"]').screenshot({ path: join(ARTIFACTS, "lti-passback-en.png") });

    const zh = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN", storageState: await instructor.storageState(), extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });
    const zhPage = await zh.newPage();
    await zhPage.goto(`${server.url}/courses/${courseId}`, { waitUntil: "commit" });
    await expect.poll(() => zhPage.locator('[data-testid="lti-passback"] h2').textContent(), { timeout: 90_000 }).toBe("LMS 成绩与名单");
    expect(await zhPage.locator('[data-testid="lti-passback-lea@e2e.edu"]').textContent()).toContain("已于");
    await zhPage.locator('[data-testid="lti-passback"]').screenshot({ path: join(ARTIFACTS, "lti-passback-zh-CN.png") });
    await zh.close();
  }, 300_000);
});
