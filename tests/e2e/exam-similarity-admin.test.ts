/**
 * Issue 15 items 3, 4 and 7 in real Chromium against the real server: exam mode set on the
 * assignment page, a learner's submission shows only "submitted" (and the API holds no score);
 * a similarity check run from the course with live progress, the copied pair first, side by side
 * with shared fragments marked; the admin console: search, disable (sign-in refused), re-enable,
 * a global role, a reset link used to set a new password. Screenshots in tests/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, ROOT, haveChromium, launchChromium, signIn, startServer, type Server } from "./server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;

const SOLUTION = readFileSync(join(ROOT, "exercises/03-layers/dense/solution.ts"), "utf8");
// The same solution with names changed and a comment: a copy.
const COPY = SOLUTION.replace(/\bout\b/g, "res").replace(/\bi\b/g, "row") + "\n// all my own work\n";
const OWN = `import { Tensor } from "gradlab/nd";\nexport function nothing(): Tensor | null {\n  return null;\n}\n`;

let server: Server;
let browser: Browser;
let courseId = "";
let assignmentId = "";
const people: Record<string, { email: string; password: string }> = {};

async function page(width = 1400): Promise<Page> {
  return (await browser.newContext({ viewport: { width, height: 1000 } })).newPage();
}

async function submitAs(who: string, code: string): Promise<string> {
  const token = server.cli("token", people[who].email);
  const r = await fetch(`${server.url}/api/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ exerciseId: "dense", code }) });
  expect(r.status).toBe(202);
  return ((await r.json()) as { id: string }).id;
}

run("exam mode, similarity and the admin console in Chromium", () => {
  let admin: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    admin = await page();
    await signIn(admin, server, server.accounts.get("admin")!, "/courses");
    const c = await admin.request.post(`${server.url}/api/courses`, { data: { title: "Exams 301", timeZone: "UTC" } });
    courseId = ((await c.json()) as { id: string }).id;
    const r = await admin.request.post(`${server.url}/api/courses/${courseId}/roster`, { data: { csv: "email,name,section\nada@example.com,Ada,A\nbob@example.com,Bob,A\ncy@example.com,Cy,B\n" } });
    for (const x of ((await r.json()) as { created: { email: string; password: string }[] }).created) people[x.email.split("@")[0]] = x;
    const a = await admin.request.post(`${server.url}/api/courses/${courseId}/assignments`, { data: { title: "Midterm", exerciseIds: ["dense"], releaseAt: new Date(Date.now() - 86_400_000).toISOString().slice(0, 16) } });
    expect(a.status()).toBe(201);
    assignmentId = ((await a.json()) as { id: string }).id;
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("exam mode: set on the assignment; the learner sees only 'submitted', the API holds no score", async () => {
    await admin.goto(`${server.url}/courses/${courseId}`);
    await admin.click('[data-testid="assignment-Midterm"] [data-testid="exam-link"]');
    await admin.waitForSelector('[data-testid="exam-form"]');
    const release = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);
    await admin.fill('[data-testid="exam-feedback-at"]', release);
    await admin.fill('[data-testid="exam-time-limit"]', "90");
    await admin.click('[data-testid="exam-save"]');
    await admin.waitForSelector('[data-testid="exam-saved"]');
    expect(await admin.textContent('[data-testid="exam-current"]')).toContain(release.replace("T", " "));
    await admin.screenshot({ path: join(ARTIFACTS, "exam-mode-settings.png"), fullPage: true });

    const ada = await page(1300);
    await signIn(ada, server, people.ada, "/exercises/dense");
    await ada.waitForSelector('[data-testid="exam-banner"]');
    expect(await ada.textContent('[data-testid="exam-window"]')).toMatch(/Time left: 1:29:|Time left: 1:30:/);
    await ada.waitForSelector('[data-testid="submit"]:not([disabled])');
    await ada.click('[data-testid="submit"]');
    await ada.waitForSelector('[data-testid="exam-submitted"]', { timeout: 60_000 });
    expect(await ada.textContent('[data-testid="exam-submitted"]')).toMatch(/^Submitted\. This is an exam: results are released /);
    expect(await ada.locator('[data-testid="results"], .results').count()).toBe(0);
    await ada.screenshot({ path: join(ARTIFACTS, "exam-mode-learner.png"), fullPage: true });
    // The server, not the page: graded, yet the learner's API answer has nothing of it.
    const id = await submitAs("ada", SOLUTION);
    await expect.poll(async () => ((await (await admin.request.get(`${server.url}/api/submissions/${id}`)).json()) as { status: string }).status, { timeout: 180_000, interval: 500 }).toBe("done");
    const mine = await ada.request.get(`${server.url}/api/submissions/${id}`);
    const text = await mine.text();
    expect(JSON.parse(text)).toMatchObject({ status: "done", result: null, feedbackAt: expect.any(Number) });
    expect(text).not.toMatch(/"score"|"tests"|"output"/);
    // Back to results at once, for the rest.
    expect((await admin.request.put(`${server.url}/api/courses/${courseId}/assignments/${assignmentId}/exam`, { data: { feedbackAt: "", timeLimitMinutes: "" } })).status()).toBe(200);
  }, 300_000);

  it("similarity: a check with progress ranks the copied pair first; side by side with shared fragments", async () => {
    await submitAs("bob", COPY);
    await submitAs("cy", OWN);
    await admin.goto(`${server.url}/courses/${courseId}`);
    await admin.click('[data-testid="similarity-link"]');
    await admin.waitForSelector('[data-testid="similarity-form"]');
    await admin.selectOption('[data-testid="similarity-exercise"]', "dense");
    await admin.click('[data-testid="similarity-start"]');
    await admin.waitForSelector('[data-testid="open-run"]', { timeout: 60_000 });
    expect(await admin.textContent('[data-testid="run-state"]')).toMatch(/done: \d+ similar pairs? among 3 submissions/);
    await admin.click('[data-testid="open-run"]');
    await admin.waitForSelector('[data-testid="similarity-pairs"]');
    const first = await admin.locator('[data-testid="similarity-pair"]').first().textContent();
    expect(first).toContain("ada@example.com");
    expect(first).toContain("bob@example.com");
    expect(Number((await admin.locator('[data-testid="pair-similarity"]').first().textContent())!.replace("%", ""))).toBeGreaterThan(70);
    await admin.locator('[data-testid="similarity-pair"] a').first().click();
    await admin.waitForSelector('[data-testid="similarity-side-by-side"] [data-testid="shared"]');
    expect((await admin.locator('[data-testid="side-email"]').allTextContents()).sort()).toEqual(["ada@example.com", "bob@example.com"]);
    await admin.screenshot({ path: join(ARTIFACTS, "similarity-side-by-side.png"), fullPage: true });
  }, 180_000);

  it("the admin console: search, disable (sign-in refused), re-enable, a role, a reset link", async () => {
    await admin.goto(`${server.url}/admin`);
    await admin.fill('[data-testid="admin-search"]', "cy@");
    await admin.press('[data-testid="admin-search"]', "Enter");
    await admin.waitForURL(/q=cy/);
    expect(await admin.locator('[data-testid="admin-users"] tbody tr').count()).toBe(1);
    const row = '[data-testid="user-cy@example.com"]';
    admin.once("dialog", (d) => void d.accept("copied the midterm"));
    await admin.click(`${row} [data-testid="disable"]`);
    await admin.waitForSelector(`${row} [data-testid="enable"]`);
    expect(await admin.textContent(`${row} [data-testid="user-status"]`)).toBe("disabled copied the midterm");

    const cy = await page();
    await cy.goto(`${server.url}/sign-in`);
    await cy.fill('input[name="email"]', people.cy.email);
    await cy.fill('input[name="password"]', people.cy.password);
    await cy.click('button[type="submit"]');
    // The form's own alert (Next's route announcer is a role="alert" too, and empty).
    await cy.waitForSelector('p.error[role="alert"]');
    expect(await cy.textContent('p.error[role="alert"]')).toBe("This account is disabled: ask an administrator to re-enable it.");

    await admin.click(`${row} [data-testid="enable"]`);
    await admin.waitForSelector(`${row} [data-testid="disable"]`);
    await admin.selectOption(`${row} [data-testid="role-select"]`, "instructor");
    await expect.poll(async () => (await admin.request.get(`${server.url}/api/admin/users?q=cy`)).json().then((j) => (j as { users: { role: string }[] }).users[0].role)).toBe("instructor");
    await admin.click(`${row} [data-testid="reset"]`);
    await admin.waitForSelector('[data-testid="reset-link"] code');
    const link = (await admin.textContent('[data-testid="reset-link"] code'))!;
    expect(link).toMatch(/\/reset-password\?token=/);
    await admin.goto(`${server.url}/admin`);
    expect(await admin.textContent('[data-testid="admin-courses"]')).toContain("Exams 301");
    await admin.goto(`${server.url}/admin?q=cy`);
    await admin.click(`${row} [data-testid="reset"]`);
    await admin.waitForSelector('[data-testid="reset-link"] code');
    await admin.screenshot({ path: join(ARTIFACTS, "admin-console.png"), fullPage: true });

    // The first link still works once (the second one is a separate token).
    await cy.goto(link.replace(/^https?:\/\/[^/]+/, server.url));
    await cy.fill('[data-testid="reset-password-form"] input[name="new"]', "cy-new-password");
    await cy.fill('[data-testid="reset-password-form"] input[name="again"]', "cy-new-password");
    await cy.click('[data-testid="reset-password-form"] button[type="submit"]');
    await cy.waitForSelector('[data-testid="password-saved"]');
    await signIn(cy, server, { email: people.cy.email, password: "cy-new-password" }, "/courses");
    expect(await cy.textContent('[data-testid="who"]')).toBe(people.cy.email);
  }, 180_000);
});
