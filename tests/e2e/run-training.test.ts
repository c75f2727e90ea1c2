/**
 * Run for the training exercises (issue 12.8) and the narrow page (12.12), in real Chromium: the
 * learner Runs mnist-mlp's solution on the practice digits and sees the progress bar and a live
 * loss curve while it trains, then full visible marks; a second Run is stopped with Stop. At
 * 390 × 844 the top bar fits and Run is reachable without scrolling through the statement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, ROOT, haveChromium, launchChromium, signIn, startServer, type Server } from "./server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;
const SOLUTION = readFileSync(join(ROOT, "exercises/05-training/mnist-mlp/solution.ts"), "utf8");

async function openWithCode(page: Page, server: Server, id: string, code: string) {
  await page.goto(`${server.url}/exercises/${id}`);
  await page.waitForSelector('[data-testid="backend"][data-backend]', { timeout: 90_000 });
  await page.waitForFunction(() => !!(window as unknown as { __gradlabEditor?: unknown }).__gradlabEditor, undefined, { timeout: 90_000 });
  await page.evaluate((c) => (window as unknown as { __gradlabEditor: { setValue(v: string): void } }).__gradlabEditor.setValue(c), code);
}

run("Run for a training exercise", () => {
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("mnist-mlp: live loss and progress while it trains on the practice digits, full visible marks, and Stop ends a run", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await signIn(page, server, server.accounts.get("learner")!, "/");
    // A training loop that logs a loss per epoch; the solution trains 10 epochs.
    await openWithCode(page, server, "mnist-mlp", SOLUTION);
    await page.click('[data-testid="run"]:not([disabled])');
    await page.waitForSelector('[data-testid="run-progress"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="live-loss"] polyline', { timeout: 120_000 });
    expect(Number(await page.getAttribute('[data-testid="run-progress-bar"]', "value"))).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, "run-training-live.png"), fullPage: true });
    const results = page.locator('[data-testid="results"]');
    await results.waitFor({ timeout: 300_000 });
    await page.screenshot({ path: join(ARTIFACTS, "run-training-result.png"), fullPage: true });
    expect(await page.locator('[data-testid="test"][data-status="failed"]').allTextContents()).toEqual([]);
    expect(await results.getAttribute("data-score")).toBe(await results.getAttribute("data-max"));
    // Scored on practice digits, and it says so.
    expect(await results.textContent()).toContain("practice digits");

    // Stop: a training loop that never ends is ended by the learner, not by the time limit.
    await openWithCode(page, server, "mnist-mlp", SOLUTION.replace("export function train(", "export function train(...a: Parameters<typeof trainReal>) { for (;;) console.log(`epoch 1/10 loss ${Math.random()}`); }\nfunction trainReal("));
    await page.click('[data-testid="run"]:not([disabled])');
    await page.waitForSelector('[data-testid="live-loss"] polyline', { timeout: 60_000 });
    const t0 = Date.now();
    await page.click('[data-testid="run-stop"]');
    await results.waitFor({ timeout: 30_000 });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(await page.textContent('[data-testid="results"]')).toContain("You stopped this Run");
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);

  it("at 390 px: the top bar fits and Run is within reach without scrolling through the statement", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, server, server.accounts.get("learner")!, "/");
    await page.goto(`${server.url}/exercises/lstm`);
    await page.waitForSelector('[data-testid="run"]');
    await page.screenshot({ path: join(ARTIFACTS, "exercise-390.png"), fullPage: false });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    const signOut = await page.locator(".topbar button").last().boundingBox();
    expect(signOut && signOut.x + signOut.width).toBeLessThanOrEqual(390);
    const runBox = await page.locator('[data-testid="run"]').boundingBox();
    // Before: 1800 px down; now after the statement's own scroll box (42% of the height) and the top bar.
    expect(runBox!.y).toBeLessThan(844);
    expect(await page.title()).toMatch(/· GradLab$/);
    await page.close();
  }, 120_000);
});
