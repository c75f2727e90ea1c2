/**
 * The public surface of the real server (`gradlab start`), attacked as issue 11 describes:
 *   - a 200 MiB body (declared, and chunked with no content-length) to the sign-in endpoint:
 *     413, and the web process's resident memory stays put (it went from 161 MB to 1.21 GB);
 *   - a page on another port of the same host posts with the learner's cookie: 403, nothing
 *     stored; the same request from the app's own origin and a bearer script still work;
 *   - wrong passwords end in 429 with Retry-After, still 429 after a restart;
 *   - pages carry the CSP (with the nonce on Next's scripts) and the other security headers, and
 *     the exercise page works in Chromium under it with no CSP violation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { ROOT, haveChromium, launchChromium, signIn, startServer, type Server } from "../e2e/server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;

let server: Server;

/** The web process of `server` (its environment has the server's PORT; not a worker, not the CLI). */
function webPid(): number {
  const port = new URL(server.url).port;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
      if (!/web-server\.ts|next/.test(cmd)) continue;
      if (readFileSync(`/proc/${d}/environ`, "utf8").split("\0").includes(`PORT=${port}`)) return Number(d);
    } catch {
      /* gone, or not ours */
    }
  }
  throw new Error("the web server process was not found");
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
  return Math.round(kb / 1024);
}

/** POST `total` bytes to `path` (chunked unless `declare`); the status the server answered, or -1 if it only hung up. */
function flood(path: string, total: number, declare: boolean): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (declare) headers["content-length"] = String(total);
    const r = request(`${server.url}${path}`, { method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    r.on("error", () => resolve(-1));
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < total && !r.destroyed) {
        sent += chunk.length;
        if (!r.write(chunk)) return void r.once("drain", pump);
      }
      r.end();
    };
    pump();
  });
}

async function cookieOf(who: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: server.url }, body: JSON.stringify(who) });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

function submissionCount(): number {
  const db = new Database(join(server.dataDir, "gradlab.sqlite"), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM submissions").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const SOLUTION = readFileSync(join(ROOT, "exercises/03-layers/dense/solution.ts"), "utf8");

run("the real server under attack", () => {
  beforeAll(async () => {
    server = await startServer();
  }, 900_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("refuses 200 MiB bodies (declared and chunked) to sign-in with 413, without growing", async () => {
    const pid = webPid();
    const before = rssMiB(pid);
    expect(await flood("/api/auth/sign-in/email", 200 << 20, true)).toBe(413);
    expect(await flood("/api/auth/sign-in/email", 200 << 20, false)).toBe(413);
    const concurrent = await Promise.all([0, 1, 2, 3].map(() => flood("/api/submissions", 400 << 20, false)));
    expect(concurrent).toEqual([413, 413, 413, 413]);
    const after = rssMiB(pid);
    console.log(`[redteam] web server RSS ${before} MiB before, ${after} MiB after 2×200 MiB + 4×400 MiB bodies`);
    expect(after - before).toBeLessThan(64);
    // still serving
    expect((await fetch(`${server.url}/sign-in`)).status).toBe(200);
  }, 120_000);

  it("refuses a cross-origin POST with the learner's cookie (403, nothing stored); own origin and bearer scripts work", async () => {
    const cookie = await cookieOf(server.accounts.get("learner")!);
    const evil = `http://127.0.0.1:${Number(new URL(server.url).port) + 1}`;
    const body = JSON.stringify({ exerciseId: "dense", code: SOLUTION });
    const before = submissionCount();
    for (const headers of [{ origin: evil }, { "sec-fetch-site": "same-site" }] as Record<string, string>[]) {
      const res = await fetch(`${server.url}/api/submissions`, { method: "POST", headers: { "content-type": "application/json", cookie, ...headers }, body });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/Refused .*GradLab's own pages/);
    }
    const join = await fetch(`${server.url}/api/join/some-invite-token`, { method: "POST", headers: { "content-type": "application/json", cookie, origin: evil }, body: "{}" });
    expect(join.status).toBe(403);
    expect(submissionCount()).toBe(before);

    const own = await fetch(`${server.url}/api/submissions`, { method: "POST", headers: { "content-type": "application/json", cookie, origin: server.url }, body });
    expect(own.status).toBe(202);
    const token = server.cli("token", server.accounts.get("learner")!.email);
    const script = await fetch(`${server.url}/api/drafts/dense`, { method: "PUT", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ code: "// draft" }) });
    expect(script.status).toBe(204);
    expect(submissionCount()).toBe(before + 1);
  }, 60_000);

  it("says those refusals in the reader's language (locale cookie, else Accept-Language), pages' too", async () => {
    const cookie = await cookieOf(server.accounts.get("learner")!);
    const evil = `http://127.0.0.1:${Number(new URL(server.url).port) + 1}`;
    const write = (path: string, headers: Record<string, string>, body = "{}") => fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const said = async (res: Response) => ({ status: res.status, cacheControl: res.headers.get("cache-control"), nosniff: res.headers.get("x-content-type-options"), body: (await res.json()) as { error: string; code?: string; english?: string } });

    const zh403 = await said(await write("/api/submissions", { cookie: `${cookie}; gradlab-locale=zh-CN`, origin: evil }));
    expect(zh403).toMatchObject({ status: 403, cacheControl: "no-store", nosniff: "nosniff", body: { code: "errors.api.crossSite", error: expect.stringMatching(/^已拒绝来自 http:\/\/127\.0\.0\.1:\d+ 的请求：只接受来自 GradLab 自身页面的修改/), english: expect.stringMatching(/^Refused a request from /) } });
    // A page (a form or server action posted from another site) is refused the same way.
    const page = await said(await write("/sign-in", { cookie, origin: evil, "accept-language": "zh-CN,zh;q=0.9" }));
    expect(page).toMatchObject({ status: 403, body: { error: expect.stringMatching(/^已拒绝/) } });
    const en403 = await said(await write("/api/submissions", { cookie, origin: evil, "accept-language": "en-US,en;q=0.9" }));
    expect(en403.body.error).toMatch(/^Refused a request from .*GradLab's own pages/);

    const big = JSON.stringify({ email: "x".repeat(64 * 1024), password: "p" });
    const zh413 = await said(await write("/api/auth/sign-in/email", { "accept-language": "zh-CN" }, big));
    expect(zh413).toMatchObject({ status: 413, cacheControl: "no-store", body: { code: "errors.api.bodyTooLarge", error: "请求体超出此接口的上限（8 KiB）。请减少内容：代码最多 256 KiB，名单 CSV 最多 1 MiB。" } });
    const en413 = await said(await write("/api/auth/sign-in/email", {}, big));
    expect(en413.body.error).toBe("The request body is larger than this route accepts (8 KiB). Send less: code is limited to 256 KiB, a roster CSV to 1 MiB.");
  }, 60_000);

  it("pages carry the CSP, Next's scripts its nonce, and the security headers", async () => {
    const res = await fetch(`${server.url}/sign-in`);
    const csp = res.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
  });

  it("the exercise page signs in, Runs and Submits in Chromium with no CSP violation", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const violations: string[] = [];
      page.on("console", (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
      page.on("pageerror", (e) => violations.push(String(e)));
      await signIn(page, server, server.accounts.get("instructor")!, "/exercises/dense");
      await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
      await expect.poll(() => page.textContent('[data-testid="backend"]'), { timeout: 60_000 }).toMatch(/Run on tfjs/);
      await page.click('[data-testid="run"]');
      await page.waitForSelector('[data-testid="results"], [data-testid="status"]', { timeout: 60_000 }).catch(() => {});
      expect(violations).toEqual([]);
      await page.waitForSelector('[data-testid="results"]', { timeout: 60_000 });
    } finally {
      await browser.close();
    }
  }, 180_000);

  it("wrong passwords end in 429 with when to retry, and still after a restart", async () => {
    const email = server.accounts.get("admin")!.email;
    const attempt = () => fetch(`${server.url}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: server.url }, body: JSON.stringify({ email, password: "not-the-password" }) });
    let res = await attempt();
    for (let i = 0; i < 20 && res.status === 401; i++) res = await attempt();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await res.json()) as { message: string }).message).toMatch(/try again in \d+ (seconds|minutes)/);

    const dataDir = server.dataDir;
    await server.stop({ keepData: true });
    server = await startServer({ dataDir });
    res = await attempt();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  }, 180_000);
});
