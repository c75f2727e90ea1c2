/**
 * Where a sandbox child's start-up CPU goes (issue 19), one step at a time, in fresh Node processes
 * started the way the sandbox starts its children (no startup snapshot, 256 MiB old space):
 * Node's own boot, loading isolated-vm, a new isolate and context, compiling the harness (also
 * with a V8 code cache, to size that lever) and running it.
 *
 *   NODE_OPTIONS=--no-node-snapshot node bench/child-startup.ts [reps] [--isolate]
 *
 * --isolate: a fresh isolate's set-up in a warm process (as a reused child opens one per
 * submission), with and without the harness's code cache.
 *
 * CPU ms (user + system, all threads) from process.cpuUsage() inside the child. Not part of
 * `npm run bench`: a lever study, kept so that the figures in bench/results/issue-19.md can be redone.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { harnessScript } from "../grader/sandbox/bundle.ts";

const PHASES = ["boot", "isolatedVm", "isolate", "compile", "run"] as const;
type Phases = Record<(typeof PHASES)[number], number> & { cacheRejected?: boolean };

/** The child: CommonJS, so that it measures Node's boot and not a loader of ours. */
const CHILD = String.raw`
const { readFileSync, writeFileSync } = require("node:fs");
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t0 = cpu();
const ivm = require(process.env.IVM);
const t1 = cpu();
(async () => {
  const iso = new ivm.Isolate({ memoryLimit: 128 });
  const ctx = await iso.createContext();
  const t2 = cpu();
  const opts = { filename: "harness.js" };
  if (process.env.CACHE_IN) opts.cachedData = new ivm.ExternalCopy(readFileSync(process.env.CACHE_IN).buffer);
  if (process.env.CACHE_OUT) opts.produceCachedData = true;
  const script = await iso.compileScript(readFileSync(process.env.HARNESS, "utf8"), opts);
  const t3 = cpu();
  if (process.env.CACHE_OUT) writeFileSync(process.env.CACHE_OUT, Buffer.from(script.cachedData.copy()));
  await script.run(ctx, { timeout: 5000 });
  const t4 = cpu();
  process.stdout.write(JSON.stringify({ boot: t0, isolatedVm: t1 - t0, isolate: t2 - t1, compile: t3 - t2, run: t4 - t3, cacheRejected: script.cachedDataRejected }));
})();
`;

function runChild(dir: string, env: Record<string, string>): Phases {
  const r = spawnSync(process.execPath, ["--no-node-snapshot", "--max-old-space-size=256", join(dir, "child.cjs")], { env: { ...env }, encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Phases;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function childStartupSplit(reps: number): Promise<{ plain: Phases; codeCache: Phases; reps: number }> {
  const dir = mkdtempSync(join(tmpdir(), "gradlab-child-startup-"));
  try {
    const harness = join(dir, "harness.js");
    writeFileSync(harness, await harnessScript());
    writeFileSync(join(dir, "child.cjs"), CHILD);
    const env = { IVM: createRequire(import.meta.url).resolve("isolated-vm"), HARNESS: harness };
    const cache = join(dir, "harness.cache");
    runChild(dir, { ...env, CACHE_OUT: cache });
    const plain: Phases[] = [];
    const cached: Phases[] = [];
    // Interleaved: the machine is shared and its load drifts.
    for (let i = 0; i < reps; i++) {
      plain.push(runChild(dir, env));
      cached.push(runChild(dir, { ...env, CACHE_IN: cache }));
    }
    const avg = (rs: Phases[]): Phases => {
      const out = Object.fromEntries(PHASES.map((k) => [k, Math.round(mean(rs.map((r) => r[k])) * 10) / 10])) as unknown as Phases;
      if (rs.some((r) => r.cacheRejected !== undefined)) out.cacheRejected = rs.some((r) => r.cacheRejected);
      return out;
    };
    return { plain: avg(plain), codeCache: avg(cached), reps };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A fresh isolate's set-up as a reused child does it between two submissions (isolate, context,
 * harness compiled and run), without and with the harness's code cache (grader/sandbox/harness-cache.ts),
 * interleaved in this process; CPU ms per isolate.
 */
export async function isolateSetupSplit(reps: number): Promise<Record<"plain" | "codeCache", Record<string, number>> & { rejected: number }> {
  // As in a child: with isolate-transport.ts's V8 flags (no wasm code GC: a disposed isolate's kernel could crash the process).
  await import("../grader/sandbox/isolate-transport.ts");
  const ivm = (await import("isolated-vm")).default;
  const { HarnessCodeCache } = await import("../grader/sandbox/harness-cache.ts");
  const harness = await harnessScript();
  const cache = new HarnessCodeCache();
  const first = new ivm.Isolate({ memoryLimit: 128 });
  cache.compiled(harness, await first.compileScript(harness, { filename: "harness.js", ...cache.options(harness) }));
  first.dispose();
  cache.seal();
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const sums = { plain: { isolate: 0, compile: 0, run: 0, dispose: 0 }, codeCache: { isolate: 0, compile: 0, run: 0, dispose: 0 } };
  let rejected = 0;
  for (let i = 0; i < reps; i++) {
    for (const mode of ["plain", "codeCache"] as const) {
      const t0 = cpu();
      const iso = new ivm.Isolate({ memoryLimit: 128 });
      const ctx = await iso.createContext();
      const t1 = cpu();
      const script = await iso.compileScript(harness, { filename: "harness.js", ...(mode === "codeCache" ? cache.options(harness) : {}) });
      if ((script as { cachedDataRejected?: boolean }).cachedDataRejected) rejected++;
      const t2 = cpu();
      await script.run(ctx, { timeout: 5_000 });
      const t3 = cpu();
      ctx.release();
      iso.dispose();
      const t4 = cpu();
      const s = sums[mode];
      s.isolate += t1 - t0;
      s.compile += t2 - t1;
      s.run += t3 - t2;
      s.dispose += t4 - t3;
    }
  }
  const avg = (s: Record<string, number>) => {
    const out = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round((v / reps) * 100) / 100]));
    return { ...out, total: Math.round((Object.values(s).reduce((a, b) => a + b, 0) / reps) * 100) / 100 };
  };
  return { plain: avg(sums.plain), codeCache: avg(sums.codeCache), rejected };
}

if (import.meta.main && process.argv.includes("--isolate")) {
  const reps = Number(process.argv[2] ?? 40);
  process.stdout.write(`a fresh isolate's set-up in a warm process, CPU ms (mean of ${reps}, interleaved): ${JSON.stringify(await isolateSetupSplit(reps))}\n`);
  process.exit(0);
}

if (import.meta.main) {
  const reps = Number(process.argv[2] ?? 10);
  const r = await childStartupSplit(reps);
  const total = (p: Phases) => PHASES.reduce((s, k) => s + p[k], 0).toFixed(0);
  process.stdout.write(`sandbox child start-up, CPU ms (mean of ${reps}, interleaved)\n`);
  for (const [name, p] of [["plain", r.plain], ["harness code cache", r.codeCache]] as const) {
    process.stdout.write(`  ${name.padEnd(20)} total ${total(p)}: ${PHASES.map((k) => `${k} ${p[k]}`).join(", ")}${p.cacheRejected ? " (cache rejected at least once)" : ""}\n`);
  }
  process.exit(0);
}
