/**
 * Issue 12 item 10 in real Chromium against the real server:
 *   - the exercise page installs public/gradlab-sw.js (scope /exercises/), and a second visit gets
 *     Monaco's editor.js, nd's declarations and the Run worker from the worker's cache, while the
 *     page's HTML and API answers still come from the server;
 *   - a new build (a worker URL with other fingerprints) replaces the old cache;
 *   - every page's client components find their messages (app/_i18n/client-messages.tsx sends each
 *     page only some namespaces): no next-intl MISSING_MESSAGE in the console and no "ns.key"
 *     placeholder on screen, in English and in Chinese.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { haveChromium, launchChromium, ROOT, signIn, startServer, type Server } from "./server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;
/** Every message key, "namespace.key.path": next-intl shows the key when a client component lacks its message. */
function keysOf(value: unknown, prefix: string): string[] {
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keysOf(v, `${prefix}.${k}`));
}
const KEYS = new Set(
  readdirSync(join(ROOT, "messages", "en"))
    .filter((f) => f.endsWith(".json"))
    .flatMap((f) => keysOf(JSON.parse(readFileSync(join(ROOT, "messages", "en", f), "utf8")), f.replace(/\.json$/, ""))),
);
const placeholders = (text: string) => [...text.matchAll(/[A-Za-z][\w-]*(?:\.[\w-]+)+/g)].map((m) => m[0]).filter((w) => KEYS.has(w));

run("opening fast", () => {
  let server: Server;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const swState = (page: Page) =>
    page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration("/exercises/");
      return { active: reg?.active?.state ?? null, script: reg?.active?.scriptURL ?? null, caches: await caches.keys(), controlled: !!navigator.serviceWorker.controller };
    });

  it("a second visit takes the big scripts from the service worker's cache, never the page or the API", async () => {
    const learner = server.accounts.get("learner")!;
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      await signIn(page, server, learner, "/exercises/dense");
      await page.waitForSelector('[data-testid="run"]:not([disabled])', { timeout: 120_000 });
      // Registered after load when idle; installed once every listed asset is cached.
      await expect.poll(async () => (await swState(page)).active, { timeout: 60_000 }).toBe("activated");
      const first = await swState(page);
      expect(first.script).toMatch(/\/gradlab-sw\.js\?v=[0-9a-f]{16}&/);
      expect(first.caches).toEqual([expect.stringMatching(/^gradlab-assets-[0-9a-f]{16}$/)]);
      const cached = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), first.caches[0]!);
      expect(cached).toEqual(expect.arrayContaining([expect.stringMatching(/^\/gradlab\/monaco\.[0-9a-f]{16}\/editor\.js$/), expect.stringMatching(/^\/gradlab\/esbuild\.[0-9a-f]{16}\.wasm$/), expect.stringMatching(/^\/gradlab\/run\/run-worker\.[0-9a-f]{16}\.js$/)]));

      const again = await ctx.newPage();
      const seen: { path: string; sw: boolean }[] = [];
      again.on("response", (r) => seen.push({ path: new URL(r.url()).pathname, sw: r.fromServiceWorker() }));
      await again.goto(`${server.url}/exercises/dense`);
      await again.waitForSelector('[data-testid="editor"] .monaco-editor .view-lines .view-line', { timeout: 120_000 });
      await again.waitForSelector('[data-testid="run"]:not([disabled])', { timeout: 120_000 });
      expect((await swState(again)).controlled).toBe(true);
      const from = (re: RegExp) => seen.filter((s) => re.test(s.path));
      expect(from(/\/editor\.js$/).length).toBeGreaterThan(0);
      expect(from(/\/editor\.js$/).every((s) => s.sw)).toBe(true);
      expect(from(/nd-types\.[0-9a-f]{16}\.json$/).every((s) => s.sw)).toBe(true);
      expect(from(/^\/exercises\/dense$/)).toEqual([{ path: "/exercises/dense", sw: false }]);
      expect(from(/^\/api\//).every((s) => !s.sw)).toBe(true);

      // The Run worker works from the cache: Run gives a result.
      await again.click('[data-testid="run"]');
      await again.waitForSelector('[data-testid="results"]', { timeout: 120_000 });
    } finally {
      await ctx.close();
    }
  }, 600_000);

  it("a new build's fingerprints replace the old cache", async () => {
    const learner = server.accounts.get("learner")!;
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      await signIn(page, server, learner, "/exercises/dense");
      await expect.poll(async () => (await swState(page)).active, { timeout: 120_000 }).toBe("activated");
      const old = await swState(page);
      // What the next build's page would register: another version, other asset names.
      const script = new URL(old.script!);
      const ndTypes = script.searchParams.getAll("a").find((a) => a.includes("nd-types"))!;
      const next = `/gradlab-sw.js?${new URLSearchParams([["v", "0123456789abcdef"], ["a", ndTypes]])}`;
      await page.evaluate((url) => navigator.serviceWorker.register(url, { scope: "/exercises/" }).then(() => undefined), next);
      await expect.poll(async () => (await swState(page)).caches, { timeout: 60_000 }).toEqual(["gradlab-assets-0123456789abcdef"]);
      expect((await swState(page)).script).toBe(new URL(next, server.url).href);
    } finally {
      await ctx.close();
    }
  }, 600_000);

  for (const locale of ["en", "zh-CN"]) {
    it(`every page's client components find their messages (${locale})`, async () => {
      const problems: string[] = [];
      const visit = async (ctx: BrowserContext, path: string, ready: string) => {
        const page = await ctx.newPage();
        page.on("console", (m) => {
          if (/MISSING_MESSAGE/.test(m.text())) problems.push(`${path}: ${m.text()}`);
        });
        await page.goto(`${server.url}${path}`);
        await page.waitForSelector(ready, { timeout: 120_000 });
        const text = await page.evaluate(() => document.body.innerText);
        for (const key of placeholders(text)) problems.push(`${path}: shows "${key}"`);
        await page.close();
      };
      const headers = { "Accept-Language": locale === "en" ? "en" : "zh-CN,zh;q=0.9" };
      const anon = await browser.newContext({ locale, extraHTTPHeaders: headers });
      await visit(anon, "/sign-in", 'button[type="submit"]');
      await visit(anon, "/reset-password", "body");
      await anon.close();
      for (const [who, pages] of [
        ["learner", [["/", "body"], ["/exercises/dense", '[data-testid="run"]:not([disabled])'], ["/exercises/dense/history", "body"], ["/account", "body"], ["/courses", "body"]]],
        ["admin", [["/admin", "body"], ["/admin/lti", "body"], ["/admin/queue", "body"], ["/courses", "body"], ["/exercises/dense/author", "body"]]],
      ] as const) {
        const ctx = await browser.newContext({ locale, extraHTTPHeaders: headers });
        const page = await ctx.newPage();
        await signIn(page, server, server.accounts.get(who)!);
        await page.close();
        for (const [path, ready] of pages) await visit(ctx, path, ready);
        await ctx.close();
      }
      expect(problems).toEqual([]);
    }, 600_000);
  }
});
