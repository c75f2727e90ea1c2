/**
 * The course rules on the exercise page, in real Chromium against the real server (issue 12.4,
 * 12.5, 12.9): an attempt made before the learner joined costs none of the course's attempts;
 * the page shows the due date in the course's zone and the learner's, the late policy and what a
 * submission now costs, attempts used and left, the cool-down as a live countdown and an
 * extension; Ctrl+Enter in the editor runs and Ctrl+Shift+Enter submits (no blank line typed);
 * the late result says the penalty and the recorded score, which the course page and the
 * gradebook also show. Screenshots at 1440x900 and 390x844.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatInTimeZone } from "date-fns-tz";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, ROOT, haveChromium, launchChromium, signIn, startServer, type Server } from "./server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;

const COURSE_ZONE = "Asia/Kolkata";
const LEARNER_ZONE = "America/Los_Angeles";
const SHOWN = "yyyy-MM-dd HH:mm zzz";
const DAY = 86_400_000;
const SOLUTION = readFileSync(join(ROOT, "exercises/03-layers/dense/solution.ts"), "utf8");
const LEARNER = { email: "rules@example.com", password: "rules-learner-pw-1" };
// A minute boundary (the form takes minutes), 1 h short of 2 days ago: submitting now is 2 days late.
const DUE = Math.floor((Date.now() - 2 * DAY + 3_600_000) / 60_000) * 60_000;
const courseLocal = (ms: number) => formatInTimeZone(new Date(ms), COURSE_ZONE, "yyyy-MM-dd'T'HH:mm");

let server: Server;
let browser: Browser;
let page: Page;
let courseId = "";
let assignmentId = "";
let adminToken = "";

async function api<T = { id: string }>(method: string, path: string, body: unknown, token = adminToken): Promise<T> {
  const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(r.status, `${method} ${path}: ${await r.clone().text()}`).toBeLessThan(300);
  return (await r.json()) as T;
}

const text = async (sel: string) => ((await page.textContent(sel, { timeout: 30_000 })) ?? "").trim();
const editorValue = () => page.evaluate(() => (window as unknown as { __gradlabEditor?: { getValue(): string } }).__gradlabEditor?.getValue() ?? null);

run("course rules on the exercise page, in Chromium", () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    adminToken = server.cli("token", server.accounts.get("admin")!.email);
    server.cli("user", "add", LEARNER.email, "--role", "learner", "--password", LEARNER.password);
    // Before joining any course (the open catalogue): one attempt, which the course must not count.
    const token = server.cli("token", LEARNER.email);
    const early = await api("POST", "/api/submissions", { exerciseId: "dense", code: SOLUTION }, token);
    for (const deadline = Date.now() + 180_000; (await api<{ status: string }>("GET", `/api/submissions/${early.id}`, undefined, token)).status !== "done"; ) {
      if (Date.now() > deadline) throw new Error("the attempt made before joining was not graded within 3 min");
      await new Promise((r) => setTimeout(r, 500)); // polling the grade: a condition, not a fixed wait
    }

    courseId = (await api("POST", "/api/courses", { title: "Deep Learning 101", timeZone: COURSE_ZONE })).id;
    await api("PUT", `/api/courses/${courseId}/members`, { email: LEARNER.email, role: "learner" });
    assignmentId = (await api("POST", `/api/courses/${courseId}/assignments`, {
      title: "Layers", exerciseIds: ["dense"], releaseAt: courseLocal(Date.now() - 5 * DAY), dueAt: courseLocal(DUE),
      latePolicy: { kind: "penalty", percentPerDay: 10, maxDaysLate: 7 }, maxSubmissions: 3, cooldownSeconds: 90,
    })).id;

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: LEARNER_ZONE });
    page = await ctx.newPage();
    await signIn(page, server, LEARNER, "/exercises/dense");
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the course's rules: due in both zones, what submitting now costs, no attempt used by the earlier work", async () => {
    const course = page.locator('[data-testid="rules-course"][data-course="Deep Learning 101"]');
    await course.waitFor();
    expect(await text('[data-testid="rule-due"]')).toBe(formatInTimeZone(new Date(DUE), COURSE_ZONE, SHOWN));
    expect(await text('[data-testid="rule-due-mine"]')).toBe(formatInTimeZone(new Date(DUE), LEARNER_ZONE, SHOWN));
    expect(await text('[data-testid="rule-cost"]')).toBe("submitting now: 2 days late: −20%, max 8/10");
    expect(await course.textContent()).toContain("−10% per day late, not accepted after 7 days");
    expect(await text('[data-testid="rule-attempts"]')).toBe("0 used, 3 left of 3");
    expect(await text('[data-testid="rule-recorded"]')).toBe("nothing recorded yet");
    expect(await text('[data-testid="best"]')).toBe("Grade: – / 10"); // not the 10/10 made before joining
    expect(await course.textContent()).toMatch(/counts your best attempt made in this course.*before you joined/);
    await page.screenshot({ path: join(ARTIFACTS, "course-rules-1440.png") });
  }, 60_000);

  it("Ctrl+Enter in the editor runs the visible checks and types nothing", async () => {
    await page.evaluate(() => (window as unknown as { __gradlabEditor: { updateOptions(o: object): void } }).__gradlabEditor.updateOptions({ autoIndent: "none", autoClosingBrackets: "never", autoClosingQuotes: "never" }));
    await page.click(".monaco-editor .view-lines");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(SOLUTION);
    expect(await editorValue()).toBe(SOLUTION);
    await page.waitForSelector('[data-testid="run"]:not([disabled])', { timeout: 120_000 });
    await page.click(".monaco-editor .view-lines");
    await page.keyboard.press("Control+Enter");
    await page.waitForSelector('[data-testid="results"] h3:text-is("Run: visible checks")', { timeout: 120_000 });
    expect(await editorValue()).toBe(SOLUTION);
    expect(await page.locator('[data-testid="results"] [data-testid="test"][data-status="failed"]').count()).toBe(0);
  }, 240_000);

  it("Ctrl+Shift+Enter in the editor submits; the late result says the penalty and the recorded score", async () => {
    await page.click(".monaco-editor .view-lines");
    await page.keyboard.press("Control+Shift+Enter");
    const standing = page.locator('[data-testid="standing-course"][data-course="Deep Learning 101"]');
    await standing.waitFor({ timeout: 240_000 });
    expect(await editorValue()).toBe(SOLUTION);
    expect(await page.textContent('[data-testid="results"] h3')).toBe("Submission graded");
    expect(await page.getAttribute('[data-testid="results"]', "data-score")).toBe("10");
    expect((await standing.textContent())!.trim()).toBe("Deep Learning 101: 2 days late: −20% → recorded 8 / 10 (graded 10 / 10). Your grade there: 8 / 10 (your best attempt made in the course).");
    expect(await text('[data-testid="rule-attempts"]')).toBe("1 used, 2 left of 3");
    expect(await text('[data-testid="rule-recorded"]')).toBe("8 / 10 recorded");
    expect(await text('[data-testid="best"]')).toBe("Grade: 8 / 10");
    await page.locator('[data-testid="standing"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, "course-rules-late-result-1440.png") });
  }, 300_000);

  it("the cool-down counts down live", async () => {
    const first = await text('[data-testid="rule-cooldown"]');
    expect(first).toMatch(/^[01]:\d\d$/);
    await page.waitForFunction((t) => document.querySelector('[data-testid="rule-cooldown"]')?.textContent?.trim() !== t, first, { timeout: 10_000 });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="course-rules"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, "course-rules-390.png") });
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 60_000);

  it("the course page and the gradebook record the same score", async () => {
    type Gradebook = { rows: { learner: { email: string }; cells: Record<string, { best: number | null; attempts: number; late: boolean }> }[] };
    const gb = await api<Gradebook>("GET", `/api/courses/${courseId}/gradebook`, undefined);
    expect(gb.rows.find((r) => r.learner.email === LEARNER.email)!.cells.dense).toEqual(expect.objectContaining({ best: 8, attempts: 1, late: true }));
    await page.goto(`${server.url}/courses/${courseId}`);
    expect(await text('[data-testid="score-dense"]')).toBe("8 / 10");
  }, 60_000);

  it("an extension shows in the course's zone, and submitting now is on time", async () => {
    const until = Math.floor((Date.now() + DAY) / 60_000) * 60_000;
    await api("PUT", `/api/courses/${courseId}/assignments/${assignmentId}/extension`, { email: LEARNER.email, until: courseLocal(until) });
    await page.goto(`${server.url}/exercises/dense`);
    expect(await text('[data-testid="rule-extension"]')).toBe(formatInTimeZone(new Date(until), COURSE_ZONE, SHOWN));
    expect(await text('[data-testid="rule-cost"]')).toBe("submitting now: on time, max 10/10");
    expect(await text('[data-testid="rule-recorded"]')).toBe("10 / 10 recorded"); // the attempt now falls before the learner's due date
  }, 60_000);
});
