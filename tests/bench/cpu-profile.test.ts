// The bench's per-verdict breakdown (issue 19): a worker's CPU split by thread, and the split per verdict.
import { describe, expect, it, vi } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { spawn } from "node:child_process";
import { isSandboxNode, snapshotTree, workerThreads, type CpuByClass } from "../../bench/cpu-profile.ts";
import { verdictBreakdown } from "../../bench/efficiency.ts";

describe("bench CPU profile", () => {
  it("counts a worker_thread's CPU as the grading thread's, not the main thread's", async () => {
    const before = workerThreads(process.pid);
    // A thread that spins until it has used 300 ms of its own CPU (whatever the machine's load).
    const w = new Worker(
      `const { parentPort } = require("node:worker_threads");
       const cpu = () => { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; };
       while (cpu() < 300) {}
       parentPort.postMessage("done");
       setInterval(() => {}, 1000);`,
      { eval: true },
    );
    await new Promise((r) => w.once("message", r));
    const after = workerThreads(process.pid);
    await w.terminate();
    expect(after.grading - before.grading).toBeGreaterThanOrEqual(250);
    expect(after.main - before.main).toBeLessThan(after.grading - before.grading);
  });

  it("splits a worker's CPU per verdict: main thread, V8's helpers, the grading thread outside its recorded phases", () => {
    const log = join(mkdtempSync(join(tmpdir(), "gradlab-prof-")), "profile.log");
    writeFileSync(log, [{ thread: "grading", cpuMs: 300, checks: 200 }, { thread: "grading", cpuMs: 100, checks: 50 }, { thread: "main", cpuMs: 20 }].map((r) => JSON.stringify(r)).join("\n") + "\n");
    const cpu: CpuByClass = {
      web: 80, worker: 1000, sandbox: 2000, esbuild: 0, supervisor: 0, other: 0, wallMs: 1, machineBusyMs: 4000,
      workerThreads: { main: 100, grading: 500, v8Helpers: 360, other: 40 },
    };
    const v = verdictBreakdown(cpu, log, 2, 100, 50);
    expect(v.workerQueueSide).toBe(300); // (1000 − 400 recorded) / 2, as before
    expect(v.worker).toEqual({ total: 500, mainThread: 50, v8Helpers: 180, gradingThreadOutsidePhases: 50, other: 20 });
    expect(v.gradingThread.total).toBe(200);
    expect(v.gradingThread.referenceAndChecks).toBe(125);
  });

  it("spreads a sandbox child's start-up over the verdicts it served (a child serves several)", () => {
    const base: CpuByClass = { web: 0, worker: 0, sandbox: 4000, esbuild: 0, supervisor: 0, other: 0, wallMs: 1, machineBusyMs: 1, workerThreads: { main: 0, grading: 0, v8Helpers: 0, other: 0 } };
    // 40 verdicts, 100 ms a verdict in the children; 2 children started, 220 ms start-up each.
    const reused = verdictBreakdown({ ...base, sandboxChildren: 2 }, undefined, 40, 220, 50);
    expect(reused.sandboxChild).toEqual({ total: 100, childrenPerVerdict: 0.05, startUp: 11, learnerCode: 89 });
    // Without a count: one child a verdict, capped at what the children used.
    const unknown = verdictBreakdown(base, undefined, 40, 220, 50);
    expect(unknown.sandboxChild).toEqual({ total: 100, childrenPerVerdict: null, startUp: 100, learnerCode: 0 });
  });

  it("counts a sandbox child once: its Node process, not the bubblewrap processes around it", () => {
    const child = "/node_modules/.cache/gradlab/sandbox-child.mjs";
    expect(isSandboxNode(`/opt/node/bin/node --no-node-snapshot --max-old-space-size=256 ${child}`)).toBe(true);
    expect(isSandboxNode(`bwrap --tmpfs /tmp --ro-bind /usr /usr -- /opt/node/bin/node ${child}`)).toBe(false);
    expect(isSandboxNode(`/usr/bin/bwrap --unshare-all -- node ${child}`)).toBe(false);
    expect(isSandboxNode("/opt/node/bin/node /work/main/bin/gradlab.js worker")).toBe(false);
  });

  it("finds the tree's processes and classifies a process again once it has exec'd (command lines are kept only for settled processes)", async () => {
    // A shell naming sandbox-child.mjs (as bwrap's processes do), which then execs Node on it: a sandbox child's Node.
    const script = join(mkdtempSync(join(tmpdir(), "gradlab-prof-")), "sandbox-child.mjs");
    // Alive until the test kills it (no timer that could run out on a loaded machine).
    writeFileSync(script, "setInterval(() => {}, 1 << 30);\n");
    const sh = spawn("/bin/sh", ["-c", `read line; exec "${process.execPath}" "${script}"`, script], { stdio: ["pipe", "ignore", "ignore"] });
    try {
      // Until the shell runs (between fork and exec the child still has this process's command line).
      const first = await vi.waitFor(
        () => {
          const p = snapshotTree([process.pid]).procs.get(sh.pid!);
          expect(p?.cls).toBe("sandbox");
          return p;
        },
        { timeout: 60_000, interval: 20 },
      );
      expect(first?.sandboxNode).toBeFalsy();
      sh.stdin!.end("go\n");
      const later = await vi.waitFor(
        () => {
          const p = snapshotTree([process.pid]).procs.get(sh.pid!);
          expect(p?.sandboxNode).toBe(true);
          return p;
        },
        { timeout: 60_000, interval: 20 },
      );
      expect(later?.cls).toBe("sandbox");
      // Outside the tree: nothing (pid 1 is no descendant of this process).
      expect(snapshotTree([process.pid]).procs.has(1)).toBe(false);
    } finally {
      sh.kill("SIGKILL");
    }
    // Two condition waits of up to a minute each on a loaded machine.
  }, 150_000);
});
