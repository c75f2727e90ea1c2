/**
 * LTI deep linking in Chromium (issue 16 "done when"): the test LMS (tests/lti/platform.ts, real
 * HTTP and signed JWTs) sends an instructor to GradLab's picker with an LtiDeepLinkingRequest; the
 * instructor ticks two exercises; GradLab's page posts the signed response back and the LMS
 * receives (and verifies) two resource links; a learner's launch of one opens that exercise. The
 * picker is screenshotted in English and in Chinese (tests/artifacts/lti-deep-link-picker-*.png).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { ARTIFACTS, haveChromium, launchChromium, signIn, startServer, type Server } from "./server.ts";
import { ROLE, TestPlatform } from "../lti/platform.ts";
import { DeepLinkPlatform, type ContentItem } from "../lti/platform-deep-link.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;
const PICKED = ["dense", "activations"];

let server: Server;
let browser: Browser;
const lms = new TestPlatform();
let dl: DeepLinkPlatform;

run("LTI deep linking from a test LMS, in Chromium", () => {
  beforeAll(async () => {
    server = await startServer();
    await lms.start();
    dl = new DeepLinkPlatform(lms, `${server.url}/api/lti/jwks`);
    const r = lms.registration();
    server.cli("lti", "add-platform", "--issuer", r.issuer, "--client-id", r.clientId, "--auth-endpoint", r.authEndpoint, "--token-endpoint", r.tokenEndpoint, "--jwks-url", r.jwksUrl, "--deployment", r.deploymentIds[0]);
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await lms.stop();
  });

  let items: ContentItem[] = [];

  it("an instructor picks two exercises in GradLab's picker; the LMS receives two resource links", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", extraHTTPHeaders: { "Accept-Language": "en" } });
    const page = await ctx.newPage();
    await page.goto(lms.loginInitiation(`${server.url}/api/lti/login`, dl.request({ sub: "e2e-prof", roles: [ROLE.instructor], name: "Prof E2E", email: "prof@e2e.edu", data: "lms-state-7" })));
    await page.waitForURL((u) => u.pathname === "/lti/deep-link", { timeout: 30_000 });
    await expect.poll(() => page.textContent("h1")).toBe("Add GradLab activities to your course");
    expect(await page.textContent("main")).toContain("Deep Learning 101");
    await page.screenshot({ path: join(ARTIFACTS, "lti-deep-link-picker-en.png"), fullPage: false });

    for (const id of PICKED) await page.check(`[data-testid="pick-${id}"]`);
    await page.click('[data-testid="deep-link-submit"]');
    // GradLab's page posts the signed response to the LMS's return URL; the LMS shows what it got.
    await page.waitForURL(dl.returnUrl, { timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="lms-items"] li').count()).toBe(2);
    const got = dl.received.at(-1)!;
    expect(got.ok, JSON.stringify(got)).toBe(true);
    if (!got.ok) return;
    items = got.items;
    expect(got.claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"]).toBe("lms-state-7");
    // In the picker's (catalogue) order.
    expect(items.map((i) => [i.type, i.custom?.exercise, i.url]).sort()).toEqual(PICKED.map((id) => ["ltiResourceLink", id, `${server.url}/api/lti/launch`]).sort());
    for (const i of items) expect(i.lineItem?.scoreMaximum).toBeGreaterThan(0);
    await ctx.close();
  }, 120_000);

  it("a learner's launch of one returned link opens that exercise", async () => {
    expect(items).toHaveLength(2);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { "Accept-Language": "en" } });
    const page = await ctx.newPage();
    await page.goto(lms.loginInitiation(`${server.url}/api/lti/login`, dl.launchOf(items[1], "e2e-learner", [ROLE.learner], { name: "Lea Learner" })));
    await page.waitForURL((u) => u.pathname === `/exercises/${items[1].custom!.exercise}`, { timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="who"]').textContent()).toMatch(/@/);
    await ctx.close();
  }, 120_000);

  it("the picker in Chinese", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });
    const page = await ctx.newPage();
    await page.goto(lms.loginInitiation(`${server.url}/api/lti/login`, dl.request({ sub: "e2e-prof-zh", roles: [ROLE.instructor], name: "王老师" })));
    await page.waitForURL((u) => u.pathname === "/lti/deep-link", { timeout: 30_000 });
    await expect.poll(() => page.textContent("h1")).toBe("向课程添加 GradLab 活动");
    expect(await page.textContent('[data-testid="deep-link-submit"]')).toBe("添加到课程");
    await page.screenshot({ path: join(ARTIFACTS, "lti-deep-link-picker-zh-CN.png"), fullPage: false });
    // Nothing ticked: the picker says so, in Chinese.
    await page.click('[data-testid="deep-link-submit"]');
    await expect.poll(() => page.locator('[data-testid="deep-link-error"]').textContent()).toContain("没有选择任何内容");
    await ctx.close();
  }, 120_000);

  it("Admin → LTI shows the registered platform and GradLab's values, in English and Chinese", async () => {
    for (const [locale, heading] of [["en", "LTI (learning platforms)"], ["zh-CN", "LTI（学习平台）"]] as const) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale, extraHTTPHeaders: { "Accept-Language": locale } });
      const page = await ctx.newPage();
      await signIn(page, server, server.accounts.get("admin")!, "/admin/lti");
      await page.goto(`${server.url}/admin/lti`);
      await expect.poll(() => page.textContent("h1")).toBe(heading);
      expect(await page.textContent('[data-testid="lti-tool-values"]')).toContain(`${server.url}/api/lti/login`);
      expect(await page.locator(`[data-testid="lti-platform-${lms.issuer}"]`).count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, `lti-admin-${locale}.png`), fullPage: true });
      await ctx.close();
    }
  }, 120_000);
});
