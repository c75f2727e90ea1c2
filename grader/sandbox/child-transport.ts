/**
 * The second wall: learner code runs in a child process, under bubblewrap where it exists (own
 * network namespace, read-only filesystem with only the runtime visible, private /tmp, nobody's
 * uid, no capabilities, empty environment) and OS resource limits (address space, CPU seconds,
 * files). The worker keeps a watchdog on every request and SIGKILLs the child at its deadline,
 * whatever state V8 is in; a child that dies is classified (memory when V8 ran out of memory or
 * the address-space limit hit, otherwise a crash).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { WirePacket } from "../../lib/wire.ts";
import { SandboxLimitError } from "../../lib/checks/failure.ts";
import { sandboxActivity, sandboxMessages } from "../../lib/messages/sandbox-texts.ts";
import type { ChildReply, ChildRequest, RecycleReport } from "./child-protocol.ts";
import type { SandboxLimits } from "./isolate-transport.ts";
import type { LoadOutcome, PacketCall, SandboxScripts, SandboxTransport } from "../../lib/sandbox/transport.ts";
import { cachedBundle } from "./build-cache.ts";

const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CHILD_ENTRY = fileURLToPath(new URL("./child-main.ts", import.meta.url));
// Bundled to plain JS: Node's TypeScript stripping runs on WebAssembly, whose address-space
// reservations would not fit under the child's RLIMIT_AS. Kept under node_modules so that the
// bundle resolves isolated-vm, and so that the sandbox (which sees node_modules) can read it.
const CHILD_BUNDLE = resolve(REPO, "node_modules/.cache/gradlab/sandbox-child.mjs");

let childBundle: Promise<string> | undefined;

/** The child's script: built once (cached on disk while its sources are unchanged). */
function sandboxChildScript(): Promise<string> {
  childBundle ??= cachedBundle(basename(CHILD_BUNDLE), {
    entryPoints: [CHILD_ENTRY],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    external: ["isolated-vm", "esbuild"],
  }).then((r) => {
    if (r.file !== CHILD_BUNDLE) throw new Error(`sandbox child bundle at ${r.file}, expected ${CHILD_BUNDLE}`);
    return r.file;
  });
  childBundle.catch(() => (childBundle = undefined));
  return childBundle;
}

/** Deadline for a child to start and open its isolate (not learner time). */
const OPEN_DEADLINE_MS = 15_000;

/** Slack on top of the learner's remaining budget before the watchdog kills the child. */
export const WATCHDOG_GRACE_MS = 2_000;

export interface Containment {
  bwrap: boolean;
  prlimit: boolean;
  /** What is missing and what that means, for the start-up banner. */
  warnings: string[];
}

let containment: Containment | undefined;

/** What this machine offers for the second wall (checked once). */
export function detectContainment(): Containment {
  if (containment) return containment;
  const warnings: string[] = [];
  const works = (cmd: string, args: string[]) => {
    try {
      return spawnSync(cmd, args, { stdio: "ignore", timeout: 5_000 }).status === 0;
    } catch {
      return false;
    }
  };
  const disabled = process.env.GRADLAB_SANDBOX_BWRAP === "0";
  const bwrap = process.platform === "linux" && !disabled && works("bwrap", ["--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "--", "/bin/true"]);
  const prlimit = process.platform === "linux" && works("prlimit", ["--nofile=64", "--", "/bin/true"]);
  if (!bwrap) warnings.push(disabled ? "bubblewrap disabled by GRADLAB_SANDBOX_BWRAP=0" : "bubblewrap (bwrap) is not available: learner code runs in a child process WITHOUT its own network namespace or a read-only filesystem. Install Debian's `bubblewrap` package.");
  if (!prlimit) warnings.push("prlimit is not available: the sandbox child runs without OS resource limits (address space, CPU seconds).");
  containment = { bwrap, prlimit, warnings };
  return containment;
}

/** Address space for the child: Node itself needs ~1.5 GiB of reservations; the isolate's heap and ArrayBuffers come on top. */
function addressSpaceBytes(limits: SandboxLimits): number {
  return (2048 + limits.memoryMb * 3) * 1024 * 1024;
}

function bwrapArgs(): string[] {
  // The private /tmp first: binds below may live under /tmp (a checkout there) and must land on top of it.
  const args = ["--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr"];
  for (const dir of ["/lib", "/lib64", "/bin", "/sbin"]) {
    if (!existsSync(dir)) continue;
    const st = lstatSync(dir);
    if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(dir), dir);
    else args.push("--ro-bind", dir, dir);
  }
  const nodePrefix = dirname(dirname(process.execPath));
  if (!nodePrefix.startsWith("/usr")) args.push("--ro-bind", nodePrefix, nodePrefix);
  // Only the runtime: never exercises/ (solutions, checks) nor the data directory.
  for (const p of ["package.json", "node_modules", "lib", "grader"]) args.push("--ro-bind", resolve(REPO, p), resolve(REPO, p));
  args.push(
    "--dev", "/dev", "--proc", "/proc", "--chdir", "/tmp",
    "--unshare-all", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
    "--die-with-parent", "--new-session", "--clearenv",
    "--setenv", "NODE_CHANNEL_FD", "3", "--setenv", "NODE_CHANNEL_SERIALIZATION_MODE", "advanced",
    "--setenv", "MALLOC_ARENA_MAX", CHILD_MALLOC_ARENAS,
  );
  return args;
}

/**
 * glibc's malloc arenas in the child. By default each thread that allocates (isolated-vm's and
 * V8's pool threads) may get its own arena, 64 MiB of address space each, up to 8 per core: a
 * reused child's VmSize then grew by ~300 MB within 2-12 submissions and the pool retired it
 * (REUSE_ADDRESS_SPACE_SLACK), so the surge started a child every ~4 verdicts. Two arenas keep the
 * growth within the slack; the limits themselves do not change.
 */
const CHILD_MALLOC_ARENAS = "2";

/** RLIMIT_CPU's share for one submission: the learner's CPU budget and 10 s for the harness, IPC and Node. */
function cpuSecondsPerSubmission(limits: SandboxLimits): number {
  return Math.ceil((limits.cpuMs ?? limits.timeoutMs) / 1000) + 10;
}

/**
 * RLIMIT_CPU is fixed at spawn and counts the whole process. A child that may serve several
 * submissions gets two submissions' worth, and is retired (`recycle` throws) once it has used one:
 * so the submission it serves next always has at least its own full share before the backstop,
 * and a SIGXCPU can never land on a learner because of CPU that earlier submissions used.
 */
function cpuSecondsLimit(limits: SandboxLimits, reusable: boolean): number {
  return cpuSecondsPerSubmission(limits) * (reusable ? 2 : 1);
}

/**
 * Extra RLIMIT_AS for a child that may serve several submissions. Its address space grows a little
 * after its first isolate (allocator arenas, ~70 MB here), and it is retired once it has grown by
 * more than this since its first isolate opened: so every submission it serves has at least the
 * headroom a fresh child gives, and a reused child never turns a submission's memory use into a
 * `memory` verdict that a fresh one would not give.
 */
const REUSE_ADDRESS_SPACE_SLACK = 256 * 1024 * 1024;

function childCommand(limits: SandboxLimits, script: string, reusable: boolean): { cmd: string; args: string[] } {
  const c = detectContainment();
  const node = [process.execPath, "--no-node-snapshot", "--max-old-space-size=256", script];
  const cpuSeconds = cpuSecondsLimit(limits, reusable);
  const as = addressSpaceBytes(limits) + (reusable ? REUSE_ADDRESS_SPACE_SLACK : 0);
  const rl = c.prlimit ? ["/usr/bin/prlimit", `--as=${as}`, "--core=0", "--nofile=64", `--cpu=${cpuSeconds}`, "--fsize=0", "--"] : [];
  const inner = [...rl, ...node];
  if (c.bwrap) return { cmd: "bwrap", args: [...bwrapArgs(), "--", ...inner] };
  return { cmd: inner[0], args: inner.slice(1) };
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class ChildTransport implements SandboxTransport {
  private readonly child: ChildProcess;
  private readonly limits: SandboxLimits;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private learnerMs = 0;
  private stderr = "";
  private dead: SandboxLimitError | Error | undefined;
  private helloSeen = false;
  /** The child sent something the protocol does not allow (a reply nobody asked for, a malformed message). */
  private violatedProtocol = false;
  /** Spawned with the CPU backstop of a child that may serve several submissions (child-pool.ts). */
  readonly reusable: boolean;
  /** When the process was started (the pool retires children past a maximum age). */
  readonly startedAt = Date.now();

  private constructor(child: ChildProcess, limits: SandboxLimits, reusable: boolean) {
    this.child = child;
    this.limits = limits;
    this.reusable = reusable;
    child.stderr?.on("data", (d: Buffer) => {
      this.stderr = (this.stderr + d.toString("utf8")).slice(-8192);
    });
    child.on("message", (m: ChildReply) => this.onReply(m));
    child.on("exit", (code, signal) => this.onExit(code, signal));
    child.on("error", (e) => this.failAll(new Error(`the sandbox process could not start: ${e.message}`)));
  }

  /** A fresh child with its isolate open (harness, and the exercise's driver if any); `reusable`: see cpuSecondsLimit. */
  static async open(limits: SandboxLimits, scripts: SandboxScripts, reusable = false): Promise<ChildTransport> {
    const t = await ChildTransport.spawn(limits, reusable);
    t.harness = scripts.harness;
    try {
      t.opened(await t.request({ op: "open", limits, scripts } as never, OPEN_DEADLINE_MS, sandboxActivity.starting(), false));
    } catch (e) {
      t.dispose();
      throw e;
    }
    return t;
  }

  /**
   * Start a child ahead of time for the warm pool (child-pool.ts): spawned with these limits,
   * its isolate opened with the harness only. No submission has touched it; `loadDriver` and
   * `load` give it one.
   */
  static async prepare(limits: SandboxLimits, harness: string, reusable = false): Promise<ChildTransport> {
    const t = await ChildTransport.spawn(limits, reusable);
    t.harness = harness;
    t.ready = t.request({ op: "open", limits, scripts: { harness } } as never, OPEN_DEADLINE_MS, sandboxActivity.starting(), false).then((r) => t.opened(r));
    t.ready.catch(() => t.dispose());
    return t;
  }

  private static async spawn(limits: SandboxLimits, reusable: boolean): Promise<ChildTransport> {
    const { cmd, args } = childCommand(limits, await sandboxChildScript(), reusable);
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced", env: { MALLOC_ARENA_MAX: CHILD_MALLOC_ARENAS }, cwd: "/tmp" });
    return new ChildTransport(child, limits, reusable);
  }

  /**
   * The harness the child's isolate was opened with. `recycle` sends it again only when it changed:
   * the ~100 KB (two-byte) string cost ~1.8 ms of this thread's CPU and ~2.9 ms of the child's on
   * every recycle, i.e. every verdict of a reused child (bench/results/issue-19.md, session 7).
   */
  private harness: string | undefined;

  /** The child's address space once its first isolate was open (the base of its reuse budget). */
  private vmBaseline = -Infinity;

  private opened(report: unknown): void {
    const vm = (report as Partial<RecycleReport> | null)?.vmBytes;
    // Unknown (no /proc): nothing to measure growth against, so a reusable child is retired after one submission.
    this.vmBaseline = typeof vm === "number" && vm > 0 ? vm : -Infinity;
  }

  /**
   * Ready this child for another submission (child-pool.ts; only after one that ended cleanly): it
   * disposes the isolate and opens a fresh one with the harness only. Rejects (and the pool kills
   * the child) when it fails, or when the child is too close to its CPU or address-space backstop
   * to give the next submission its full share.
   */
  recycle(harness: string): Promise<void> {
    if (!this.reusable) return Promise.reject(new Error("this sandbox child was started for one submission"));
    if (this.pending.size > 0) return Promise.reject(new Error("the previous submission still has requests in flight"));
    this.learnerMs = 0;
    this.stderr = "";
    const changed = harness !== this.harness;
    this.harness = harness;
    this.ready = this.request({ op: "recycle", limits: this.limits, ...(changed ? { harness } : {}) } as never, OPEN_DEADLINE_MS, sandboxActivity.starting(), false).then((r) => {
      const report = r as Partial<RecycleReport> | null;
      const cpuMs = typeof report?.cpuMs === "number" ? report.cpuMs : Infinity;
      const vmBytes = typeof report?.vmBytes === "number" ? report.vmBytes : Infinity;
      if (!(cpuMs <= cpuSecondsPerSubmission(this.limits) * 1000)) throw new Error(`retired: ${Math.round(cpuMs)} ms of CPU used`);
      if (!(vmBytes <= this.vmBaseline + REUSE_ADDRESS_SPACE_SLACK)) throw new Error(`retired: address space ${vmBytes} bytes, ${this.vmBaseline} after its first isolate`);
    });
    this.ready.catch(() => this.dispose());
    return this.ready;
  }

  /** Settles when a prepared child's isolate is open (rejects if it failed to start). */
  ready: Promise<void> = Promise.resolve();

  /** Whether the child is still usable (not killed, not exited). */
  get alive(): boolean {
    return !this.dead;
  }

  /** Whether the child broke the protocol (then it is never reused). */
  get violated(): boolean {
    return this.violatedProtocol;
  }

  /** Run the exercise's trusted driver in a prepared child, before the learner's code. */
  async loadDriver(driver: string): Promise<void> {
    await this.request({ op: "driver", script: driver } as never, OPEN_DEADLINE_MS, sandboxActivity.starting(), false);
  }

  /** The OS pid of the child (bwrap's, under bubblewrap). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private onReply(m: ChildReply): void {
    if (!m || typeof m !== "object" || typeof m.id !== "number") {
      this.violatedProtocol = true;
      return;
    }
    if (m.id === 0) {
      // the "ready" hello, once
      if (this.helloSeen) this.violatedProtocol = true;
      this.helloSeen = true;
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) {
      this.violatedProtocol = true;
      return;
    }
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.value);
    else if (m.limit === "timeout" || m.limit === "memory") p.reject(new SandboxLimitError(m.limit, String(m.message).slice(0, 2000)));
    else p.reject(new Error(String(m.message).slice(0, 2000)));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.dead) return this.failAll(this.dead);
    const oom = /out of memory|allocation failed|Cannot allocate|could not allocate|Invalid array buffer length|RangeError: Array buffer allocation failed/i.test(this.stderr);
    if (process.env.GRADLAB_DEBUG_SANDBOX) process.stderr.write(`sandbox child exited: code ${code} signal ${signal}\n${this.stderr}\n`);
    // Under bubblewrap a signal death arrives as exit code 128 + signal.
    const sig = signal ?? (code !== null && code > 128 ? ({ 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 9: "SIGKILL", 11: "SIGSEGV", 24: "SIGXCPU" } as Record<number, string>)[code - 128] : undefined);
    if (oom || sig === "SIGABRT" || sig === "SIGTRAP" || sig === "SIGSEGV" || sig === "SIGBUS" || sig === "SIGKILL") {
      this.dead = new SandboxLimitError("memory", sandboxMessages.processMemoryLimit(String(this.limits.memoryMb)));
    } else if (sig === "SIGXCPU") {
      this.dead = new SandboxLimitError("timeout", sandboxMessages.cpuLimit());
    } else {
      this.dead = new Error(`the sandbox process exited unexpectedly (code ${code}, signal ${signal})${this.stderr ? `: ${this.stderr.slice(-500)}` : ""}`);
    }
    this.failAll(this.dead);
  }

  private failAll(e: Error): void {
    this.dead ??= e;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(e);
      this.pending.delete(id);
    }
  }

  private kill(reason: SandboxLimitError): void {
    this.dead = reason;
    try {
      this.child.kill("SIGKILL");
    } catch {
      /* already gone */
    }
    this.failAll(reason);
  }

  /** Send one request; the watchdog SIGKILLs the child if no reply comes by the deadline. */
  private request(req: Omit<ChildRequest, "id">, deadlineMs: number, what: string, counts: boolean): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const started = performance.now();
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill(new SandboxLimitError("timeout", sandboxMessages.timeLimitWhile(what, (this.limits.timeoutMs / 1000).toFixed(1))));
      }, deadlineMs);
      this.pending.set(id, {
        resolve: (v) => {
          if (counts) this.learnerMs += performance.now() - started;
          resolve(v);
        },
        reject,
        timer,
      });
      this.child.send({ ...req, id } as ChildRequest, (err) => {
        if (err) this.failAll(new Error(`the sandbox process is gone: ${err.message}`));
      });
    });
  }

  private learnerRequest(req: Omit<ChildRequest, "id">, what: string): Promise<unknown> {
    const left = Math.max(0, this.limits.timeoutMs - this.learnerMs);
    return this.request(req, left + WATCHDOG_GRACE_MS, what, true);
  }

  async load(script: string): Promise<LoadOutcome> {
    return (await this.learnerRequest({ op: "load", script } as never, sandboxActivity.loading())) as LoadOutcome;
  }

  async call(name: string, packet: WirePacket, keep: boolean, returnArgs: boolean): Promise<WirePacket> {
    return (await this.learnerRequest({ op: "call", name, packet, keep, returnArgs } as never, sandboxActivity.running(name))) as WirePacket;
  }

  /** The calls as ONE request: the child runs each as `call`/`get` would (timed alone) and answers them together. */
  async callMany(calls: readonly PacketCall[]): Promise<WirePacket[]> {
    const first = calls[0];
    const what = first?.op === "call" ? sandboxActivity.running(first.name) : sandboxActivity.reading();
    const packets = await this.learnerRequest({ op: "callMany", calls } as never, what);
    if (!Array.isArray(packets) || packets.length === 0 || packets.length > calls.length) {
      this.violatedProtocol = true;
      throw new Error("the sandbox process answered a batch of calls with a malformed reply");
    }
    return packets as WirePacket[];
  }

  async put(packet: WirePacket): Promise<number> {
    return (await this.learnerRequest({ op: "put", packet } as never, sandboxActivity.storing())) as number;
  }

  async get(id: number): Promise<WirePacket> {
    return (await this.learnerRequest({ op: "get", handle: id } as never, sandboxActivity.reading())) as WirePacket;
  }

  async logs(): Promise<string> {
    if (this.dead) return "";
    try {
      const text = await this.request({ op: "logs" } as never, 2_000, "returning console output", false);
      return typeof text === "string" ? text.slice(0, this.limits.maxLogChars + 200) : "";
    } catch {
      return "";
    }
  }

  dispose(): void {
    if (!this.dead) this.dead = new Error("disposed");
    try {
      this.child.kill("SIGKILL");
    } catch {
      /* already gone */
    }
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
