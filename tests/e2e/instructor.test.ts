/**
 * The instructor's path in real Chromium against the real server: create a course, import a
 * roster (a bad row rejected with nothing imported, then the fixed file), create an assignment
 * due in the past with a per-day penalty, a learner submits late and gets the penalty, an
 * extension lifts it, the gradebook CSV has the right numbers, and after the exercise changes
 * (a temp GRADLAB_EXERCISES_DIR, server restarted) a regrade runs through the queue with its
 * progress shown and the new version recorded. Plus the learner's view of instructor pages/APIs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { formatInTimeZone } from "date-fns-tz";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, ROOT, ensureBuilt, haveChromium, launchChromium, signIn, startServer, type Server } from "./server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;

/** A regrade goes through the queue: on a loaded machine it waits its turn, so allow it minutes. */
const REGRADE_LIMIT_MS = 10 * 60_000;

/**
 * Wait on the regrade's own progress (the panel polls the batch's status) until it says finished;
 * on the overall limit, fail with the last progress it showed. Returns the final progress text.
 */
async function regradeFinished(page: Page): Promise<string> {
  const progress = '[data-testid="regrade-progress"]';
  try {
    await page.waitForSelector(`${progress}[data-finished="1"]`, { timeout: REGRADE_LIMIT_MS });
  } catch (e) {
    const last = await page.locator(progress).textContent({ timeout: 1_000 }).catch(() => null);
    throw new Error(`the regrade did not finish within ${REGRADE_LIMIT_MS / 60_000} min; its progress last read: ${last ?? "(no progress shown)"}`, { cause: e });
  }
  return (await page.textContent(progress)) ?? "";
}
const TZ = "Europe/Paris";
const DAY = 86_400_000;
const SOLUTION = readFileSync(join(ROOT, "exercises/03-layers/dense/solution.ts"), "utf8");
const local = (ms: number) => formatInTimeZone(new Date(ms), TZ, "yyyy-MM-dd'T'HH:mm");

let server: Server;
let browser: Browser;
// Inside the repo, so that the exercise's relative imports (../../../lib) still resolve.
let exercisesDir = "";
let courseUrl = "";
let courseId = "";
let ada = { email: "ada@example.com", password: "" };


async function cell(page: Page) {
  await page.goto(`${server.url}/courses/${courseId}/gradebook`);
  return (await page.textContent(`[data-testid="cell-${ada.email}-dense"] span`))?.trim();
}

run("instructor path in Chromium", () => {
  let instructor: Page;
  let learner: Page;

  beforeAll(async () => {
    ensureBuilt(); // before the temp folder exists in the repo, so the build never sees it
    exercisesDir = mkdtempSync(join(ROOT, ".e2e-exercises-"));
    cpSync(join(ROOT, "exercises/03-layers/dense"), join(exercisesDir, "03-layers/dense"), { recursive: true });
    cpSync(join(ROOT, "exercises/03-layers/set.json"), join(exercisesDir, "03-layers/set.json"));
    server = await startServer({ exercisesDir });
    browser = await launchChromium();
    instructor = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    learner = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (exercisesDir) rmSync(exercisesDir, { recursive: true, force: true });
  });

  it("creates a course and imports a roster: a bad row rejects the whole file, the fixed one imports", async () => {
    await signIn(instructor, server, server.accounts.get("instructor")!, "/courses");
    await instructor.fill('[data-testid="create-course"] input[name="title"]', "Deep Learning 101");
    await instructor.fill('[data-testid="create-course"] input[name="timeZone"]', TZ);
    await instructor.click('[data-testid="create-course"] button');
    await instructor.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
    courseUrl = instructor.url();
    courseId = courseUrl.split("/").pop()!;
    expect(await instructor.textContent('[data-testid="course-title"]')).toBe("Deep Learning 101");

    await instructor.fill('[data-testid="roster-form"] textarea', "email,name,section\nada@example.com,Ada Lovelace,A\nalan(at)example.com,Alan Turing,B\n");
    await instructor.click('[data-testid="roster-form"] button');
    await instructor.waitForSelector('[data-testid="roster-errors"]');
    expect(await instructor.textContent('[data-testid="roster-errors"]')).toMatch(/line 3 \(email\): "alan\(at\)example.com" is not an email address/);
    expect(await instructor.textContent('[data-testid="roster-error"]')).toMatch(/Nothing imported/);
    await instructor.reload();
    expect(await instructor.locator('tr[data-testid^="member-"]').count()).toBe(1); // only the instructor

    await instructor.fill('[data-testid="roster-form"] textarea', "email,name,section\nada@example.com,Ada Lovelace,A\nalan@example.com,Alan Turing,B\n");
    await instructor.click('[data-testid="roster-form"] button');
    await instructor.waitForSelector('[data-testid="roster-passwords"]');
    const pw = await instructor.locator('[data-testid="roster-passwords"] tr', { hasText: "ada@example.com" }).locator("code").textContent();
    ada = { email: "ada@example.com", password: pw!.trim() };
    expect(ada.password).toMatch(/^[\w-]{12,}$/);
    await instructor.screenshot({ path: join(ARTIFACTS, "course-roster-imported.png"), fullPage: true });
    await instructor.reload();
    expect(await instructor.locator('tr[data-testid^="member-"]').count()).toBe(3);
  });

  it("creates an assignment due two days ago (local time) with a 10%/day penalty", async () => {
    const now = Date.now();
    await instructor.fill('[data-testid="assignment-form"] input[name="title"]', "Layers");
    await instructor.fill('[data-testid="picker-search"]', "dense layer");
    await instructor.check('[data-testid="pick-dense"]');
    await instructor.fill('[data-testid="assignment-form"] input[name="releaseAt"]', local(now - 5 * DAY));
    await instructor.fill('[data-testid="assignment-form"] input[name="dueAt"]', local(now - 2 * DAY - 3_600_000));
    await instructor.selectOption('[data-testid="assignment-form"] select[name="kind"]', "penalty");
    await instructor.fill('[data-testid="assignment-form"] input[name="percentPerDay"]', "10");
    await instructor.click('[data-testid="assignment-form"] button.primary');
    await instructor.waitForSelector('[data-testid="assignment-done"]');
    await instructor.waitForSelector('[data-testid="assignment-Layers"]');
    expect(await instructor.textContent('[data-testid="assignment-Layers"] [data-testid="due"]')).toBe(formatInTimeZone(new Date(now - 2 * DAY - 3_600_000), TZ, "yyyy-MM-dd HH:mm zzz"));
  });

  it("a learner submits late and gets the penalty; the CSV export says so", async () => {
    await signIn(learner, server, ada, "/");
    await learner.waitForSelector('[data-testid="my-courses"]');
    expect(await learner.locator('[data-testid^="exercise-"]').count()).toBe(0); // enrolled: the course, not the demo catalogue
    await learner.goto(courseUrl);
    await learner.waitForSelector('[data-testid="open-dense"]');
    const post = await learner.request.post(`${server.url}/api/submissions`, { data: { exerciseId: "dense", code: SOLUTION } });
    expect(post.status()).toBe(202);
    const { id } = (await post.json()) as { id: string };
    await expect
      .poll(async () => ((await (await learner.request.get(`${server.url}/api/submissions/${id}`)).json()) as { status: string }).status, { timeout: 120_000, interval: 500 })
      .toBe("done");

    // 2 days and 1 hour late → 3 started days → −30%.
    expect(await cell(instructor)).toBe("7");
    const csv = await (await instructor.request.get(`${server.url}/api/courses/${courseId}/gradebook?format=csv`)).text();
    expect(csv.split("\n")[0]).toBe("Student ID,Email,Name,Section,Dense layer (10),Dense layer attempts,Dense layer status,Total");
    expect(csv).toContain(",ada@example.com,Ada Lovelace,A,7,1,late,7");
    expect(csv).toContain(",alan@example.com,Alan Turing,B,,0,no attempt,0");
  });

  it("an extension lifts the penalty", async () => {
    await instructor.goto(courseUrl);
    await instructor.fill('[data-testid="extension-form"] input[name="email"]', ada.email);
    await instructor.fill('[data-testid="extension-form"] input[name="until"]', local(Date.now() + 3 * DAY));
    await instructor.click('[data-testid="extension-form"] button');
    await instructor.waitForSelector('[data-testid="extension-done"]');
    expect(await cell(instructor)).toBe("10");
    await instructor.screenshot({ path: join(ARTIFACTS, "gradebook.png"), fullPage: true });
    const csv = await (await instructor.request.get(`${server.url}/api/courses/${courseId}/gradebook?format=csv`)).text();
    expect(csv).toContain(",ada@example.com,Ada Lovelace,A,10,1,on time,10");
    // Sorting and filtering.
    await instructor.fill('[data-testid="gb-filter"]', "alan");
    expect(await instructor.locator('[data-testid^="gb-row-"]').count()).toBe(1);
    await instructor.fill('[data-testid="gb-filter"]', "");
    await instructor.click('[data-testid="sort-total"]');
    expect(await instructor.locator('[data-testid^="gb-row-"]').first().getAttribute("data-testid")).toBe(`gb-row-${ada.email}`);
  });

  it("learners cannot reach instructor pages or APIs", async () => {
    for (const path of [`/courses/${courseId}/gradebook`, `/courses/${courseId}/analytics/dense`, "/exercises/dense/author"]) {
      expect((await learner.goto(`${server.url}${path}`))!.status()).toBe(404);
    }
    expect((await learner.request.get(`${server.url}/api/courses/${courseId}/gradebook?format=csv`)).status()).toBe(403);
    expect((await learner.request.patch(`${server.url}/api/courses/${courseId}`, { data: { title: "mine now" } })).status()).toBe(403);
    expect((await learner.request.post(`${server.url}/api/courses/${courseId}/regrades`, { data: { exerciseId: "dense" } })).status()).toBe(403);
    expect((await learner.request.post(`${server.url}/api/courses`, { data: { title: "x", timeZone: "UTC" } })).status()).toBe(403);
    expect((await learner.request.get(`${server.url}/api/courses/${courseId}`)).status()).toBe(200);
    expect((await fetch(`${server.url}/api/courses/${courseId}/gradebook`)).status).toBe(401);
  });

  it("per-exercise analytics are plotted", async () => {
    await instructor.goto(`${server.url}/courses/${courseId}/analytics/dense`);
    expect(await instructor.textContent('[data-testid="pass-rate"]')).toMatch(/100%/);
    expect(await instructor.locator('[data-testid="distribution"] rect').count()).toBe(10);
  });

  it("after the exercise changes, a regrade runs through the queue with progress, keeping the history", async () => {
    appendFileSync(join(exercisesDir, "03-layers/dense/statement.md"), "\n\nClarified: `b` has shape `[1, out]` and broadcasts over the batch.\n");
    const dataDir = server.dataDir;
    const accounts = server.accounts;
    await server.stop({ keepData: true });
    server = await startServer({ exercisesDir, dataDir });
    server.accounts = accounts;
    await signIn(instructor, server, accounts.get("instructor")!, `/courses/${courseId}/gradebook`);
    await instructor.click('[data-testid="regrade-form"] button');
    expect(await regradeFinished(instructor)).toMatch(/1 \/ 1 regraded/);
    await instructor.screenshot({ path: join(ARTIFACTS, "regrade.png"), fullPage: true });
    expect(await cell(instructor)).toBe("10");
    await instructor.click(`[data-testid="gb-row-${ada.email}"] a`);
    await instructor.waitForSelector('[data-testid="learner-history"]');
    const grades = await instructor.textContent('[data-testid="grades"]');
    expect(grades).toMatch(/grade .*10\/10 \(passed\)/);
    expect(grades).toMatch(/regrade .*10\/10 \(passed\)/);
    const versions = [...grades!.matchAll(/v([0-9a-f]{8})/g)].map((m) => m[1]);
    expect(versions).toHaveLength(2);
    expect(versions[0]).not.toBe(versions[1]);

    // The same from the command line, for one learner.
    expect(server.cli("regrade", "dense", "--user", ada.email, "--wait")).toMatch(/queued 1 regrade of dense[\s\S]*done: 1 updated, 0 kept the higher old score/);
  }, REGRADE_LIMIT_MS + 120_000);
});
