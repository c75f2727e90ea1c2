/**
 * End-to-end helpers: the real server (`gradlab start`: the built Next app + a grading worker) on
 * a free port with a fresh GRADLAB_DATA_DIR, and headless Chromium (Debian's /usr/bin/chromium).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const ARTIFACTS = join(ROOT, "tests", "artifacts");
export const CHROMIUM = process.env.GRADLAB_CHROMIUM ?? "/usr/bin/chromium";

export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** A port free on 127.0.0.1 now (the bench starts its servers on one too). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether the web app is built and newer than its sources. */
export function isBuilt(): boolean {
  const stamp = join(ROOT, "public", "gradlab", "manifest.json");
  if (!existsSync(join(ROOT, ".next", "BUILD_ID")) || !existsSync(stamp)) return false;
  const built = Math.min(statSync(join(ROOT, ".next", "BUILD_ID")).mtimeMs, statSync(stamp).mtimeMs);
  const sources = Math.max(...["app", "server", "lib", "exercises", "datasets", "grader/sandbox"].map((d) => newestMtime(join(ROOT, d))));
  return sources <= built;
}

/** `gradlab build-web` in this checkout, now. */
export function buildWeb(): void {
  const r = spawnSync(process.execPath, ["--no-node-snapshot", join(ROOT, "bin", "gradlab.js"), "build-web"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm run build failed");
}

/**
 * Build the web app when it is missing or older than its sources (CI builds first; this is the
 * fallback). Test files run side by side (scripts/test.sh's two lanes), and two builds into one
 * .next would break each other: the build runs under a lock file (flock), and whoever waited for
 * it looks again before building (tests/e2e/build-web-once.ts).
 */
export function ensureBuilt(): void {
  if (isBuilt()) return;
  const lock = join(tmpdir(), `gradlab-build-web-${createHash("sha1").update(ROOT).digest("hex").slice(0, 12)}.lock`);
  const r = spawnSync("flock", [lock, process.execPath, "--no-node-snapshot", join(ROOT, "tests", "e2e", "build-web-once.ts")], { cwd: ROOT, stdio: "inherit" });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") return buildWeb(); // no flock: build unlocked, as before
  if (r.status !== 0) throw new Error("npm run build failed");
}

export interface Server {
  url: string;
  dataDir: string;
  accounts: Map<string, { email: string; password: string }>;
  cli(...args: string[]): string;
  /** Stop the server; `keepData` leaves GRADLAB_DATA_DIR for a restart with `startServer({ dataDir })`. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export interface ServerOptions {
  /** Reuse a data folder (a restart); default a fresh one. */
  dataDir?: string;
  /** GRADLAB_EXERCISES_DIR for the server, its workers and `cli`. */
  exercisesDir?: string;
}

export async function startServer(opts: ServerOptions = {}): Promise<Server> {
  ensureBuilt();
  const port = await freePort();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "gradlab-e2e-"));
  const env = { ...process.env, PORT: String(port), GRADLAB_DATA_DIR: dataDir, GRADLAB_WORKERS: "1", HOST: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1", ...(opts.exercisesDir ? { GRADLAB_EXERCISES_DIR: opts.exercisesDir } : {}) };
  const child: ChildProcess = spawn(process.execPath, ["--no-node-snapshot", join(ROOT, "bin", "gradlab.js"), "start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gradlab start exited early:\n${out}`);
    try {
      const r = await fetch(`${url}/sign-in`);
      if (r.ok && /worker .* grading from/.test(out)) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`the server did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const accounts = new Map<string, { email: string; password: string }>();
  for (const m of out.matchAll(/^\s+(learner|instructor|admin)\s+(\S+@\S+)\s+(\S+)$/gm)) accounts.set(m[1], { email: m[2], password: m[3] });
  return {
    url,
    dataDir,
    accounts,
    cli(...args: string[]) {
      const r = spawnSync(process.execPath, ["--no-node-snapshot", join(ROOT, "bin", "gradlab.js"), ...args], { cwd: ROOT, env, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`gradlab ${args.join(" ")} failed: ${r.stderr}`);
      return r.stdout.trim();
    },
    async stop(o: { keepData?: boolean } = {}) {
      child.kill("SIGTERM");
      await new Promise<void>((r) => (child.exitCode !== null ? r() : child.on("exit", () => r())));
      if (!o.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/** Sign in through the real form and wait until the app navigates away from it. */
export async function signIn(page: Page, server: Server, who: { email: string; password: string }, next = "/"): Promise<void> {
  await page.goto(`${server.url}/sign-in?next=${encodeURIComponent(next)}`);
  await page.fill('input[name="email"]', who.email);
  await page.fill('input[name="password"]', who.password);
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"), { timeout: 20_000 });
}

/** Replace the editor's code with `code`, typed as a learner types it (not re-indented or auto-closed, so what is submitted is exactly `code`). */
export async function typeCode(page: Page, code: string): Promise<void> {
  await page.evaluate(() => (window as unknown as { __gradlabEditor: { updateOptions(o: object): void } }).__gradlabEditor.updateOptions({ autoIndent: "none", autoClosingBrackets: "never", autoClosingQuotes: "never" }));
  await page.click(".monaco-editor .view-lines");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
  await expect.poll(() => page.evaluate(() => (window as unknown as { __gradlabEditor: { getValue(): string } }).__gradlabEditor.getValue())).toBe(code);
}
