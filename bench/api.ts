/**
 * The HTTP API end to end: a temp data dir, a learner and its API token (`gradlab user add`,
 * `gradlab token`), then `gradlab start --workers 2` (the built Next app + 2 grading workers).
 * Uses an existing web build; builds one only when asked (`--build-web`), since a build takes
 * minutes and writes .next in the shared tree.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { gunzipSync, inflateSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { GradeResult } from "../lib/result.ts";
import { freePort } from "../tests/e2e/server.ts";
import { sleep } from "./stats.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const GRADLAB = resolve(ROOT, "bin/gradlab.js");

export interface ApiClient {
  base: string;
  dataDir: string;
  /** The `gradlab start` process (the root of the web server's and the workers' process tree). */
  pid: number;
  /** POST /api/submissions; returns the id and the response time. */
  submit(exerciseId: string, code: string): Promise<{ id: string; ms: number; status: number }>;
  /** GET /api/submissions/:id */
  get(id: string): Promise<{ status: string; result: GradeResult | null; ms: number }>;
  /** GET /api/submissions/:id/wait?known=…: the long poll the exercise page waits on (answers when the status changes, or after `timeoutS`). */
  wait(id: string, known: string, timeoutS?: number): Promise<{ status: string; result: GradeResult | null; ms: number }>;
  /** POST, then poll GET every `pollMs` until done; wall ms. */
  gradeEndToEnd(exerciseId: string, code: string, pollMs?: number): Promise<{ ms: number; result: GradeResult }>;
  stop(): Promise<void>;
}

/**
 * The learners' requests, over kept-alive connections (as a browser keeps its connection to the
 * site). node:http rather than fetch: the bench runs on the cores it measures, and undici's fetch
 * cost this process 0.6-1.8 ms CPU a POST against 0.26-0.47 ms (issue 19, side by side against a
 * trivial server). The server sees the same requests: the headers fetch sent (so it compresses,
 * negotiates and answers as before).
 */
const FETCH_HEADERS = { accept: "*/*", "accept-language": "*", "sec-fetch-mode": "cors", "user-agent": "node", "accept-encoding": "gzip, deflate" };

function httpJson(agent: Agent, url: string, method: "GET" | "POST", headers: Record<string, string>, body?: string, retried = false): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const all = { ...FETCH_HEADERS, ...headers, ...(body === undefined ? {} : { "Content-Length": String(Buffer.byteLength(body)) }) };
    const req = request(url, { method, agent, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers["content-encoding"];
        const text = (encoding === "gzip" ? gunzipSync(raw) : encoding === "deflate" ? inflateSync(raw) : raw).toString("utf8");
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { error: text.slice(0, 300) };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    // A kept-alive connection the server closed as we reused it: the request never reached it (Node's documented retry).
    req.on("error", (e: NodeJS.ErrnoException) => (req.reusedSocket && e.code === "ECONNRESET" && !retried ? httpJson(agent, url, method, headers, body, true).then(resolve, reject) : reject(e)));
    req.end(body);
  });
}

function cli(args: string[], env: NodeJS.ProcessEnv): { ok: boolean; out: string; err: string } {
  const r = spawnSync(process.execPath, ["--no-node-snapshot", GRADLAB, ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
  return { ok: r.status === 0, out: r.stdout ?? "", err: r.stderr ?? "" };
}

export async function startApi(opts: { buildWeb: boolean; workers: number; log: (s: string) => void }): Promise<ApiClient | { reason: string }> {
  if (!existsSync(join(ROOT, "app")) || !existsSync(join(ROOT, "app", "api", "submissions"))) return { reason: "the web app (app/api/submissions) does not exist yet" };
  const built = existsSync(join(ROOT, ".next", "BUILD_ID")) && existsSync(join(ROOT, "public", "gradlab", "manifest.json"));
  if (!built) {
    if (!opts.buildWeb) return { reason: "the web app is not built (.next/BUILD_ID or public/gradlab/manifest.json missing); run `npx gradlab build-web` or pass --build-web" };
    opts.log("api: building the web app (gradlab build-web)…");
    const b = cli(["build-web"], process.env);
    if (!b.ok) return { reason: `the web app does not build: ${(b.err || b.out).slice(-800)}` };
  }
  const dataDir = mkdtempSync(join(tmpdir(), "gradlab-bench-api-"));
  const port = await freePort();
  // One learner stands in for the class; the per-learner submission rate limit and the cap on its
  // waiting submissions (grader/intake.ts) are lifted for it.
  const env = { ...process.env, GRADLAB_DATA_DIR: dataDir, PORT: String(port), GRADLAB_SUBMISSIONS_PER_MINUTE: "1000000", GRADLAB_MAX_QUEUED_PER_LEARNER: "1000000", GRADLAB_MAX_WAITS_PER_USER: "1000000", NEXT_TELEMETRY_DISABLED: "1" };
  const email = "bench-learner@example.com";
  const add = cli(["user", "add", email, "--role", "learner", "--password", "bench-password-123"], env);
  if (!add.ok) return { reason: `gradlab user add failed: ${(add.err || add.out).slice(-500)}` };
  const tok = cli(["token", email], env);
  const token = tok.out.trim().split("\n").pop() ?? "";
  if (!tok.ok || !token) return { reason: `gradlab token failed: ${(tok.err || tok.out).slice(-500)}` };
  const server: ChildProcess = spawn(process.execPath, ["--no-node-snapshot", GRADLAB, "start", "--workers", String(opts.workers)], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let logText = "";
  server.stdout!.on("data", (d) => (logText = (logText + d).slice(-20_000)));
  server.stderr!.on("data", (d) => (logText = (logText + d).slice(-20_000)));
  let exited = false;
  server.on("exit", () => (exited = true));
  const base = `http://127.0.0.1:${port}`;
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const agent = new Agent({ keepAlive: true });
  const stop = async () => {
    agent.destroy();
    await stopServer();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const stopServer = async () => {
    if (exited) return;
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      /* gone */
    }
    for (let i = 0; i < 100 && !exited; i++) await sleep(100);
    if (!exited) {
      try {
        process.kill(-server.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  };
  // Ready when the API answers (404 for an unknown submission) and the workers have started.
  const deadline = Date.now() + 120_000;
  let ready = false;
  while (Date.now() < deadline && !exited) {
    try {
      const r = await fetch(`${base}/api/submissions/not-a-submission`, { headers });
      if (r.status === 404 || r.status === 200) {
        ready = true;
        break;
      }
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  if (!ready) {
    await stop();
    return { reason: `the web server did not become ready: ${logText.slice(-800)}` };
  }
  const client: ApiClient = {
    base,
    dataDir,
    pid: server.pid!,
    async submit(exerciseId, code) {
      const t0 = performance.now();
      const r = await httpJson(agent, `${base}/api/submissions`, "POST", headers, JSON.stringify({ exerciseId, code }));
      const body = r.body as { id?: string; error?: string };
      const ms = performance.now() - t0;
      if (r.status !== 202 || !body.id) throw new Error(`POST /api/submissions → ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
      return { id: body.id, ms, status: r.status };
    },
    async get(id) {
      const t0 = performance.now();
      const r = await httpJson(agent, `${base}/api/submissions/${id}`, "GET", headers);
      const body = r.body as { status: string; result: GradeResult | null };
      const ms = performance.now() - t0;
      if (r.status !== 200) throw new Error(`GET /api/submissions/${id} → ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
      return { status: body.status, result: body.result, ms };
    },
    async wait(id, known, timeoutS = 25) {
      const t0 = performance.now();
      const r = await httpJson(agent, `${base}/api/submissions/${id}/wait?known=${known}&timeout=${timeoutS}`, "GET", headers);
      const body = r.body as { status: string; result: GradeResult | null };
      const ms = performance.now() - t0;
      if (r.status !== 200) throw new Error(`GET /api/submissions/${id}/wait → ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
      return { status: body.status, result: body.result, ms };
    },
    async gradeEndToEnd(exerciseId, code, pollMs = 20) {
      const t0 = performance.now();
      const { id } = await client.submit(exerciseId, code);
      for (;;) {
        const g = await client.get(id);
        if (g.status === "done" && g.result) return { ms: performance.now() - t0, result: g.result };
        if (performance.now() - t0 > 180_000) throw new Error(`submission ${id} not graded after 180 s`);
        await sleep(pollMs);
      }
    },
    stop,
  };
  opts.log(`api: server on ${base} with ${opts.workers} workers (data ${dataDir})`);
  return client;
}
