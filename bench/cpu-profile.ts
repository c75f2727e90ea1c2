/**
 * CPU time per GradLab process while the bench runs, from /proc (Linux): the web server, the
 * workers (their own threads), the sandbox children they reaped (a worker's cutime/cstime: the
 * bubblewrap + node children of finished submissions), esbuild's service and the supervisor.
 * Snapshots of a process tree are subtracted; a process born between them counts from zero.
 * The machine's total busy CPU over the same time is kept too (other engineers' load shows there).
 * A worker's CPU is also split by thread (/proc/<pid>/task): its main thread (the queue's side),
 * its grading thread, V8's helper threads (garbage collection and compilers, for both isolates)
 * and the rest (libuv's pool).
 */
import { readdirSync, readFileSync } from "node:fs";

export type ProcessClass = "web" | "worker" | "sandbox" | "esbuild" | "supervisor" | "other";

/** A worker process's threads, by role: CPU ms. */
export interface WorkerThreads {
  main: number;
  grading: number;
  v8Helpers: number;
  other: number;
}

interface Proc {
  pid: number;
  ppid: number;
  cls: ProcessClass;
  /** utime + stime, ms. */
  self: number;
  /** cutime + cstime (reaped children), ms. */
  reaped: number;
  /** A worker's CPU by thread; threads that exited are counted in no role (a terminated grading thread). */
  threads?: WorkerThreads;
  /** A sandbox child's Node process (not its bwrap): counted to spread a child's start-up over the verdicts it served. */
  sandboxNode?: boolean;
}

export interface TreeSnapshot {
  at: number;
  procs: Map<number, Proc>;
  /** Busy CPU ms of the whole machine (all cores). */
  machineBusyMs: number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux everywhere in practice). */
const TICK_MS = 10;

function classify(cmdline: string): ProcessClass {
  if (/sandbox-child\.mjs|^bwrap|\/bwrap\b|prlimit/.test(cmdline)) return "sandbox";
  if (/esbuild/.test(cmdline)) return "esbuild";
  if (/web-server\.ts|next-server|next\/dist/.test(cmdline)) return "web";
  if (/gradlab\.js\s+worker/.test(cmdline)) return "worker";
  if (/gradlab\.js\s+start/.test(cmdline)) return "supervisor";
  return "other";
}

/** The Node process of a sandbox child (bwrap's processes name sandbox-child.mjs among their arguments too). */
export function isSandboxNode(cmdline: string): boolean {
  const exe = cmdline.split(" ", 1)[0] ?? "";
  return /(^|\/)node$/.test(exe) && /sandbox-child\.mjs/.test(cmdline);
}

/** The fields of a /proc stat line after the command name (which may hold spaces and parentheses); n(i) is field i as man proc numbers them. */
function statFields(stat: string): { comm: string; n: (i: number) => number } {
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), n: (i: number) => Number(f[i - 3]) };
}

/** Node names its threads: MainThread (the process's own tid), WorkerThread (worker_threads), V8Worker (V8's platform pool). */
export function workerThreads(pid: number): WorkerThreads {
  const out: WorkerThreads = { main: 0, grading: 0, v8Helpers: 0, other: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // ended while we read
    }
    const { comm, n } = statFields(stat);
    const ms = (n(14) + n(15)) * TICK_MS;
    if (tid === String(pid)) out.main += ms;
    else if (comm.startsWith("WorkerThread")) out.grading += ms;
    else if (comm.startsWith("V8Worker")) out.v8Helpers += ms;
    else out.other += ms;
  }
  return out;
}

function readProc(pid: number): Proc | undefined {
  try {
    const { n } = statFields(readFileSync(`/proc/${pid}/stat`, "utf8"));
    return describe(pid, n(4), n(14) + n(15), n(16) + n(17), readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim());
  } catch {
    return undefined; // exited while we read
  }
}

/** A process of the tree, classified from its command line (ticks → ms). */
function describe(pid: number, ppid: number, selfTicks: number, reapedTicks: number, cmdline: string): Proc {
  const cls = classify(cmdline);
  return { pid, ppid, cls, self: selfTicks * TICK_MS, reaped: reapedTicks * TICK_MS, ...(cls === "worker" ? { threads: workerThreads(pid) } : {}), ...(isSandboxNode(cmdline) ? { sandboxNode: true } : {}) };
}

/**
 * Command lines of processes that will not exec again (GradLab's servers, workers, esbuild and a
 * sandbox child's Node), by pid and start time: read once, not at every sample. A bwrap, or a
 * process between fork and exec, is read again each time.
 */
const settledCmdlines = new Map<number, { start: number; cmdline: string }>();

function cmdlineOf(pid: number, start: number): string {
  const known = settledCmdlines.get(pid);
  if (known?.start === start) return known.cmdline;
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  const cls = classify(cmdline);
  if (cls === "web" || cls === "worker" || cls === "supervisor" || cls === "esbuild" || isSandboxNode(cmdline)) settledCmdlines.set(pid, { start, cmdline });
  return cmdline;
}

function machineBusyMs(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all − idle − iowait.
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - cpu[3]! - cpu[4]!) * TICK_MS;
}

/**
 * The processes `roots` and all their descendants, now. Every process's stat is read (for its
 * parent), but command lines only of the tree's processes: the sampler reads this every 100 ms
 * during the surge, and reading every process's command line doubled its cost (~5 ms a sample on
 * a machine with ~100 processes, CPU taken from the cores GradLab is measured on).
 */
export function snapshotTree(roots: number[]): TreeSnapshot {
  const all: { pid: number; ppid: number; start: number; self: number; reaped: number }[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const { n } = statFields(readFileSync(`/proc/${name}/stat`, "utf8"));
      all.push({ pid: Number(name), ppid: n(4), start: n(22), self: n(14) + n(15), reaped: n(16) + n(17) });
    } catch {
      /* exited while we read */
    }
  }
  const children = new Map<number, typeof all>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const procs = new Map<number, Proc>();
  const stack: { p: (typeof all)[number]; parentCls?: ProcessClass }[] = all.filter((p) => roots.includes(p.pid)).map((p) => ({ p }));
  while (stack.length) {
    const { p, parentCls } = stack.pop()!;
    let proc: Proc;
    try {
      proc = describe(p.pid, p.ppid, p.self, p.reaped, cmdlineOf(p.pid, p.start));
    } catch {
      continue; // exited while we read
    }
    // Children inherit their parent's class when their own command line does not say (bwrap's node).
    if (proc.cls === "other" && parentCls === "sandbox") proc = { ...proc, cls: "sandbox" };
    procs.set(p.pid, proc);
    for (const c of children.get(p.pid) ?? []) stack.push({ p: c, parentCls: proc.cls });
  }
  return { at: performance.now(), procs, machineBusyMs: machineBusyMs() };
}

export type CpuByClass = Record<ProcessClass, number> & {
  wallMs: number;
  machineBusyMs: number;
  workerThreads: WorkerThreads;
  /** Sandbox children (their Node processes) started while sampling; only sampleTree counts them. */
  sandboxChildren?: number;
  /** Sandbox processes seen while sampling (bwrap and Node per child); only sampleTree counts them. */
  sandboxProcesses?: number;
  /** sampleTree's own CPU (reading /proc), ms: part of the sampling process's time. */
  samplingMs?: number;
};

const noThreads = (): WorkerThreads => ({ main: 0, grading: 0, v8Helpers: 0, other: 0 });

/** Add the threads' CPU between two readings of one worker to `into`. */
function addThreads(into: WorkerThreads, p: Proc, before: Proc | undefined): void {
  if (!p.threads) return;
  for (const k of Object.keys(into) as (keyof WorkerThreads)[]) into[k] += p.threads[k] - (before?.threads?.[k] ?? 0);
}

/**
 * CPU ms per class between two snapshots. A worker's reaped-children time is sandbox time (its
 * only short-lived children are sandbox processes; esbuild's service lives as long as it does).
 */
export function cpuBetween(a: TreeSnapshot, b: TreeSnapshot): CpuByClass {
  const out: CpuByClass = { web: 0, worker: 0, sandbox: 0, esbuild: 0, supervisor: 0, other: 0, wallMs: b.at - a.at, machineBusyMs: b.machineBusyMs - a.machineBusyMs, workerThreads: noThreads() };
  for (const p of b.procs.values()) {
    const before = a.procs.get(p.pid);
    out[p.cls] += p.self - (before?.self ?? 0);
    addThreads(out.workerThreads, p, before);
    const reaped = p.reaped - (before?.reaped ?? 0);
    out[p.cls === "worker" ? "sandbox" : p.cls] += reaped;
  }
  return out;
}

/** CPU ms of this process's reaped children so far (the bench measuring sandbox start-up alone). */
export function reapedChildrenMs(): number {
  return readProc(process.pid)?.reaped ?? 0;
}

/**
 * Samples the tree every `everyMs` until stopped: a sandbox child is SIGKILLed after its
 * submission, and bubblewrap's killed processes are not waited for by anyone who would pass their
 * time up to the worker's cutime, so each process's last sampled CPU is kept instead (losing at
 * most one interval of a child's life).
 */
export function sampleTree(roots: number[], everyMs = 100): { stop(): CpuByClass } {
  let samplingMs = 0;
  const timed = () => {
    const c0 = process.cpuUsage();
    const snap = snapshotTree(roots);
    const c = process.cpuUsage(c0);
    samplingMs += (c.user + c.system) / 1000;
    return snap;
  };
  const first = timed();
  const last = new Map(first.procs);
  const timer = setInterval(() => {
    for (const [pid, p] of timed().procs) last.set(pid, p);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const end = timed();
      for (const [pid, p] of end.procs) last.set(pid, p);
      const out: CpuByClass = { web: 0, worker: 0, sandbox: 0, esbuild: 0, supervisor: 0, other: 0, wallMs: end.at - first.at, machineBusyMs: end.machineBusyMs - first.machineBusyMs, workerThreads: noThreads() };
      out.sandboxChildren = 0;
      out.sandboxProcesses = 0;
      out.samplingMs = samplingMs;
      for (const p of last.values()) {
        const before = first.procs.get(p.pid);
        if (p.sandboxNode && !before) out.sandboxChildren++;
        if (p.cls === "sandbox" && !before) out.sandboxProcesses++;
        out[p.cls] += p.self - (before?.self ?? 0);
        addThreads(out.workerThreads, p, before);
        // Reaped time of non-sandbox children only (esbuild's service outlives the run; sandbox children are sampled).
        if (p.cls !== "worker") out[p.cls] += p.reaped - (before?.reaped ?? 0);
      }
      return out;
    },
  };
}
