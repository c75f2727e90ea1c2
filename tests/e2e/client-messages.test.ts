/**
 * Each page sends its client components only the next-intl namespaces they use
 * (app/_i18n/client-messages.tsx; issue 12 item 10: the exercise page's HTML fell from 25 to 15 KB
 * gzipped). In real Chromium against the real server, in English and in Chinese: no next-intl
 * MISSING_MESSAGE in the console and no "ns.key" placeholder on screen.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
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

run("every page finds its messages", () => {
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
