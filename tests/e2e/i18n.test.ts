/**
 * The product in Simplified Chinese (issue 17), in real Chromium against the real server, with
 * `Accept-Language: zh-CN` and no saved choice: sign-in, the dense exercise (its statement in
 * Chinese, Run and Submit of the starter, a failing result), the history and the gradebook. Each
 * page's chrome must hold no English: text and labels are scanned, leaving out code, math, the
 * statement's own text (content, checked to be Chinese), check names and the grader's messages
 * (data-i18n: translated in a later step), emails and proper nouns. Then the top bar's menu
 * switches to English, saved on the account. Screenshots at 1440 and 390 px wide (they need a
 * CJK font where Chromium runs, e.g. Debian's fonts-wqy-microhei or fonts-noto-cjk; the text
 * checks do not).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, haveChromium, launchChromium, signIn, startServer, type Server } from "./server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;

const LEARNER = { email: "xuesheng@example.com", password: "zh-learner-pw-1" };
const COURSE = "深度学习入门";
// Words that are not UI text in any language: names, keys, code-ish tokens.
const ALLOWED = new Set(["sigmoid", "Softmax", "Dropout", "RMSProp", "Adam", "AdamW", "rate", "units", "pre-norm", "fan-in", "fan-out", "scatter-add", "JSON", "zip", "GradLab", "TensorFlow", "js", "tfjs", "Ctrl", "Shift", "Enter", "English", "TA", "CSV", "LMS", "ms", "pt", "pts", "cpu", "wasm", "webgl", "webgpu", "dense", "mse", "GELU", "LoRA", "ReLU", "MLP", "LSTM", "GRU", "RNN", "NHWC", "SGD", "ROC", "AUC", "F1", "Keras", "Glorot", "He", "MNIST", "Transformer", "LayerNorm", "softmax", "logits", "dropout", "scatter", "add", "inverted", "pre", "norm", "valid", "same", "tf", "layers", "batchNormalization", "gru", "train", "model", "summary", "fan", "in", "out", "tanh", "id", "ids", "AI", "A", "B"]);

/** The English words left in the page's chrome (text and accessible labels), each with where it was. */
async function englishIn(page: Page): Promise<string[]> {
  const found = await page.evaluate(() => {
    // Not UI text: code, math, the statement (content), the grader's words (data-i18n), user content (translate=no).
    const SKIP = "script, style, code, pre, .katex, .monaco-editor, .markdown, [data-i18n], [translate=no], [data-testid=who], option, .editor, noscript";
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest(SKIP)) continue;
      if (el.closest("[hidden]") || getComputedStyle(el).display === "none") continue;
      const text = (n.textContent ?? "").trim();
      if (text) out.push(`${el.tagName.toLowerCase()}: ${text}`);
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
    const text = where
      .slice(where.indexOf(": ") + 2)
      .replace(/\S+@\S+/g, "") // emails
      .replace(/[A-Za-z_][\w.]*\([^)]*\)(\.\w+)*(\[[\d,]+\])?/g, "") // code: denseForward(x, w, b).dx[0,1]
      .replace(/\b[A-Z][a-z]+\/[A-Za-z_]+\b/g, ""); // IANA zones: Asia/Shanghai
    const words = (text.match(/[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]/g) ?? []).filter((w) => !ALLOWED.has(w) && w.length > 1);
    return words.length ? [`${where} → ${words.join(" ")}`] : [];
  });
}

let server: Server;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let courseId = "";

run("GradLab in Simplified Chinese, in Chromium", () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    const admin = server.cli("token", server.accounts.get("admin")!.email);
    const api = async (method: string, path: string, body: unknown, token = admin) => {
      const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      expect(r.status, `${method} ${path}: ${await r.clone().text()}`).toBeLessThan(300);
      return (await r.json()) as { id: string };
    };
    // The gradebook's course, with the demo learner in it (the walking learner is in no course).
    courseId = (await api("POST", "/api/courses", { title: COURSE, timeZone: "Asia/Shanghai" })).id;
    await api("PUT", `/api/courses/${courseId}/members`, { email: server.accounts.get("learner")!.email, role: "learner" });
    await api("POST", `/api/courses/${courseId}/assignments`, { title: "第一周", exerciseIds: ["mse"] });
    server.cli("user", "add", LEARNER.email, "--role", "learner", "--password", LEARNER.password);
    ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" }, timezoneId: "Asia/Shanghai" });
    page = await ctx.newPage();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("sign-in page is in Chinese", async () => {
    await page.goto(`${server.url}/sign-in?next=${encodeURIComponent("/exercises/dense")}`);
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect((await page.textContent('button[type="submit"]'))?.trim()).toBe("登录");
    expect(await englishIn(page)).toEqual([]);
    await page.fill('input[name="email"]', LEARNER.email);
    await page.fill('input[name="password"]', "wrong-password-1");
    await page.click('button[type="submit"]');
    await expect.poll(() => page.textContent('[role="alert"]')).toBe("邮箱或密码错误。");
    await page.screenshot({ path: join(ARTIFACTS, "zh-sign-in.png") });
  }, 60_000);

  it("exercise: statement in Chinese; Run and Submit the starter; a failing result with Chinese labels", async () => {
    await signIn(page, server, LEARNER, "/exercises/dense");
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
    expect((await page.textContent(".statement .markdown h1"))?.trim()).toBe("全连接层");
    expect(await page.locator('[data-testid="translation-note"]').count()).toBe(0);
    expect(await page.textContent(".topbar .crumbs")).toContain("全连接层");
    await expect.poll(() => page.textContent('[data-testid="backend"]'), { timeout: 60_000 }).toMatch(/^在 tfjs \w+ 上运行$/);

    await page.click('[data-testid="run"]');
    const results = page.locator('[data-testid="results"]');
    await expect.poll(() => results.getAttribute("data-status"), { timeout: 60_000 }).toBe("failed");
    expect((await results.locator("h3").textContent())?.trim()).toBe("运行结果：公开检查项");
    expect(await results.locator(".badge").textContent()).toBe("未通过");
    expect(await englishIn(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "zh-exercise-run-1440.png"), fullPage: true });

    await page.click('[data-testid="submit"]');
    await expect.poll(async () => (await results.locator("h3").textContent())?.trim(), { timeout: 180_000 }).toBe("提交评分结果");
    expect(await results.getAttribute("data-status")).toBe("failed");
    expect(await englishIn(page)).toEqual([]);
    await results.screenshot({ path: join(ARTIFACTS, "zh-failing-result.png") });
    await page.screenshot({ path: join(ARTIFACTS, "zh-exercise-submit-1440.png"), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await englishIn(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "zh-exercise-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 300_000);

  it("history is in Chinese, times in Chinese format", async () => {
    await page.goto(`${server.url}/exercises/dense/history`);
    await expect.poll(() => page.textContent('[data-testid="history-zone"]')).toBe("时间按你所在的时区（Asia/Shanghai）显示。");
    expect(await page.textContent("h1")).toBe("全连接层：我的提交记录");
    expect(await page.locator('[data-testid="submitted-at"] time').first().textContent()).toMatch(/^\d{4}\/\d{2}\/\d{2}/);
    expect(await englishIn(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "zh-history-1440.png"), fullPage: true });
  }, 60_000);

  it("the home page lists the sets and exercises in Chinese", async () => {
    await page.goto(`${server.url}/`);
    expect(await page.textContent("h1")).toBe("习题集");
    expect(await page.textContent('[data-testid="exercise-dense"]')).toContain("全连接层");
    expect(await englishIn(page)).toEqual([]);
  }, 60_000);

  it("the gradebook is in Chinese for an instructor", async () => {
    const staff = await ctx.browser()!.newContext({ viewport: { width: 1440, height: 900 }, locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN" } });
    const p = await staff.newPage();
    await signIn(p, server, server.accounts.get("admin")!, `/courses/${courseId}/gradebook`);
    await p.waitForSelector('[data-testid="gradebook"], table', { timeout: 30_000 });
    const english = await englishIn(p);
    await p.screenshot({ path: join(ARTIFACTS, "zh-gradebook-1440.png"), fullPage: true });
    await p.setViewportSize({ width: 390, height: 844 });
    await p.screenshot({ path: join(ARTIFACTS, "zh-gradebook-390.png"), fullPage: true });
    await staff.close();
    expect(english).toEqual([]);
  }, 60_000);

  it("the top bar switches to English, saved on the account", async () => {
    await page.goto(`${server.url}/exercises/dense/history`);
    await page.selectOption('[data-testid="locale-switch"]', "en");
    await expect.poll(() => page.textContent("h1"), { timeout: 20_000 }).toBe("Dense layer: your submissions");
    // Another browser still asking for Chinese gets English: the account's choice wins.
    const other = await browser.newContext({ locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN" } });
    const p = await other.newPage();
    await signIn(p, server, LEARNER, "/");
    expect(await p.textContent("h1")).toBe("Problem sets");
    await other.close();
    await page.selectOption('[data-testid="locale-switch"]', "zh-CN");
    await expect.poll(() => page.textContent("h1"), { timeout: 20_000 }).toBe("全连接层：我的提交记录");
  }, 60_000);
});
