/**
 * Page open: how fast an exercise page becomes usable in headless Chromium, on the real server
 * (`gradlab start` on the existing web build), signed in as a learner.
 *
 * Each round uses a fresh Chromium profile (a persistent user-data folder) and opens the page
 * three times, relaunching the browser in between so that only what a browser keeps across
 * sessions survives (the HTTP disk cache, V8's code cache, compiled WebAssembly): visit 1 is a
 * first visit, visit 2 a second visit, visit 3 a later one (Chromium stores a script's code cache
 * only when it sees the script again, so some gains appear only from the third visit).
 * Per visit: bytes received (encoded, as on the wire, workers included), requests and how many
 * came back 304, and from navigation start: the editor (`editorMs`: the learner's code visible and
 * editable, in the page's plain editor or in Monaco, whichever comes first: the frame after it is
 * in the page, and not before the browser's first contentful paint), Monaco (`monacoMs`: its first line rendered), Run usable (the Run button enabled),
 * and the first Run's result after clicking Run at once (the exercise's starter code).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { CHROMIUM, startServer as startServerUnderTest } from "../tests/e2e/server.ts";
import { summarize, type Summary } from "./stats.ts";
import type { ReadyTimes, RunPhases } from "../app/_run/protocol.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run", "--disable-component-update", "--disable-sync"];

/** The targets of issue 12 item 10, second visit, idle machine. */
export const PAGE_OPEN_TARGETS = { editorMs: 1000, runUsableMs: 1500, firstRunMs: 500 };

export interface VisitFigures {
  /** Bytes received for the page and everything it (and its workers) loaded, as encoded on the wire. */
  bytes: number;
  requests: number;
  /** Answered 304 Not Modified (Chromium mostly reports a revalidated response as the cached 200: see `bytes`, headers only). */
  notModified: number;
  /** Served from the browser's cache with no request to the server. */
  fromCache: number;
  /**
   * CPU the browser spent on the visit, all its processes (launch to close, the Run, Monaco's load and
   * the 1.5 s settle included): less sensitive to other jobs on the machine than the times. Linux only.
   */
  browserCpuMs: number | null;
  /** The page's HTML began to arrive (the server's render and the round trip: Navigation Timing's responseStart). */
  ttfbMs: number | null;
  /** The browser's first contentful paint. */
  firstPaintMs: number | null;
  /** The HTML was parsed (DOMContentLoaded). */
  domReadyMs: number | null;
  /** The workbench started loading the editor and Run (the page hydrated). */
  bootMs: number | null;
  /** The learner's code visible and editable: the plain editor (PlainEditor.tsx) or Monaco, whichever first (the frame after it is in the page, and not before the first contentful paint). */
  editorMs: number | null;
  /** Monaco's first line rendered. */
  monacoMs: number | null;
  /** The page started the Run worker (the inline script of EarlyRun.tsx, or the workbench). */
  runStartMs: number | null;
  /** The Run worker's "ready" reached the page (Run usable also waits for hydration). */
  runReadyMs: number | null;
  /** In the Run worker, ms from its start: its code evaluated (imports included), the GPU adapter's answer heard there, WebGL probed (when it was), its tfjs backend picked (it then posts "ready"). */
  runWorker: ReadyTimes | null;
  runUsableMs: number | null;
  /** From the click on Run (as soon as it is usable) to its result on screen. */
  firstRunMs: number | null;
  /** Where the first Run's time went in the Run worker (app/_run/protocol.ts RunPhases), ms each. */
  firstRunPhases: RunPhases | null;
  loadAverage1m: number;
  /** Every transfer, largest first, for diagnosis. */
  largest: { url: string; bytes: number; status: number; encoding: string; cacheControl: string }[];
}

export interface PageOpenReport {
  exercise: string;
  rounds: number;
  /** Per visit (first, second, third): every round's figures and their medians. */
  visits: { name: string; runs: VisitFigures[]; bytes: number; editorMs: Summary | null; monacoMs: Summary | null; runUsableMs: Summary | null; firstRunMs: Summary | null }[];
  targets: typeof PAGE_OPEN_TARGETS;
  note: string;
}

interface Started {
  url: string;
  learner: { email: string; password: string };
  stop(): Promise<void>;
}

/** The real server on a fresh data folder, started as the e2e tests start it; its demo learner signs in. */
async function startServer(log: (s: string) => void): Promise<Started> {
  const server = await startServerUnderTest();
  const learner = server.accounts.get("learner");
  if (!learner) {
    await server.stop();
    throw new Error("gradlab start printed no learner account");
  }
  log(`page open: server at ${server.url}`);
  return { url: server.url, learner, stop: () => server.stop() };
}

/**
 * Runs in the page before its own scripts: notes when the code is editable (plain editor or Monaco),
 * Monaco shows, Run enables, Run is clicked and its result shows. An element counts as visible
 * at the next frame after it is in the page (a requestAnimationFrame, then a task: the paint's turn).
 */
const PROBE = `(() => {
  const o = (window.__pageOpen = {});
  // When the Run worker's "ready" reaches the page (its message event, on the page's main thread).
  const PageWorker = window.Worker;
  window.Worker = class extends PageWorker {
    constructor(url, opts) {
      super(url, opts);
      if (opts && opts.name === "gradlab-run" && o.runStart === undefined) o.runStart = performance.now();
      if (opts && opts.name === "gradlab-run") this.addEventListener("message", (m) => {
        if (o.runReady === undefined && m.data && m.data.type === "ready") { o.runReady = performance.now(); o.runAt = m.data.at; }
        if (o.runPhases === undefined && m.data && m.data.type === "result") o.runPhases = m.data.phases;
      });
    }
  };
  const afterFrame = (key) => {
    if (o[key + "Seen"]) return;
    o[key + "Seen"] = true;
    requestAnimationFrame(() => setTimeout(() => { o[key] = performance.now(); }, 0));
  };
  const check = () => {
    if (!location.pathname.startsWith("/exercises/")) return;
    const now = performance.now();
    // The workbench's first effect ran: the page is hydrated.
    if (o.boot === undefined && document.querySelector(".workbench[data-hydrated]")) o.boot = now;
    const plain = document.querySelector('[data-testid="editor"] textarea[data-testid="plain-editor"]');
    if (plain && !plain.disabled && !plain.readOnly) afterFrame("plain");
    if (document.querySelector('[data-testid="editor"] .monaco-editor .view-lines .view-line')) afterFrame("monaco");
    const run = document.querySelector('[data-testid="run"]');
    if (o.run === undefined && run && !run.disabled) o.run = now;
    if (o.result === undefined && o.clicked !== undefined && document.querySelector('[data-testid="results"]')) o.result = now;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener("click", (e) => {
    if (o.clicked === undefined && e.target instanceof Element && e.target.closest('[data-testid="run"]')) o.clicked = performance.now();
  }, true);
})();`;

type Probe = { boot?: number; runStart?: number; runReady?: number; runAt?: ReadyTimes; runPhases?: RunPhases; plain?: number; monaco?: number; run?: number; clicked?: number; result?: number };

/** CPU ms of this process's children that have ended and been waited for (/proc/self/stat cutime + cstime): the browser, once closed. */
function reapedChildrenCpuMs(): number | null {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /s, "").split(" ");
    // After "(comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function launch(profile: string): Promise<BrowserContext> {
  const { chromium } = await import("playwright-core");
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1440, height: 900 } });
  await ctx.addInitScript(PROBE);
  return ctx;
}

async function signIn(page: Page, url: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.fill('input[name="email"]', who.email);
  await page.fill('input[name="password"]', who.password);
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"), { timeout: 30_000 });
}

/** One visit to the exercise page in a browser on `profile` (signed in first when the profile has no session). */
async function visit(profile: string, server: Started, exercise: string): Promise<VisitFigures> {
  const cpuBefore = reapedChildrenCpuMs();
  const ctx = await launch(profile);
  let figures: VisitFigures;
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const who = await page.request.get(`${server.url}/exercises/${exercise}`, { maxRedirects: 0 });
    if (who.status() !== 200) await signIn(page, server.url, server.learner);
    await page.goto("about:blank");
    const transfers: Promise<VisitFigures["largest"][number] & { fromCache: boolean }>[] = [];
    ctx.on("requestfinished", (req) =>
      transfers.push(
        (async () => {
          const res = await req.response();
          const sizes = await req.sizes().catch(() => ({ responseBodySize: 0, responseHeadersSize: 0 }));
          const headers = res ? await res.allHeaders() : {};
          // Chromium reports no body bytes for a response its cache answered without a request.
          const fromCache = !!res && res.status() === 200 && sizes.responseBodySize <= 0;
          return {
            url: req.url().replace(server.url, ""),
            bytes: Math.max(0, sizes.responseBodySize) + Math.max(0, sizes.responseHeadersSize),
            status: res?.status() ?? 0,
            encoding: headers["content-encoding"] ?? "",
            cacheControl: headers["cache-control"] ?? "",
            fromCache,
          };
        })(),
      ),
    );
    await page.goto(`${server.url}/exercises/${exercise}`);
    await page.waitForFunction(() => (window as unknown as { __pageOpen: Probe }).__pageOpen.run !== undefined, null, { timeout: 120_000, polling: 10 });
    await page.click('[data-testid="run"]');
    await page.waitForFunction(() => (window as unknown as { __pageOpen: Probe }).__pageOpen.result !== undefined, null, { timeout: 120_000, polling: 10 });
    // Monaco loads after Run is usable and its first Run (Workbench.tsx): its figure, and its code
    // cache for the next visit, need it loaded before the browser closes.
    await page.waitForFunction(() => (window as unknown as { __pageOpen: Probe }).__pageOpen.monaco !== undefined, null, { timeout: 120_000, polling: 10 }).catch(() => {});
    const p = (await page.evaluate(() => (window as unknown as { __pageOpen: Probe }).__pageOpen)) as Probe;
    const nav = (await page.evaluate(() => {
      const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      return n ? { ttfb: n.responseStart, domReady: n.domContentLoadedEventStart, fcp: fcp ? fcp.startTime : null } : null;
    })) as { ttfb: number; domReady: number; fcp: number | null } | null;
    // Let the draft autosave and the caches settle before the browser closes.
    await page.waitForTimeout(1500);
    const all = await Promise.all(transfers);
    figures = {
      bytes: all.reduce((n, t) => n + t.bytes, 0),
      requests: all.length,
      notModified: all.filter((t) => t.status === 304).length,
      fromCache: all.filter((t) => t.fromCache).length,
      browserCpuMs: null,
      ttfbMs: nav ? Math.round(nav.ttfb) : null,
      firstPaintMs: nav?.fcp ? Math.round(nav.fcp) : null,
      domReadyMs: nav ? Math.round(nav.domReady) : null,
      bootMs: p.boot === undefined ? null : Math.round(p.boot),
      // Not visible before the page's first contentful paint, whatever the frame timing says.
      editorMs: p.plain !== undefined || p.monaco !== undefined ? Math.max(Math.min(p.plain ?? Infinity, p.monaco ?? Infinity), nav?.fcp ?? 0) : null,
      monacoMs: p.monaco ?? null,
      runStartMs: p.runStart === undefined ? null : Math.round(p.runStart),
      runReadyMs: p.runReady === undefined ? null : Math.round(p.runReady),
      runWorker: p.runAt ?? null,
      firstRunPhases: p.runPhases ?? null,
      runUsableMs: p.run ?? null,
      firstRunMs: p.result !== undefined && p.clicked !== undefined ? p.result - p.clicked : null,
      loadAverage1m: loadavg()[0]!,
      largest: all.sort((a, b) => b.bytes - a.bytes).map(({ fromCache: _, ...t }) => t),
    };
  } finally {
    await ctx.close();
  }
  const cpuAfter = reapedChildrenCpuMs();
  figures.browserCpuMs = cpuBefore === null || cpuAfter === null ? null : Math.round(cpuAfter - cpuBefore);
  return figures;
}

const round = (x: number | null) => (x === null ? null : Math.round(x));

export async function pageOpenBench(opts: { exercise?: string; rounds: number; log: (s: string) => void }): Promise<PageOpenReport | { skipped: string }> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM} (GRADLAB_CHROMIUM)` };
  if (!existsSync(join(ROOT, ".next", "BUILD_ID")) || !existsSync(join(ROOT, "public", "gradlab", "manifest.json"))) return { skipped: "the web app is not built (npm run build)" };
  const exercise = opts.exercise ?? "dense";
  const server = await startServer(opts.log);
  const names = ["first", "second", "third"];
  const runs: VisitFigures[][] = names.map(() => []);
  try {
    for (let r = 0; r < opts.rounds; r++) {
      const profile = mkdtempSync(join(tmpdir(), "gradlab-bench-profile-"));
      try {
        for (let v = 0; v < names.length; v++) {
          const f = await visit(profile, server, exercise);
          f.editorMs = round(f.editorMs);
          f.monacoMs = round(f.monacoMs);
          f.runUsableMs = round(f.runUsableMs);
          f.firstRunMs = round(f.firstRunMs);
          runs[v]!.push(f);
          opts.log(`page open: round ${r + 1} ${names[v]} visit: ${(f.bytes / 1e6).toFixed(2)} MB in ${f.requests} requests, HTML ${f.ttfbMs} ms, first paint ${f.firstPaintMs} ms, parsed ${f.domReadyMs} ms, hydrated ${f.bootMs} ms, editor ${f.editorMs} ms, Monaco ${f.monacoMs} ms, Run worker ${f.runStartMs}-${f.runReadyMs} ms (evaluated +${f.runWorker?.evaluated}, adapter +${f.runWorker?.adapter ?? "-"}, WebGL probed +${f.runWorker?.webgl ?? "-"}, backend +${f.runWorker?.picked}), Run usable ${f.runUsableMs} ms, first Run ${f.firstRunMs} ms (${f.firstRunPhases ? Object.entries(f.firstRunPhases).map(([k, v]) => `${k} ${v}`).join(", ") : "no phases"}), browser CPU ${f.browserCpuMs} ms (load ${f.loadAverage1m.toFixed(1)})`);
        }
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    }
  } finally {
    await server.stop();
  }
  const med = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? summarize(v) : null;
  };
  return {
    exercise,
    rounds: opts.rounds,
    visits: names.map((name, v) => ({
      name,
      runs: runs[v]!,
      bytes: med(runs[v]!.map((f) => f.bytes))?.p50 ?? 0,
      editorMs: med(runs[v]!.map((f) => f.editorMs)),
      monacoMs: med(runs[v]!.map((f) => f.monacoMs)),
      runUsableMs: med(runs[v]!.map((f) => f.runUsableMs)),
      firstRunMs: med(runs[v]!.map((f) => f.firstRunMs)),
    })),
    targets: PAGE_OPEN_TARGETS,
    note: `${exercise}, headless Chromium, ${opts.rounds} fresh profile(s) × 3 visits (the browser relaunched between visits); ms from navigation start; editor: the learner's code visible and editable (the page's plain editor or Monaco, whichever first), Monaco: its first line rendered; first Run: click → result.`,
  };
}
