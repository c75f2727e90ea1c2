/**
 * Issue 17's "done when": a learner's whole walk in real Chromium finds no English UI string.
 * With `Accept-Language: zh-CN`: sign-in, an exercise in a course (statement, Run and Submit of a
 * wrong answer, a failing result with a hint, a second Submit refused by the course's cool-down),
 * the history and, as staff, the gradebook. Unlike tests/e2e/i18n.test.ts this scan also reads the
 * grader's words (the results panel) and the server's refusals. Then the same walk in the
 * test-only pseudo-language (en-XA, GRADLAB_PSEUDO_LOCALE=1, lib/i18n/pseudo.ts), where every
 * catalogue string is ⟦accented⟧: any plain ASCII word left on the page did not come from a
 * catalogue. Allowed either way: code, identifiers, numbers, math, the learner's and the course's
 * own words (marked translate=no or set here in Chinese), the product's name.
 * Screenshots of the exercise page and the failing result land in tests/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, haveChromium, launchChromium, ROOT, type Server, signIn, startServer, typeCode } from "./server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;

const LEARNER = { email: "walker@example.com", password: "walk-learner-pw-1" };
const EXERCISE = "mse";
const WRONG = readFileSync(join(ROOT, "exercises", "03-layers", EXERCISE, "wrong", "backward-sign-flipped.ts"), "utf8");
const TITLE_EN = (JSON.parse(readFileSync(join(ROOT, "exercises", "03-layers", EXERCISE, "exercise.json"), "utf8")) as { title: string }).title;

/** Not UI text in any language: the product, code words the grader quotes, units, key names. */
const ALLOWED = new Set(["GradLab", "tfjs", "cpu", "wasm", "webgl", "webgpu", "pred", "target", "mse", "mseBackward", "MSE", "tf", "losses", "meanSquaredError", "size", "JSON", "CSV", "ms", "MiB", "KB", "Ctrl", "Shift", "Enter", "TA", "ID", "id", "UTC", "GMT", "CST", "AM", "PM", "Asia", "Shanghai", "NaN", "Infinity", "English", "TypeScript", "LMS", "LTI", "zip", "atol", "rtol"]);

/**
 * The words of plain ASCII letters left in the page's visible text and labels, each with where it
 * was. Left out: code and math, the statement (content), the console, user content (translate=no)
 * and the menus' language names.
 */
async function leftovers(page: Page, content: string[] = [], allowed: Set<string> = ALLOWED): Promise<string[]> {
  const found = await page.evaluate(() => {
    const SKIP = "script, style, code, pre:not(.msg), .katex, .monaco-editor, .markdown, [translate=no], [data-testid=who], option, .editor, noscript, [data-testid=stdout]";
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest(SKIP)) continue;
      if (el.closest("[hidden]") || getComputedStyle(el).display === "none" || getComputedStyle(el).visibility === "hidden") continue;
      const text = (n.textContent ?? "").trim();
      if (text) out.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""}: ${text}`);
    }
    for (const el of document.body.querySelectorAll("[title], [aria-label], [placeholder]")) {
      if (el.closest(SKIP)) continue;
      for (const a of ["title", "aria-label", "placeholder"]) {
        const v = el.getAttribute(a);
        if (v) out.push(`@${a}: ${v}`);
      }
    }
    return out;
  });
  return found.flatMap((where) => {
    let text = where.slice(where.indexOf(": ") + 2);
    for (const c of content) text = text.split(c).join(" ");
    text = text
      .replace(/\S+@\S+/g, " ") // emails
      .replace(/[A-Za-z_$][\w$.]*\([^)]*\)(\.\w+)*(\[[\d,\s]+\])?/g, " ") // code: mse(pred [4,3], target)
      .replace(/\b[A-Za-z_]\w*(\.[A-Za-z_]\w*)+\b/g, " ") // dotted names: tf.losses.meanSquaredError
      .replace(/\b[a-z]+[A-Z]\w*\b/g, " ") // camelCase identifiers
      .replace(/\b[A-Z][a-z]+\/[A-Za-z_]+\b/g, " ") // IANA zones
      .replace(/\b\w+-\w+(-\w+)*\b/g, (w) => (/^[a-z0-9-]+$/.test(w) ? " " : w)) // exercise ids: layer-norm
      .replace(/\b(?=\w*\d)(?=\w*[A-Za-z])\w+\b/g, " "); // versions and hashes: v3a9f0c
    const words = (text.match(/[A-Za-z][A-Za-z'’]*[A-Za-z]/g) ?? []).filter((w) => !allowed.has(w));
    return words.length ? [`${where} → ${words.join(" ")}`] : [];
  });
}

/** The pseudo-language formats dates as English does (CLDR's words, not the catalogue's). */
const PSEUDO_ALLOWED = new Set([...ALLOWED, ..."Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June July August September October November December Mon Tue Wed Thu Fri Sat Sun".split(" ")]);

let server: Server;
let browser: Browser;
let courseId = "";
const shot = (name: string) => join(ARTIFACTS, name);

run("the learner's walk holds no English (zh-CN, then the pseudo-language)", () => {
  beforeAll(async () => {
    process.env.GRADLAB_PSEUDO_LOCALE = "1"; // the server started below offers en-XA
    server = await startServer();
    browser = await launchChromium();
    const admin = server.cli("token", server.accounts.get("admin")!.email);
    const api = async (method: string, path: string, body: unknown) => {
      const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json", authorization: `Bearer ${admin}` }, body: JSON.stringify(body) });
      expect(r.status, `${method} ${path}: ${await r.clone().text()}`).toBeLessThan(300);
      return (await r.json()) as { id: string };
    };
    server.cli("user", "add", LEARNER.email, "--role", "learner", "--password", LEARNER.password);
    courseId = (await api("POST", "/api/courses", { title: "深度学习入门", timeZone: "Asia/Shanghai" })).id;
    for (const email of [LEARNER.email, server.accounts.get("learner")!.email]) await api("PUT", `/api/courses/${courseId}/members`, { email, role: "learner" });
    // A cool-down, so that a second Submit is refused by the course's rules (the server's words, localized).
    await api("POST", `/api/courses/${courseId}/assignments`, { title: "第一周", exerciseIds: [EXERCISE], cooldownSeconds: 3600 });
  }, 900_000);

  afterAll(async () => {
    delete process.env.GRADLAB_PSEUDO_LOCALE;
    await browser?.close();
    await server?.stop();
  });

  async function learnerPage(acceptLanguage: string, locale: string): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, extraHTTPHeaders: { "Accept-Language": acceptLanguage }, timezoneId: "Asia/Shanghai" });
    // The pseudo-language also by the visitor's cookie (app/_i18n/request.ts: saved choice, cookie, Accept-Language).
    if (locale === "en-XA") await ctx.addCookies([{ name: "gradlab-locale", value: "en-XA", url: server.url }]);
    return { ctx, page: await ctx.newPage() };
  }


  it("zh-CN: sign-in, the exercise (Run, Submit, a hint, a refused Submit), history and gradebook", async () => {
    const { ctx, page } = await learnerPage("zh-CN,zh;q=0.9", "zh-CN");
    await page.goto(`${server.url}/sign-in?next=${encodeURIComponent(`/exercises/${EXERCISE}`)}`);
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect.soft(await leftovers(page)).toEqual([]);

    await signIn(page, server, LEARNER, `/exercises/${EXERCISE}`);
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
    expect(await page.textContent(".statement .markdown h1")).toMatch(/[\u4e00-\u9fff]/);
    await expect.poll(() => page.getAttribute('[data-testid="backend"]', "data-backend").catch(() => null), { timeout: 60_000 }).not.toBeNull();
    expect.soft(await leftovers(page)).toEqual([]);

    await typeCode(page, WRONG);
    await page.click('[data-testid="run"]');
    const results = page.locator('[data-testid="results"]');
    await expect.poll(() => results.getAttribute("data-status"), { timeout: 60_000 }).toBe("failed");
    expect.soft(await leftovers(page)).toEqual([]);

    await page.click('[data-testid="submit"]');
    await expect.poll(async () => (await results.locator("h3").textContent())?.trim(), { timeout: 180_000 }).toBe("提交评分结果");
    expect(await results.getAttribute("data-status")).toBe("failed");
    const hint = results.locator(".hint").first();
    await hint.waitFor();
    expect(await hint.textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect.soft(await leftovers(page)).toEqual([]);
    await page.screenshot({ path: shot("zh-walk-exercise.png"), fullPage: true });
    await results.screenshot({ path: shot("zh-walk-failing-result.png") });

    // A second Submit inside the cool-down: the server's refusal, in Chinese, naming the wait.
    await page.click('[data-testid="submit"]');
    const alert = page.locator('.workbench p.error[role="alert"]');
    await expect.poll(() => alert.textContent().catch(() => ""), { timeout: 30_000 }).toMatch(/请等待 \d+ 秒后再提交本练习/);
    expect.soft(await leftovers(page)).toEqual([]);

    await page.goto(`${server.url}/exercises/${EXERCISE}/history`);
    await page.waitForSelector('[data-testid="submitted-at"]');
    expect.soft(await leftovers(page)).toEqual([]);
    await ctx.close();

    const staff = await learnerPage("zh-CN", "zh-CN");
    await signIn(staff.page, server, server.accounts.get("admin")!, `/courses/${courseId}/gradebook`);
    await staff.page.waitForSelector("table", { timeout: 30_000 });
    expect.soft(await leftovers(staff.page)).toEqual([]);
    await staff.ctx.close();
  }, 400_000);

  it("pseudo-language: every string on the walk comes from a catalogue", async () => {
    const { ctx, page } = await learnerPage("en-XA", "en-XA");
    await page.goto(`${server.url}/sign-in?next=${encodeURIComponent(`/exercises/${EXERCISE}`)}`);
    expect(await page.getAttribute("html", "lang")).toBe("en-XA");
    expect((await page.textContent('button[type="submit"]'))?.trim()).toMatch(/^⟦.*⟧$/);
    expect.soft(await leftovers(page, [], PSEUDO_ALLOWED)).toEqual([]);

    await signIn(page, server, LEARNER, `/exercises/${EXERCISE}`);
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
    // The exercise's title is content (its statement's heading), English without a translation.
    const content = [TITLE_EN];
    expect.soft(await leftovers(page, content, PSEUDO_ALLOWED)).toEqual([]);

    await typeCode(page, WRONG);
    await page.click('[data-testid="run"]');
    const results = page.locator('[data-testid="results"]');
    await expect.poll(() => results.getAttribute("data-status"), { timeout: 60_000 }).toBe("failed");
    expect(await results.locator(".hint").first().textContent()).toMatch(/⟦/);
    expect.soft(await leftovers(page, content, PSEUDO_ALLOWED)).toEqual([]);
    await page.screenshot({ path: shot("pseudo-walk-exercise.png"), fullPage: true });

    // Submit is refused (the cool-down from the zh-CN pass): the server's words are marked too.
    await page.click('[data-testid="submit"]');
    await expect.poll(() => page.locator('.workbench p.error[role="alert"]').textContent().catch(() => ""), { timeout: 30_000 }).toMatch(/⟦.*⟧/);
    expect.soft(await leftovers(page, content, PSEUDO_ALLOWED)).toEqual([]);

    await page.goto(`${server.url}/exercises/${EXERCISE}/history`);
    await page.waitForSelector('[data-testid="submitted-at"]');
    expect.soft(await leftovers(page, content, PSEUDO_ALLOWED)).toEqual([]);
    await ctx.close();

    const staff = await learnerPage("en-XA", "en-XA");
    await signIn(staff.page, server, server.accounts.get("admin")!, `/courses/${courseId}/gradebook`);
    await staff.page.waitForSelector("table", { timeout: 30_000 });
    expect.soft(await leftovers(staff.page, content, PSEUDO_ALLOWED)).toEqual([]);
    await staff.ctx.close();
  }, 300_000);
});
