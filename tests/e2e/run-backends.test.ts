/**
 * Run on the GPU backends learners' laptops have (issue 12.11): every runnable exercise's
 * solution, Run forced to WebGL and then to WebGPU (?backend=), in headless Chromium drawing with
 * SwiftShader, gets full visible marks. One browser, one page per backend, exercises in sequence;
 * every wait is on a condition (the backend label, the verdict).
 *
 * Then the picker's self-test: in a browser started with only --enable-unsafe-webgpu, WebGPU's
 * synchronous read-back returns zeros and loses the device. Forced to WebGPU there, Run must
 * either have WebGPU working or fall back and say so — and a Run must still get full marks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, CHROMIUM, ROOT, haveChromium, signIn, startServer, type Server } from "./server.ts";

const run = haveChromium() || process.env.CI ? describe : describe.skip;

/** WebGL2 on SwiftShader needs no flag; WebGPU on SwiftShader's Vulkan needs these. */
const SWIFTSHADER_WEBGPU = ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-vulkan=swiftshader", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"];
const QUIET = ["--headless", "--no-sandbox", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"];

async function launch(flags: string[]): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: [...QUIET, ...flags] });
}

/** Exercise id → its solution's source, for the exercises the build marked runnable in the browser. */
function runnableSolutions(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(ROOT, "public", "gradlab", "manifest.json"), "utf8")) as { exercises: Record<string, { run: boolean }> };
  const folders = new Map<string, string>();
  for (const set of readdirSync(join(ROOT, "exercises"), { withFileTypes: true })) {
    if (!set.isDirectory()) continue;
    for (const ex of readdirSync(join(ROOT, "exercises", set.name), { withFileTypes: true })) if (ex.isDirectory()) folders.set(ex.name, join(ROOT, "exercises", set.name, ex.name));
  }
  const out = new Map<string, string>();
  for (const [id, m] of Object.entries(manifest.exercises)) if (m.run) out.set(id, readFileSync(join(folders.get(id)!, "solution.ts"), "utf8"));
  return out;
}

interface Verdict {
  exercise: string;
  backend: string;
  fallback: string | null;
  score: number;
  max: number;
  status: string;
  ms: number;
  failed: string[];
}

/** Open the exercise with Run forced to `backend`, put the solution in the editor, Run, and read the verdict. */
async function runSolution(page: Page, server: Server, id: string, code: string, backend: string): Promise<Verdict> {
  await page.goto(`${server.url}/exercises/${id}?backend=${backend}`);
  await page.waitForSelector('[data-testid="backend"][data-backend]', { timeout: 90_000 });
  await page.waitForFunction(() => !!(window as unknown as { __gradlabEditor?: unknown }).__gradlabEditor, undefined, { timeout: 90_000 });
  await page.evaluate((c) => (window as unknown as { __gradlabEditor: { setValue(v: string): void } }).__gradlabEditor.setValue(c), code);
  const t0 = Date.now();
  await page.click('[data-testid="run"]:not([disabled])');
  const results = page.locator('[data-testid="results"]');
  await results.waitFor({ timeout: 240_000 });
  const failed = await page.locator('[data-testid="test"][data-status="failed"]').allTextContents();
  return {
    exercise: id,
    backend: (await page.getAttribute('[data-testid="backend"]', "data-backend")) ?? "?",
    fallback: await page.locator('[data-testid="backend-fallback"]').textContent({ timeout: 1 }).catch(() => null),
    score: Number(await results.getAttribute("data-score")),
    max: Number(await results.getAttribute("data-max")),
    status: (await results.getAttribute("data-status")) ?? "?",
    ms: Date.now() - t0,
    failed: failed.map((f) => f.slice(0, 400)),
  };
}

run("Run forced to WebGL and WebGPU on SwiftShader", () => {
  let server: Server;
  let browser: Browser;
  const verdicts: Verdict[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launch(SWIFTSHADER_WEBGPU);
  }, 900_000);

  afterAll(async () => {
    writeFileSync(join(ARTIFACTS, "run-backends.json"), `${JSON.stringify(verdicts, null, 1)}\n`);
    await browser?.close();
    await server?.stop();
  });

  for (const backend of ["webgl", "webgpu"] as const) {
    it(`every runnable solution gets full visible marks on ${backend}`, async () => {
      const solutions = runnableSolutions();
      expect(solutions.size).toBeGreaterThanOrEqual(21);
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && /createBuffer|device (was )?lost/i.test(m.text()) && errors.push(m.text()));
      await signIn(page, server, server.accounts.get("learner")!, "/");
      const mine: Verdict[] = [];
      for (const [id, code] of solutions) {
        const v = await runSolution(page, server, id, code, backend);
        mine.push(v);
        verdicts.push(v);
        if (id === "conv2d") await page.screenshot({ path: join(ARTIFACTS, `run-backend-${backend}-conv2d.png`), fullPage: true });
      }
      await page.close();
      // The backend really was the one asked for (SwiftShader gives this machine both).
      expect(mine.filter((v) => v.backend !== backend || v.fallback).map((v) => `${v.exercise}: ${v.backend} ${v.fallback ?? ""}`)).toEqual([]);
      expect(mine.filter((v) => v.score !== v.max || v.status !== "passed").map((v) => `${v.exercise} ${v.score}/${v.max} ${v.status}: ${v.failed.join(" | ")}`)).toEqual([]);
      expect(errors).toEqual([]);
    }, 900_000);
  }

  it("WebGPU whose synchronous read-back is broken (only --enable-unsafe-webgpu): the picker checks it and Run still gets full marks", async () => {
    const partial = await launch(["--enable-unsafe-webgpu"]);
    try {
      const page = await partial.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await signIn(page, server, server.accounts.get("learner")!, "/");
      const v = await runSolution(page, server, "dense", runnableSolutions().get("dense")!, "webgpu");
      verdicts.push({ ...v, exercise: `${v.exercise} (only --enable-unsafe-webgpu)` });
      // Either WebGPU passed the self-test (values and device health) or Run fell back and says why.
      if (v.backend !== "webgpu") expect(v.fallback).toMatch(/webgpu/);
      const title = await page.getAttribute('[data-testid="backend"]', "title");
      if (v.backend !== "webgpu") expect(title).toMatch(/webgpu.*(read-back|self-test|lost|adapter|start)/i);
      await page.screenshot({ path: join(ARTIFACTS, "run-backend-webgpu-fallback.png") });
      expect(`${v.score}/${v.max} ${v.status}`).toBe(`${v.max}/${v.max} passed`);
      expect(errors).toEqual([]);
    } finally {
      await partial.close();
    }
  }, 300_000);
});
