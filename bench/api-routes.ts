/**
 * The web server's CPU per request of the three submission routes, answered directly
 * (server/submission-fast-path.ts) and through Next (GRADLAB_API_FAST_PATH=off), side by side:
 * two web servers on one data folder (no grading worker), the same requests to each in
 * alternating rounds, CPU read from /proc/<pid>/stat around each round (issue 19).
 *
 *   node --no-node-snapshot bench/api-routes.ts [--rounds 4] [--n 200]
 *
 * Per "verdict" = 1 POST + 2 long polls + 0.5 GET (what the throughput mix sends a verdict).
 * Needs the built web app (.next). Run under /tmp/gradlab-heavy.lock on a shared machine.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../tests/e2e/server.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "4" }, n: { type: "string", default: "200" } } });
const ROUNDS = Number(args.rounds);
const N = Number(args.n);

const dataDir = mkdtempSync(join(tmpdir(), "gradlab-bench-api-routes-"));
Object.assign(process.env, { GRADLAB_DATA_DIR: dataDir, GRADLAB_SUBMISSIONS_PER_MINUTE: "1000000", GRADLAB_MAX_QUEUED_PER_LEARNER: "1000000", GRADLAB_MAX_WAITS_PER_USER: "1000000" });
const ctx = await import("../server/context.ts");
const A = await import("../server/accounts.ts");
const { closeAllDbs } = await import("../db/client.ts");

const CLK_TCK = 100;
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime + stime
}

interface Web {
  name: string;
  url: string;
  child: ChildProcess;
}

async function startWeb(name: string, fastPath: boolean): Promise<Web> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: "127.0.0.1", GRADLAB_ROOT: ROOT, NEXT_TELEMETRY_DISABLED: "1", GRADLAB_API_FAST_PATH: fastPath ? "on" : "off", GRADLAB_LTI_RELAY: "off" };
  const child = spawn(process.execPath, ["--no-node-snapshot", join(ROOT, "server", "web-server.ts")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((res, rej) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (/web server listening/.test(out)) res();
    });
    child.once("exit", () => rej(new Error(`${name} exited: ${out}`)));
  });
  return { name, url: `http://127.0.0.1:${port}`, child };
}

const user = await A.addUser(ctx.auth, ctx.db, "bench-routes@example.com", "learner");
const token = await A.issueToken(ctx.auth, ctx.db, user.email);
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
const webs = [await startWeb("through Next", false), await startWeb("direct", true)];

async function post(base: string, i: number): Promise<string> {
  const r = await fetch(`${base}/api/submissions`, { method: "POST", headers, body: JSON.stringify({ exerciseId: "dense", code: `export const x${i} = ${i};\n// ${"padding ".repeat(100)}` }) });
  if (r.status !== 202) throw new Error(`POST: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { id: string }).id;
}
async function get(url: string): Promise<void> {
  const r = await fetch(url, { headers });
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status}`);
  await r.arrayBuffer();
}

type Route = "POST" | "GET" | "wait";
const routes: Route[] = ["POST", "GET", "wait"];
// CPU ms per request: web → route → samples (one per round)
const perRequest = new Map<string, Record<Route, number[]>>(webs.map((w) => [w.name, { POST: [], GET: [], wait: [] }]));

// Warm both (JIT, prepared statements, Next's route chunks), then measure.
for (const w of webs) for (let i = 0; i < 30; i++) await get(`${w.url}/api/submissions/${await post(w.url, i)}/wait?known=queued&timeout=0`);

const load0 = loadavg()[0];
for (let round = 0; round < ROUNDS; round++) {
  for (const w of round % 2 ? [...webs].reverse() : webs) {
    const ids: string[] = [];
    let t = cpuMs(w.child.pid!);
    for (let i = 0; i < N; i++) ids.push(await post(w.url, i));
    let now = cpuMs(w.child.pid!);
    perRequest.get(w.name)!.POST.push((now - t) / N);
    t = now;
    for (const id of ids) await get(`${w.url}/api/submissions/${id}`);
    now = cpuMs(w.child.pid!);
    perRequest.get(w.name)!.GET.push((now - t) / N);
    t = now;
    for (const id of ids) await get(`${w.url}/api/submissions/${id}/wait?known=queued&timeout=0`);
    now = cpuMs(w.child.pid!);
    perRequest.get(w.name)!.wait.push((now - t) / N);
  }
}
const load1 = loadavg()[0];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number) => x.toFixed(2);
console.log(`web server CPU ms a request (mean of ${ROUNDS} rounds of ${N} each; rounds alternate which server goes first); load ${load0.toFixed(1)} → ${load1.toFixed(1)}`);
console.log(`| | POST | GET | wait (timeout=0) | a verdict (1 POST + 2 waits + 0.5 GET) |`);
console.log(`|---|---|---|---|---|`);
const verdict: Record<string, number> = {};
for (const w of webs) {
  const s = perRequest.get(w.name)!;
  verdict[w.name] = mean(s.POST) + 2 * mean(s.wait) + 0.5 * mean(s.GET);
  console.log(`| ${w.name} | ${routes.map((r) => `${f(mean(s[r]))} (${s[r].map(f).join("/")})`).join(" | ")} | ${f(verdict[w.name])} |`);
}
console.log(`direct / through Next, a verdict: ${(verdict.direct / verdict["through Next"]).toFixed(2)}`);

for (const w of webs) w.child.kill("SIGTERM");
await Promise.all(webs.map((w) => new Promise<void>((r) => (w.child.exitCode !== null ? r() : w.child.once("exit", () => r())))));
closeAllDbs();
rmSync(dataDir, { recursive: true, force: true });
