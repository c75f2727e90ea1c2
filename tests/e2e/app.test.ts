/**
 * The learner's core flow in real Chromium against the real server: sign in, open the dense
 * exercise, Run a wrong solution (failing check in the browser), Submit the right one (full
 * marks from the worker), and another learner cannot read that submission. Plus: the page works
 * with every request to a non-local host blocked (no CDN anywhere).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, haveChromium, launchChromium, ROOT, type Server, signIn, startServer, typeCode } from "./server.ts";

const SOLUTION = readFileSync(join(ROOT, "exercises/03-layers/dense/solution.ts"), "utf8");
// A classic mistake: the bias is forgotten in the forward pass.
const WRONG = SOLUTION.replace("return add(matmul(x, w), b);", "return matmul(x, w);");

const run = haveChromium() || process.env.CI ? describe : describe.skip;
if (!haveChromium() && !process.env.CI) console.warn("e2e skipped: no Chromium at /usr/bin/chromium (apt-get install -y chromium)");

let server: Server;
let browser: Browser;


/** Type `code` into Monaco as a learner would (select all, then type). */

async function openEditor(page: Page, id: string) {
  await page.goto(`${server.url}/exercises/${id}`);
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
}

run("web app in Chromium", () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("prints generated demo passwords on first start", () => {
    expect([...server.accounts.keys()].sort()).toEqual(["admin", "instructor", "learner"]);
    for (const a of server.accounts.values()) expect(a.password).toMatch(/^[\w-]{12,}$/);
  });

  it("learner: Run a wrong solution, see it fail; Submit the fix, get full marks; nobody else can read it", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await signIn(page, server, server.accounts.get("learner")!, "/");
    await page.waitForSelector('[data-testid="exercise-dense"]');
    await openEditor(page, "dense");
    await expect.poll(() => page.textContent('[data-testid="backend"]'), { timeout: 60_000 }).toMatch(/Run on tfjs (webgpu|webgl|wasm|cpu)/);
    const backend = (await page.textContent('[data-testid="backend"]'))!.replace("Run on tfjs ", "");

    await typeCode(page, WRONG);
    let t0 = Date.now();
    await page.click('[data-testid="run"]');
    await page.waitForSelector('[data-testid="results"]', { timeout: 60_000 });
    const runMs = Date.now() - t0;
    const failed = page.locator('[data-testid="test"][data-status="failed"]');
    expect(await failed.count()).toBeGreaterThan(0);
    await expect.poll(() => page.textContent('[data-testid="results"]')).toContain("without the bias b");
    expect(await page.locator('[data-testid="test"]', { hasText: "hidden" }).count()).toBe(0);
    await page.waitForSelector('[data-testid="heatmap"]');
    await page.screenshot({ path: join(ARTIFACTS, "dense-run-wrong.png"), fullPage: true });

    await typeCode(page, SOLUTION);
    t0 = Date.now();
    const [post] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/submissions") && r.request().method() === "POST"), page.click('[data-testid="submit"]')]);
    expect(post.status()).toBe(202);
    const { id } = (await post.json()) as { id: string };
    await page.waitForSelector('[data-testid="results"][data-status="passed"]', { timeout: 120_000 });
    const submitMs = Date.now() - t0;
    expect(await page.textContent('[data-testid="score"]')).toBe("10 / 10");
    await expect.poll(() => page.textContent('[data-testid="best"]')).toContain("10 / 10");
    await page.screenshot({ path: join(ARTIFACTS, "dense-submit-full-marks.png"), fullPage: true });
    console.log(`[e2e] Run ${runMs} ms on tfjs ${backend}; Submit → graded ${submitMs} ms`);

    // The draft was autosaved on the server: a reload shows the solution.
    await expect.poll(() => page.textContent('[data-testid="saved"]')).toBe("Draft saved");
    await openEditor(page, "dense");
    await expect.poll(() => page.evaluate(() => (window as unknown as { __gradlabEditor?: { getValue(): string } }).__gradlabEditor?.getValue() ?? "")).toContain("add(matmul(x, w), b)");

    // Progress and history.
    await page.goto(`${server.url}/`);
    expect(await page.textContent('[data-testid="best-dense"]')).toBe("10 / 10");
    await page.goto(`${server.url}/exercises/dense/history`);
    expect(await page.textContent('[data-testid="attempt-code"]')).toContain("add(matmul(x, w), b)");

    // The owner reads it through the API; another learner gets a 404; an instructor may read it.
    server.cli("user", "add", "other@example.com", "--role", "learner");
    const other = server.cli("token", "other@example.com");
    const mine = await page.request.get(`${server.url}/api/submissions/${id}`);
    expect(mine.status()).toBe(200);
    expect(((await mine.json()) as { status: string; result: { score: number } }).result.score).toBe(10);
    const theirs = await fetch(`${server.url}/api/submissions/${id}`, { headers: { Authorization: `Bearer ${other}` } });
    expect(theirs.status).toBe(404);
    const instructor = server.cli("token", server.accounts.get("instructor")!.email);
    expect((await fetch(`${server.url}/api/submissions/${id}`, { headers: { Authorization: `Bearer ${instructor}` } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/submissions/${id}`)).status).toBe(401);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it("works with every request to a non-local host blocked", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const blocked: string[] = [];
    await ctx.route("**/*", (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === "127.0.0.1" || host === "localhost") return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const page = await ctx.newPage();
    await signIn(page, server, server.accounts.get("learner")!, "/exercises/dense");
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
    await page.waitForSelector(".katex", { timeout: 10_000 });
    await expect.poll(() => page.textContent('[data-testid="backend"]'), { timeout: 60_000 }).toMatch(/Run on tfjs/);
    await typeCode(page, SOLUTION);
    await page.click('[data-testid="run"]');
    await page.waitForSelector('[data-testid="results"][data-status="passed"]', { timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, "dense-offline-run.png"), fullPage: true });
    expect(blocked).toEqual([]);
    // A training exercise's Run too: its practice digits come from this server, nothing from elsewhere.
    await page.goto(`${server.url}/exercises/mnist-mlp`);
    await expect.poll(() => page.textContent('[data-testid="backend"]'), { timeout: 60_000 }).toMatch(/Run on tfjs/);
    expect(await page.locator('[data-testid="run-unavailable"]').count()).toBe(0);
    expect(blocked).toEqual([]);
    await ctx.close();
  }, 180_000);

  it("learner code in Run reaches no network: every way out is cut, and nothing reaches a listening server", async () => {
    const hits: string[] = [];
    const oracle = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.writeHead(200, { "Access-Control-Allow-Origin": "*", "Content-Type": "text/javascript" }).end("");
    });
    oracle.on("upgrade", (req, socket) => (hits.push(`upgrade ${req.url}`), socket.destroy()));
    await new Promise<void>((r) => oracle.listen(0, "127.0.0.1", r));
    const at = `http://127.0.0.1:${(oracle.address() as AddressInfo).port}`;
    const probe = `
const g: any = globalThis;
const at = ${JSON.stringify(at)};
const report: string[] = [];
const attempt = (name: string, f: () => unknown) => {
  try { f(); report.push(name + ": OPEN"); } catch { report.push(name + ": blocked"); }
};
attempt("fetch", () => g.fetch(at + "/fetch"));
attempt("fetch from a prototype", () => { for (let o = Object.getPrototypeOf(g); o; o = Object.getPrototypeOf(o)) if (typeof o.fetch === "function") return o.fetch.call(g, at + "/proto"); throw 0; });
attempt("fetch put back", () => { delete g.fetch; if (typeof g.fetch !== "function") throw 0; });
attempt("XMLHttpRequest", () => { const x = new g.XMLHttpRequest(); x.open("GET", at + "/xhr"); x.send(); });
attempt("WebSocket", () => new g.WebSocket(at.replace("http", "ws") + "/ws"));
attempt("EventSource", () => new g.EventSource(at + "/es"));
attempt("importScripts", () => g.importScripts(at + "/importScripts.js"));
attempt("sendBeacon", () => { if (!g.navigator.sendBeacon(at + "/beacon")) throw 0; });
attempt("Worker", () => new g.Worker(URL.createObjectURL(new Blob(["fetch('" + at + "/worker')"]))));
attempt("caches", () => g.caches.open("x"));
attempt("FontFace", () => new g.FontFace("x", "url(" + at + "/font)").load());
// Dynamic import cannot be removed: the sandbox's CSP (scripts from blob: only) refuses it; the server must see nothing.
try { (0, eval)("import(at + '/import.js')").catch(() => {}); } catch {}
console.log(report.join("\\n"));
`;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await signIn(page, server, server.accounts.get("learner")!, "/exercises/dense");
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
    await expect.poll(() => page.textContent('[data-testid="backend"]'), { timeout: 60_000 }).toMatch(/Run on tfjs/);
    await page.evaluate((code) => (window as unknown as { __gradlabEditor: { setValue(v: string): void } }).__gradlabEditor.setValue(code), `${SOLUTION}\n${probe}`);
    for (let i = 0; i < 2; i++) {
      // The second Run gives whatever the first one started asynchronously time to reach the network.
      await page.click('[data-testid="run"]');
      await page.waitForSelector('[data-testid="results"][data-status="passed"]', { timeout: 60_000 });
    }
    const report = (await page.textContent('[data-testid="stdout"]')) ?? "";
    expect(report).toContain("fetch: blocked");
    expect(report.split("\n").filter((l) => l.includes(": ")).length).toBeGreaterThanOrEqual(11);
    expect(report).not.toContain("OPEN");
    expect(hits).toEqual([]);
    // The checks reach only a signed-in user: the same URLs without the session are refused.
    expect((await fetch(`${server.url}/gradlab/run/checks/dense.js`)).status).toBe(401);
    expect((await fetch(`${server.url}/gradlab/run/run-worker.js`)).status).toBe(401);
    expect(errors).toEqual([]);
    await page.close();
    oracle.close();
  }, 180_000);

  it("Run on the code the page opens with needs no esbuild-wasm (the server transpiled it); Run on edited code waits for it", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // esbuild's WebAssembly is held: the browser's transpiler cannot start until it is let go.
    const held: { continue(): Promise<void> }[] = [];
    let released = false;
    await ctx.route(/\/esbuild[^/]*\.wasm/, (route) => void (released ? route.continue() : held.push(route)));
    try {
      const page = await ctx.newPage();
      await signIn(page, server, server.accounts.get("learner")!, "/exercises/mse");
      await expect.poll(() => page.textContent('[data-testid="backend"]'), { timeout: 60_000 }).toMatch(/Run on tfjs/);
      await page.click('[data-testid="run"]');
      const first = await page.waitForSelector('[data-testid="results"]', { timeout: 60_000 });
      // The Run worker did ask for esbuild, and has not had it.
      expect(held.length).toBeGreaterThan(0);
      expect(await first.getAttribute("data-status")).not.toBe("error");

      await page.waitForSelector(".monaco-editor .view-lines", { timeout: 60_000 });
      const opened = await page.evaluate(() => (window as unknown as { __gradlabEditor: { getValue(): string } }).__gradlabEditor.getValue());
      await typeCode(page, `${opened}\nthrow new Error("edited after the page opened");\n`);
      await page.click('[data-testid="run"]');
      await page.waitForSelector('[data-testid="run-progress"]', { timeout: 10_000 });
      expect(await page.getAttribute('[data-testid="results"]', "data-status")).toBe(await first.getAttribute("data-status"));
      released = true;
      for (const route of held.splice(0)) await route.continue();
      const edited = await page.waitForSelector('[data-testid="results"][data-status="error"]', { timeout: 60_000 });
      expect(await edited.textContent()).toContain("edited after the page opened");
    } finally {
      await ctx.close();
    }
  }, 180_000);

  it("Run in the browser gives every runnable exercise's solution full visible marks (parity with the server)", async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "public/gradlab/manifest.json"), "utf8")) as { exercises: Record<string, { run: boolean }> };
    const { testCatalogue } = await import("../helpers.ts");
    const cat = await testCatalogue();
    // Two tabs of one signed-in learner share the exercises: one tab's page loads and checks
    // overlap the other's waits on the server and on the Run worker.
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const first = await ctx.newPage();
    await signIn(first, server, server.accounts.get("learner")!, "/");
    const tabs = [first, await ctx.newPage()];
    const runnable = cat.exercises.filter((e) => manifest.exercises[e.id]?.run);
    const queue = [...runnable];
    const failures: string[] = [];
    const timings: string[] = [];
    try {
      await Promise.all(
        tabs.map(async (page) => {
          for (let ex = queue.shift(); ex; ex = queue.shift()) {
            await openEditor(page, ex.id);
            await expect.poll(() => page.textContent('[data-testid="backend"]'), { timeout: 60_000 }).toMatch(/Run on tfjs/);
            // Tests only: the solution never reaches a browser otherwise.
            await page.evaluate((code) => (window as unknown as { __gradlabEditor: { setValue(v: string): void } }).__gradlabEditor.setValue(code), readFileSync(ex.files.solution, "utf8"));
            const t0 = Date.now();
            await page.click('[data-testid="run"]');
            const results = await page.waitForSelector('[data-testid="results"]', { timeout: 90_000 });
            timings.push(`${ex.id} ${Date.now() - t0} ms`);
            if ((await results.getAttribute("data-status")) !== "passed") failures.push(`${ex.id}: ${(await results.textContent())?.slice(0, 600)}`);
          }
        }),
      );
    } finally {
      await ctx.close();
    }
    console.log(`[e2e] Run timings: ${timings.join(", ")}`);
    expect(timings).toHaveLength(runnable.length);
    expect(failures).toEqual([]);
  }, 600_000);

  it("API: clear 4xx answers", async () => {
    const token = server.cli("token", server.accounts.get("learner")!.email);
    const post = (body: string, auth = true) =>
      fetch(`${server.url}/api/submissions`, { method: "POST", headers: { "content-type": "application/json", ...(auth ? { Authorization: `Bearer ${token}` } : {}) }, body });
    expect((await post(JSON.stringify({ exerciseId: "dense", code: SOLUTION }), false)).status).toBe(401);
    expect((await post("{not json")).status).toBe(400);
    expect((await post(JSON.stringify({ exerciseId: "dense", code: "   " }))).status).toBe(400);
    const unknown = await post(JSON.stringify({ exerciseId: "no-such-exercise", code: SOLUTION }));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/Unknown exercise 'no-such-exercise'/);
    expect((await post(JSON.stringify({ exerciseId: "dense", code: "x".repeat(300 * 1024) }))).status).toBe(413);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await post(JSON.stringify({ exerciseId: "dense", code: `// ${i}\n${SOLUTION}` }))).status);
    expect(statuses).toContain(429);
    expect((await fetch(`${server.url}/api/submissions/does-not-exist`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
  }, 120_000);
});
