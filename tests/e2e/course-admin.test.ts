/**
 * Running a class, complete (issue 15 items 1, 2, 5, 6) in real Chromium against the real server:
 * an assignment made with the searchable picker, edited (the note says what an edit does; the
 * late score is recomputed; the edit is in the history) and another deleted; a score override
 * with its comment and a comment on a submission, both seen by the learner; the learner's draft
 * read by staff; the submissions zip and the gradebook CSV; a TA given the extension right uses
 * it; a member's role changed and another removed; archive, export and delete of the course.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatInTimeZone } from "date-fns-tz";
import { strFromU8, unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, ROOT, haveChromium, launchChromium, signIn, startServer, type Server } from "./server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;

const TZ = "Europe/Paris";
const DAY = 86_400_000;
const SOLUTION = readFileSync(join(ROOT, "exercises/03-layers/dense/solution.ts"), "utf8");
const local = (ms: number) => formatInTimeZone(new Date(ms), TZ, "yyyy-MM-dd'T'HH:mm");
const TITLE = "Deep Learning 201";

let server: Server;
let browser: Browser;
let courseId = "";
let subId = "";
const people: Record<string, { email: string; password: string }> = {};

async function page(width = 1400): Promise<Page> {
  return (await browser.newContext({ viewport: { width, height: 1000 }, acceptDownloads: true })).newPage();
}

async function cell(p: Page): Promise<string | undefined> {
  await p.goto(`${server.url}/courses/${courseId}/gradebook`);
  return (await p.textContent(`[data-testid="cell-ada@example.com-dense"] span`))?.trim();
}

run("running a class in Chromium: editing, manual grading, downloads, TAs", () => {
  let instructor: Page;
  let learner: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    instructor = await page();
    learner = await page(1300);
    await signIn(instructor, server, server.accounts.get("instructor")!, "/courses");
    const c = await instructor.request.post(`${server.url}/api/courses`, { data: { title: TITLE, timeZone: TZ } });
    courseId = ((await c.json()) as { id: string }).id;
    const r = await instructor.request.post(`${server.url}/api/courses/${courseId}/roster`, {
      data: { csv: "email,name,section,student_id\nada@example.com,Ada Lovelace,A,S-1\nalan@example.com,Alan Turing,B,S-2\ntia@example.com,Tia Assistant,,\n" },
    });
    for (const x of ((await r.json()) as { created: { email: string; password: string }[] }).created) people[x.email.split("@")[0]] = x;
    expect(Object.keys(people).sort()).toEqual(["ada", "alan", "tia"]);
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("creates an assignment with the searchable, grouped picker", async () => {
    await instructor.goto(`${server.url}/courses/${courseId}`);
    expect(await instructor.locator('[data-testid="exercise-picker"] fieldset').count()).toBeGreaterThan(3); // grouped by set
    await instructor.fill('[data-testid="assignment-form"] input[name="title"]', "Layers");
    const all = await instructor.locator('[data-testid^="pick-"]').count();
    await instructor.fill('[data-testid="picker-search"]', "dense layer");
    await expect.poll(() => instructor.locator('[data-testid^="pick-"]').count()).toBeLessThan(Math.min(4, all));
    await instructor.check('[data-testid="pick-dense"]');
    expect(await instructor.textContent('[data-testid="picker-chosen"]')).toContain("Dense layer");
    await instructor.fill('[data-testid="assignment-form"] input[name="releaseAt"]', local(Date.now() - 5 * DAY));
    await instructor.fill('[data-testid="assignment-form"] input[name="dueAt"]', local(Date.now() - 2 * DAY + 3_600_000));
    await instructor.selectOption('[data-testid="assignment-form"] select[name="kind"]', "penalty");
    await instructor.fill('[data-testid="assignment-form"] input[name="percentPerDay"]', "10");
    await instructor.click('[data-testid="assignment-form"] button.primary');
    await instructor.waitForSelector('[data-testid="assignment-Layers"]');
    const extra = await instructor.request.post(`${server.url}/api/courses/${courseId}/assignments`, { data: { title: "Extra", exerciseIds: ["mse"] } });
    expect(extra.status()).toBe(201);
  });

  it("a learner works (a draft, then a late submission): 2 days late is −20%", async () => {
    await signIn(learner, server, people.ada, `/courses/${courseId}`);
    expect((await learner.request.put(`${server.url}/api/drafts/dense`, { data: { code: "// Ada's draft: backward still to do" } })).status()).toBe(204);
    const post = await learner.request.post(`${server.url}/api/submissions`, { data: { exerciseId: "dense", code: SOLUTION } });
    expect(post.status()).toBe(202);
    subId = ((await post.json()) as { id: string }).id;
    await expect
      .poll(async () => ((await (await learner.request.get(`${server.url}/api/submissions/${subId}`)).json()) as { status: string }).status, { timeout: 180_000, interval: 500 })
      .toBe("done");
    expect(await cell(instructor)).toBe("8");
  }, 240_000);

  it("edits the assignment: the note says what it does, the score is recomputed, the edit is in the history", async () => {
    await instructor.goto(`${server.url}/courses/${courseId}`);
    await instructor.click('[data-testid="assignment-Layers"] [data-testid="edit-assignment"]');
    await instructor.waitForSelector('[data-testid="edit-effect"]');
    expect(await instructor.textContent('[data-testid="edit-effect"]')).toMatch(/recomputes every learner's score/);
    expect(await instructor.isChecked('[data-testid="pick-dense"]')).toBe(true);
    await instructor.fill('[data-testid="assignment-form"] input[name="dueAt"]', local(Date.now() + DAY));
    await instructor.click('[data-testid="assignment-form"] button.primary');
    await instructor.waitForSelector('[data-testid="assignment-done"]');
    expect(await instructor.textContent('[data-testid="assignment-done"]')).toBe("Saved: 1 change; scores recomputed.");
    await instructor.waitForSelector('[data-testid="history-entry"]');
    expect(await instructor.textContent('[data-testid="history-entry"]')).toMatch(/due: .* → /);
    await instructor.screenshot({ path: join(ARTIFACTS, "assignment-editor.png"), fullPage: true });
    expect(await cell(instructor)).toBe("10");
  });

  it("deletes an assignment only with its title typed", async () => {
    await instructor.goto(`${server.url}/courses/${courseId}`);
    await instructor.click('[data-testid="assignment-Extra"] [data-testid="edit-assignment"]');
    await instructor.waitForSelector('[data-testid="delete-assignment"]');
    expect(await instructor.isDisabled('[data-testid="delete-assignment"] button')).toBe(true);
    await instructor.fill('[data-testid="delete-assignment"] input[name="confirm"]', "Extra");
    await instructor.click('[data-testid="delete-assignment"] button');
    await instructor.waitForURL(new RegExp(`/courses/${courseId}$`));
    await instructor.waitForSelector('[data-testid="assignment-Layers"]');
    expect(await instructor.locator('[data-testid="assignment-Extra"]').count()).toBe(0);
  });

  it("staff override a score with a comment, comment on a submission and read the draft", async () => {
    const ada = await instructor.request.get(`${server.url}/api/courses/${courseId}`);
    const adaId = ((await ada.json()) as { members: { email: string; userId: string }[] }).members.find((m) => m.email === "ada@example.com")!.userId;
    await instructor.goto(`${server.url}/courses/${courseId}/learners/${adaId}`);
    expect(await instructor.textContent('[data-testid="draft-dense"] [data-testid="draft-code"]')).toBe("// Ada's draft: backward still to do");
    await instructor.fill('[data-testid="override-form"] input[name="score"]', "6");
    // The comment is required: the browser asks for it before anything is sent.
    expect(await instructor.$eval('[data-testid="override-form"] input[name="comment"]', (e) => (e as HTMLInputElement).validity.valueMissing)).toBe(true);
    await instructor.fill('[data-testid="override-form"] input[name="comment"]', "Shapes are hard-coded for the visible case");
    await instructor.click('[data-testid="override-form"] button');
    await instructor.waitForSelector('[data-testid="override-done"]');
    await instructor.waitForSelector('[data-testid="override-history"] li');
    expect(await instructor.textContent('[data-testid="override-history"]')).toMatch(/Dense layer: 6 — “Shapes are hard-coded for the visible case”/);
    await instructor.fill(`[data-testid="comment-form-${subId}"] input[name="body"]`, "Nice vectorised backward pass");
    await instructor.click(`[data-testid="comment-form-${subId}"] button`);
    await instructor.waitForSelector('[data-testid="submission-comment"]');
    await instructor.screenshot({ path: join(ARTIFACTS, "manual-grading.png"), fullPage: true });
    expect(await cell(instructor)).toBe("6");
    expect(await instructor.locator('[data-testid="cell-ada@example.com-dense"] [data-testid="overridden"]').count()).toBe(1);

    await learner.goto(`${server.url}/courses/${courseId}`);
    expect(await learner.textContent('[data-testid="score-dense"]')).toBe("6 / 10 (set by your instructor)");
    expect(await learner.textContent('[data-testid="my-overrides"]')).toContain("“Shapes are hard-coded for the visible case”");
    expect(await learner.textContent('[data-testid="my-comments"]')).toContain("“Nice vectorised backward pass”");
    await learner.screenshot({ path: join(ARTIFACTS, "learner-feedback.png"), fullPage: true });
  });

  it("downloads the final submissions (zip) and the gradebook CSV", async () => {
    await instructor.goto(`${server.url}/courses/${courseId}`);
    const [download] = await Promise.all([instructor.waitForEvent("download"), instructor.click('[data-testid="assignment-Layers"] [data-testid="download-submissions"]')]);
    expect(download.suggestedFilename()).toBe("deep-learning-201-layers-submissions.zip");
    const files = unzipSync(readFileSync((await download.path())!));
    expect(Object.keys(files).sort()).toEqual(["S-1/dense.result.json", "S-1/dense.ts", "manifest.csv"]);
    expect(strFromU8(files["S-1/dense.ts"])).toBe(SOLUTION);
    expect(JSON.parse(strFromU8(files["S-1/dense.result.json"]))).toMatchObject({ submission: subId, rawScore: 10, maxScore: 10, result: { status: "passed" } });
    const csv = await (await instructor.request.get(`${server.url}/api/courses/${courseId}/gradebook?format=csv`)).text();
    expect(csv.split("\n").slice(0, 3)).toEqual([
      "Student ID,Email,Name,Section,Dense layer (10),Dense layer attempts,Dense layer status,Total",
      "S-1,ada@example.com,Ada Lovelace,A,6,1,override,6",
      "S-2,alan@example.com,Alan Turing,B,,0,no attempt,0",
    ]);
  });

  it("a TA given the extension right grants one; roles change and a member is removed", async () => {
    await instructor.goto(`${server.url}/courses/${courseId}`);
    await instructor.selectOption('[data-testid="member-actions-tia@example.com"] [data-testid="member-role"]', "ta");
    await instructor.waitForSelector('[data-testid="member-actions-tia@example.com"] [data-testid="member-can-extend"]');
    await instructor.check('[data-testid="member-actions-tia@example.com"] [data-testid="member-can-extend"]');
    await expect.poll(async () => (await (await instructor.request.get(`${server.url}/api/courses/${courseId}`)).json()).members.find((m: { email: string }) => m.email === "tia@example.com").canExtend, { timeout: 20_000, interval: 250 }).toBe(true);

    const ta = await page();
    await signIn(ta, server, people.tia, `/courses/${courseId}`);
    await ta.waitForSelector('[data-testid="extension-form"]');
    expect(await ta.locator('[data-testid="new-assignment"]').count()).toBe(0); // still a TA: no assignment editing
    await ta.fill('[data-testid="extension-form"] input[name="email"]', "ada@example.com");
    await ta.fill('[data-testid="extension-form"] input[name="until"]', local(Date.now() + 3 * DAY));
    await ta.click('[data-testid="extension-form"] button');
    await ta.waitForSelector('[data-testid="extension-done"]');
    expect(await ta.textContent('[data-testid="extension-done"]')).toMatch(/^Extended until /);

    await instructor.reload();
    await instructor.click('[data-testid="member-actions-alan@example.com"] [data-testid="member-remove"]');
    await instructor.click('[data-testid="member-actions-alan@example.com"] [data-testid="member-remove-confirm"]');
    await instructor.waitForSelector('[data-testid="member-alan@example.com"]', { state: "detached" });
    expect(await instructor.locator('tr[data-testid^="member-"]').count()).toBe(3);
  });

  it("archives (no submissions), unarchives, then deletes the course only after an export", async () => {
    await instructor.goto(`${server.url}/courses/${courseId}`);
    await instructor.click('[data-testid="archive"]');
    await instructor.waitForSelector('[data-testid="archived"]');
    const refused = await learner.request.post(`${server.url}/api/submissions`, { data: { exerciseId: "dense", code: SOLUTION } });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/archived/);
    await instructor.click('[data-testid="archive"]');
    await instructor.waitForSelector('[data-testid="archived"]', { state: "detached" });

    expect(await instructor.isDisabled('[data-testid="delete-course"] input[name="confirm"]')).toBe(true);
    expect((await instructor.request.delete(`${server.url}/api/courses/${courseId}`, { data: { confirm: TITLE } })).status()).toBe(409);
    const [zip] = await Promise.all([instructor.waitForEvent("download"), instructor.click('[data-testid="export-course"]')]);
    expect(Object.keys(unzipSync(readFileSync((await zip.path())!)))).toContain("gradebook.csv");
    await instructor.fill('[data-testid="delete-course"] input[name="confirm"]', TITLE);
    await instructor.screenshot({ path: join(ARTIFACTS, "course-delete.png"), fullPage: true });
    await instructor.click('[data-testid="delete-course"] button');
    await instructor.waitForURL((u) => u.pathname === "/courses");
    expect((await instructor.request.get(`${server.url}/api/courses/${courseId}`)).status()).toBe(404);
    // The learner's work is still theirs.
    expect((await learner.request.get(`${server.url}/api/submissions/${subId}`)).status()).toBe(200);
  });
});
