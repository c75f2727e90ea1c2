/**
 * One learner module in a fresh isolated-vm isolate: the first wall. Only copies of plain data
 * cross (strings and ArrayBuffers); every call is timed against the exercise's budget, by the
 * isolate's own wall and CPU clocks; a limit becomes a SandboxLimitError. See harness.ts for
 * the inside, and child-transport.ts for the second wall around it.
 */
import ivm from "isolated-vm";
import { setFlagsFromString } from "node:v8";
import { DEFAULT_WIRE_LIMITS, encode, type WirePacket } from "../../lib/wire.ts";
import { SandboxLimitError } from "../../lib/checks/failure.ts";
import { sandboxActivity, sandboxMessages } from "../../lib/messages/sandbox-texts.ts";
import { BATCH_REPLY_BYTES, type LoadOutcome, type PacketCall, type SandboxScripts, type SandboxTransport } from "../../lib/sandbox/transport.ts";
import { LEARNER_SCRIPT } from "../../lib/sandbox/names.ts";
import type { HarnessCodeCache } from "./harness-cache.ts";

export interface SandboxLimits {
  /** Wall-clock time learner code may run in all, ms. */
  timeoutMs: number;
  /** CPU time learner code may use in all, ms (defaults to timeoutMs). */
  cpuMs?: number;
  /** Isolate heap, MiB. */
  memoryMb: number;
  /** Captured console output, characters. */
  maxLogChars: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeoutMs: 10_000, memoryMb: 128, maxLogChars: 64 * 1024 };

type HostFns = {
  setup: ivm.Reference;
  exportNames: ivm.Reference;
  call: ivm.Reference;
  callMany: ivm.Reference;
  put: ivm.Reference;
  get: ivm.Reference;
  takeLogs: ivm.Reference;
};

const ms = (ns: bigint) => Number(ns) / 1e6;

// Every isolate compiles nd's WebAssembly matmul kernel (lib/nd/gemm-wasm.ts). V8's wasm code GC,
// run from a background compile thread under the WasmEngine mutex, can drop the last reference to
// an isolate disposed meanwhile; isolated-vm then deletes it on that thread, which waits for the
// same mutex: a self-deadlock that hangs the grading process for good (gdb trace in the CI notes).
// Dead wasm code is then freed with its module instead (each module dies with its isolate).
setFlagsFromString("--no-wasm-code-gc");

/**
 * What leaves the isolate, checked before it goes anywhere (the worker, over IPC): the harness
 * keeps packets within the wire limits, so one that is not is a harness the learner broke.
 */
function boundedPacket(p: unknown): WirePacket {
  const packet = p as Partial<WirePacket> | undefined;
  const ok =
    !!packet &&
    typeof packet.json === "string" &&
    packet.json.length <= DEFAULT_WIRE_LIMITS.maxJsonChars &&
    Array.isArray(packet.buffers) &&
    packet.buffers.length <= DEFAULT_WIRE_LIMITS.maxElements &&
    packet.buffers.reduce((n: number, b: unknown) => n + (b instanceof ArrayBuffer ? b.byteLength : Infinity), 0) <= DEFAULT_WIRE_LIMITS.maxElements * 8;
  if (ok) return packet as WirePacket;
  return encode({ status: "threw", error: { name: "Error", message: sandboxMessages.overSize(), stack: "" } });
}

/** A reply no decoder accepts: PacketSession reports it as a result that could not be read. */
const UNREADABLE: WirePacket = { json: "", buffers: [] };

export interface IsolateOptions {
  /**
   * Enter the isolate on this thread (isolated-vm's *Sync calls) instead of handing each entry
   * to its thread pool and waiting: ~10 instead of ~50 µs of CPU an entry. Only for a process
   * that has nothing else to do meanwhile (the sandbox child: its host waits for each reply, and
   * its watchdog is in the host). The isolate's time and memory limits are the same either way.
   */
  blocking?: boolean;
}

export class IsolateTransport implements SandboxTransport {
  private readonly isolate: ivm.Isolate;
  private readonly context: ivm.Context;
  private readonly fns: HostFns;
  private readonly limits: SandboxLimits;
  private readonly blocking: boolean;
  private disposed = false;
  private learnerLoaded = false;

  private constructor(isolate: ivm.Isolate, context: ivm.Context, fns: HostFns, limits: SandboxLimits, blocking: boolean) {
    this.isolate = isolate;
    this.context = context;
    this.fns = fns;
    this.limits = limits;
    this.blocking = blocking;
  }

  /** A fresh isolate with the harness (and an exercise driver) loaded, ready for learner code. */
  static async open(limits: SandboxLimits, scripts: SandboxScripts, codeCache?: HarnessCodeCache, options: IsolateOptions = {}): Promise<IsolateTransport> {
    const blocking = options.blocking === true;
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
    try {
      const context = blocking ? isolate.createContextSync() : await isolate.createContext();
      const compileOptions = { filename: "harness.js", ...codeCache?.options(scripts.harness) };
      const harness = blocking ? isolate.compileScriptSync(scripts.harness, compileOptions) : await isolate.compileScript(scripts.harness, compileOptions);
      codeCache?.compiled(scripts.harness, harness);
      if (blocking) harness.runSync(context, { timeout: 5_000 });
      else await harness.run(context, { timeout: 5_000 });
      const host = (blocking ? context.global.getSync("__gradlab_host", { reference: true }) : await context.global.get("__gradlab_host", { reference: true })) as ivm.Reference;
      const get = async (k: string) => (blocking ? host.getSync(k, { reference: true }) : await host.get(k, { reference: true })) as ivm.Reference;
      const fns: HostFns = {
        setup: await get("setup"),
        exportNames: await get("exportNames"),
        call: await get("call"),
        callMany: await get("callMany"),
        put: await get("put"),
        get: await get("get"),
        takeLogs: await get("takeLogs"),
      };
      if (blocking) context.global.deleteSync("__gradlab_host");
      else await context.global.delete("__gradlab_host");
      const session = new IsolateTransport(isolate, context, fns, limits, blocking);
      await session.enter(fns.setup, [limits.maxLogChars], { timeout: 1_000 });
      if (scripts.driver) await session.loadDriver(scripts.driver);
      return session;
    } catch (e) {
      if (!isolate.isDisposed) isolate.dispose();
      throw e;
    }
  }

  /**
   * Run an exercise's trusted driver (before any learner code). Split from `open` so that a
   * sandbox can be prepared with the harness ahead of time (child-pool.ts) and given its
   * exercise's driver when a submission arrives.
   */
  async loadDriver(driver: string): Promise<void> {
    if (this.learnerLoaded) throw new Error("the driver must be loaded before learner code");
    const script = await this.compile(driver, "driver.js");
    await this.run(script, 5_000);
  }

  /** One entry into the isolate: a host function of the harness, with copies in and out. */
  private async enter(fn: ivm.Reference, args: unknown[], options: { timeout: number }): Promise<unknown> {
    const opts = { ...options, arguments: { copy: true }, result: { copy: true } } as const;
    return this.blocking ? fn.applySync(undefined, args, opts) : await fn.apply(undefined, args, opts);
  }

  private async compile(code: string, filename: string): Promise<ivm.Script> {
    return this.blocking ? this.isolate.compileScriptSync(code, { filename }) : await this.isolate.compileScript(code, { filename });
  }

  private async run(script: ivm.Script, timeout: number): Promise<void> {
    if (this.blocking) script.runSync(this.context, { timeout });
    else await script.run(this.context, { timeout });
  }

  /** Milliseconds of budget left, by the isolate's own clocks. */
  private remainingMs(): number {
    const wall = this.limits.timeoutMs - ms(this.isolate.wallTime);
    const cpu = (this.limits.cpuMs ?? this.limits.timeoutMs) - ms(this.isolate.cpuTime);
    return Math.min(wall, cpu);
  }

  /** Run `fn` against the budget; turn limit failures into SandboxLimitError. */
  private async timed<T>(what: string, fn: (timeout: number) => Promise<T>): Promise<T> {
    if (this.disposed) throw new SandboxLimitError("memory", sandboxMessages.alreadyStopped());
    const left = this.remainingMs();
    if (left <= 0) throw this.timeoutError();
    try {
      const out = await fn(Math.max(1, Math.ceil(left)));
      if (this.remainingMs() <= 0) throw this.timeoutError();
      return out;
    } catch (e) {
      throw this.classify(e, what);
    }
  }

  private timeoutError(): SandboxLimitError {
    const secs = ((this.limits.cpuMs ?? this.limits.timeoutMs) / 1000).toFixed(1);
    return new SandboxLimitError("timeout", sandboxMessages.timeLimit(secs));
  }

  private classify(e: unknown, what: string): Error {
    if (e instanceof SandboxLimitError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    if (/timed out/i.test(msg)) return this.timeoutError();
    if (this.isolate.isDisposed || /memory limit|disposed/i.test(msg)) {
      this.disposed = true;
      return new SandboxLimitError("memory", sandboxMessages.memoryLimit(String(this.limits.memoryMb), what));
    }
    return e instanceof Error ? e : new Error(msg);
  }

  /** Run the learner's script (its top level). Returns its export names, or what it threw. */
  async load(script: string): Promise<LoadOutcome> {
    this.learnerLoaded = true;
    let compiled: ivm.Script;
    try {
      compiled = await this.compile(script, LEARNER_SCRIPT);
    } catch (e) {
      return { ok: false, error: { message: sandboxMessages.couldNotCompile(String((e as Error).message).slice(0, 2000)), stack: "" } };
    }
    try {
      await this.timed(sandboxActivity.loading(), (timeout) => this.run(compiled, timeout));
    } catch (e) {
      if (e instanceof SandboxLimitError) throw e;
      const err = e as Error;
      return { ok: false, error: { message: sandboxMessages.threwWhileLoading(String(err.message).slice(0, 2000)), stack: String(err.stack ?? "").slice(0, 4000) } };
    }
    const json = await this.timed(sandboxActivity.exports(), (timeout) => this.enter(this.fns.exportNames, [], { timeout }));
    return { ok: true, exportsJson: typeof json === "string" && json.length <= 64 * 1024 ? json : "[]" };
  }

  async call(name: string, packet: WirePacket, keep: boolean, returnArgs: boolean): Promise<WirePacket> {
    return boundedPacket(
      await this.timed(sandboxActivity.running(name), (timeout) => this.enter(this.fns.call, [name, packet.json, packet.buffers, keep, returnArgs], { timeout })),
    );
  }

  /**
   * Several calls in ONE entry into the isolate (the harness's `callMany`; the child answers with
   * one IPC reply): in order, stopping after the first that is not ok, under the budget that is
   * left, as the same calls one by one would share it. A limit throws and ends the submission.
   */
  async callMany(calls: readonly PacketCall[]): Promise<WirePacket[]> {
    const first = calls[0];
    if (!first) return [];
    const what = first.op === "call" ? sandboxActivity.running(first.name) : sandboxActivity.reading();
    const packets = await this.timed(what, (timeout) => this.enter(this.fns.callMany, [calls, BATCH_REPLY_BYTES], { timeout }));
    // A list the harness could not have made is a harness the learner broke: one unreadable reply.
    if (!Array.isArray(packets) || packets.length === 0 || packets.length > calls.length) return [UNREADABLE];
    return packets.map(boundedPacket);
  }

  async put(packet: WirePacket): Promise<number> {
    const id = await this.timed(sandboxActivity.storing(), (timeout) => this.enter(this.fns.put, [packet.json, packet.buffers], { timeout }));
    if (typeof id !== "number") throw new Error("the sandbox did not return a handle");
    return id;
  }

  async get(id: number): Promise<WirePacket> {
    return boundedPacket(
      await this.timed(sandboxActivity.reading(), (timeout) => this.enter(this.fns.get, [id], { timeout })),
    );
  }

  /** Captured console output so far (bounded inside the isolate). */
  async logs(): Promise<string> {
    if (this.disposed || this.isolate.isDisposed) return "";
    try {
      const text = await this.enter(this.fns.takeLogs, [], { timeout: 500 });
      return typeof text === "string" ? text.slice(0, this.limits.maxLogChars + 200) : "";
    } catch {
      return "";
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const r of Object.values(this.fns)) r.release();
    this.context.release();
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }

  /** Whether the isolate is gone (checked by a child before it opens the next one). */
  get isolateDisposed(): boolean {
    return this.isolate.isDisposed;
  }
}
