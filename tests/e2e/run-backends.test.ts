/**
 * Run on the GPU backends learners' laptops have (issue 12.11): every runnable exercise's
 * solution, Run forced to WebGL and then to WebGPU (?backend=), in headless Chromium drawing with
 * SwiftShader, gets full visible marks. One browser, one page per backend: the page's switch is
 * checked on the exercise page (its label), then the page's Run worker runs every solution in
 * sequence (one tfjs backend for all, as in a learner's tab, no editor per exercise); every wait
 * is on a condition (the label, the verdict).
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

/** Exercise id → its solution's source and whether it has a driver, for the exercises the build marked runnable. */
function runnableSolutions(): Map<string, { code: string; driver: boolean }> {
  const manifest = JSON.parse(readFileSync(join(ROOT, "public", "gradlab", "manifest.json"), "utf8")) as { exercises: Record<string, { run: boolean; driver: boolean }> };
  const folders = new Map<string, string>();
  for (const set of readdirSync(join(ROOT, "exercises"), { withFileTypes: true })) {
    if (!set.isDirectory()) continue;
    for (const ex of readdirSync(join(ROOT, "exercises", set.name), { withFileTypes: true })) if (ex.isDirectory()) folders.set(ex.name, join(ROOT, "exercises", set.name, ex.name));
  }
  const out = new Map<string, { code: string; driver: boolean }>();
  for (const [id, m] of Object.entries(manifest.exercises)) if (m.run) out.set(id, { code: readFileSync(join(folders.get(id)!, "solution.ts"), "utf8"), driver: m.driver });
  return out;
}

interface Verdict {
  exercise: string;
  backend: string;
  score: number;
  max: number;
  status: string;
  ms: number;
  message?: string;
  failed: string[];
}

/**
 * The exercise page with Run forced to `backend` (?backend=): what its label says once Run is
 * ready, and the fallback note when there is one.
 */
async function openForced(page: Page, server: Server, id: string, backend: string): Promise<{ backend: string; fallback: string | null; title: string | null }> {
  await page.goto(`${server.url}/exercises/${id}?backend=${backend}`);
  const label = page.locator('[data-testid="backend"][data-backend]');
  await label.waitFor({ timeout: 120_000 });
  const note = page.locator('[data-testid="backend-fallback"]');
  return { backend: (await label.getAttribute("data-backend")) ?? "?", fallback: (await note.count()) ? await note.textContent() : null, title: await label.getAttribute("title") };
}

/**
 * The page's own Run worker, started the way the page starts it (same URL, same ?backend=), kept
 * on the page for every exercise in turn: the exercises share one tfjs backend, as a learner's
 * tab would, and no exercise pays for the editor. Resolves with the backend it reports.
 */
async function startRunWorker(page: Page, backend: string): Promise<string> {
  return page.evaluate(async (b) => {
    const w = new Worker(`/gradlab/run/run-worker.js?backend=${b}`, { type: "module", name: "gradlab-run-e2e" });
    const ready = await new Promise<{ backend: string }>((resolve, reject) => {
      w.addEventListener("message", (ev) => ev.data?.type === "ready" && resolve(ev.data));
      w.addEventListener("error", (ev) => reject(new Error(ev.message)));
    });
    let next = 0;
    (window as unknown as { __runSolution: unknown }).__runSolution = (exerciseId: string, code: string, hasDriver: boolean) =>
      new Promise((resolve) => {
        const runId = ++next;
        const onMsg = (ev: MessageEvent) => {
          const m = ev.data;
          if (m?.runId !== runId || m.type === "progress") return;
          w.removeEventListener("message", onMsg);
          resolve(m);
        };
        w.addEventListener("message", onMsg);
        w.postMessage({ type: "run", runId, exerciseId, code, timeoutMs: 60_000, hasDriver });
      });
    return ready.backend;
  }, backend);
}

type RunReplyLike = { type: "result"; result: { score: number; maxScore: number; status: string; message?: string; backend: string; tests: { name: string; status: string; output: string }[] } } | { type: "failed"; message: string };

async function runSolution(page: Page, id: string, solution: { code: string; driver: boolean }): Promise<Verdict> {
  const t0 = Date.now();
  const m = (await page.evaluate(
    ([exerciseId, code, driver]) => (window as unknown as { __runSolution: (a: string, b: string, c: boolean) => Promise<unknown> }).__runSolution(exerciseId, code, driver),
    [id, solution.code, solution.driver] as [string, string, boolean],
  )) as RunReplyLike;
  if (m.type === "failed") return { exercise: id, backend: "?", score: 0, max: 0, status: "run failed", ms: Date.now() - t0, message: m.message, failed: [] };
  const r = m.result;
  return {
    exercise: id,
    backend: r.backend,
    score: r.score,
    max: r.maxScore,
    status: r.status,
    ms: Date.now() - t0,
    message: r.message,
    failed: r.tests.filter((t) => t.status !== "passed").map((t) => `${t.name}: ${t.output.slice(0, 300)}`),
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
      // The switch on the page: the label names the backend asked for, with no fallback note.
      const shown = await openForced(page, server, "conv2d", backend);
      expect(shown).toMatchObject({ backend, fallback: null });
      expect(await startRunWorker(page, backend)).toBe(backend);
      const mine: Verdict[] = [];
      for (const [id, solution] of solutions) {
        const v = await runSolution(page, id, solution);
        mine.push(v);
        verdicts.push(v);
      }
      await page.close();
      expect(mine.filter((v) => v.backend !== backend).map((v) => `${v.exercise}: ${v.backend}`)).toEqual([]);
      expect(mine.filter((v) => v.score !== v.max || v.status !== "passed").map((v) => `${v.exercise} ${v.score}/${v.max} ${v.status} ${v.message ?? ""}: ${v.failed.join(" | ")}`)).toEqual([]);
      expect(errors).toEqual([]);
    }, 900_000);
  }

  it("WebGPU whose synchronous read-back is broken (only --enable-unsafe-webgpu): the picker's self-test catches it, Run falls back, says so, and still gets full marks", async () => {
    const partial = await launch(["--enable-unsafe-webgpu"]);
    try {
      const page = await partial.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await signIn(page, server, server.accounts.get("learner")!, "/");
      const shown = await openForced(page, server, "dense", "webgpu");
      await page.screenshot({ path: join(ARTIFACTS, "run-backend-webgpu-fallback.png") });
      // Before the self-test looked at values, this browser kept WebGPU and nearly every check crashed.
      expect(shown.backend).not.toBe("webgpu");
      expect(shown.fallback).toMatch(/webgpu/);
      expect(shown.title).toMatch(/synchronous read-back gave \[0, 0, 0, 0\]|device|self-test/);
      expect(await startRunWorker(page, "webgpu")).toBe(shown.backend);
      const v = await runSolution(page, "dense", runnableSolutions().get("dense")!);
      verdicts.push({ ...v, exercise: "dense (only --enable-unsafe-webgpu)" });
      expect(`${v.score}/${v.max} ${v.status}`).toBe(`${v.max}/${v.max} passed`);
      expect(errors).toEqual([]);
    } finally {
      await partial.close();
    }
  }, 300_000);
});
