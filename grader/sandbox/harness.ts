/**
 * The harness: trusted code that runs INSIDE the learner's isolate, before the learner's code.
 *
 * It owns the only path between host and learner: decoding inputs into nd Tensors, calling the
 * learner's exports, and encoding whatever comes back into plain data (within the call's time
 * limit, so a hostile getter or proxy is caught by the timeout, never run by the host's copy).
 * It also captures console output, bounded. The learner can tamper with this isolate's globals;
 * that can only spoil the learner's own results, which the host validates anyway: everything here
 * (and the wire encoder) calls intrinsics captured before learner code runs, so what it sends
 * stays within its limits whatever the learner replaced (JSON.stringify, prototype methods,
 * setters on Object.prototype).
 */
import * as nd from "../../lib/nd/index.ts";
import { decode, encode, Handle, type WirePacket } from "../../lib/wire.ts";
import { sandboxFns } from "../../lib/sandbox-fns.ts";
import { installGemmKernel } from "../../lib/nd/linalg.ts";
import { createWasmGemm, type WasmApi } from "../../lib/nd/gemm-wasm.ts";
import { installWebGlobals } from "./web-globals.ts";

type AnyFn = (...args: unknown[]) => unknown;
type Exports = Record<string, unknown>;

const g = globalThis as unknown as Record<string, unknown>;
// Pristine references, taken before any learner code runs.
const apply = Reflect.apply;
const stringify = JSON.stringify as (v: unknown) => string | undefined;
const objectKeys = Object.keys;
const StringCtor = String;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const stringSlice = String.prototype.slice;
const arraySlice = Array.prototype.slice;
const arrayJoin = Array.prototype.join;
const defineProperty = Reflect.defineProperty;
const bufferBytes = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")!.get as (this: ArrayBuffer) => number;
/** `s.slice(a, b)` that learner code cannot redirect. */
const cut = (s: string, a: number, b?: number): string => apply(stringSlice, s, b === undefined ? [a] : [a, b]) as string;
/** An object with no prototype: no setter or getter on Object.prototype can see or change it. */
const record = <T extends object>(fields: T): T => ({ __proto__: null, ...fields }) as T;

// ---- console capture, bounded -------------------------------------------------------------
let logLimit = 64 * 1024;
let logText = "";
let logTruncated = false;

// formatArg runs inside the learner's call (console.log), so a hostile toString or getter is
// caught by the time limit; whatever it returns, `log` keeps the text within logLimit.
function formatArg(v: unknown, depth = 0): string {
  if (typeof v === "string") return v;
  if (v instanceof nd.Tensor) return StringCtor(v.toString());
  if (v === null || typeof v !== "object") return StringCtor(v);
  if (depth > 2) return "[…]";
  if (isView(v)) {
    const a = v as unknown as ArrayLike<number>;
    const head = StringCtor(apply(arrayJoin, apply(arraySlice, a, [0, 20]), [", "]));
    return `${StringCtor(v.constructor?.name)}(${a.length}) [${head}${a.length > 20 ? ", …" : ""}]`;
  }
  if (isArray(v)) {
    const items = apply(arraySlice, v, [0, 20]) as unknown[];
    let text = "";
    for (let i = 0; i < items.length; i++) text += (i ? ", " : "") + formatArg(items[i], depth + 1);
    return `[${text}${v.length > 20 ? ", …" : ""}]`;
  }
  try {
    const s = stringify(v);
    return typeof s !== "string" ? StringCtor(v) : s.length > 2000 ? cut(s, 0, 2000) + "…" : s;
  } catch {
    return StringCtor(v);
  }
}

function log(...args: unknown[]): void {
  if (logTruncated) return;
  let line: string;
  try {
    line = "";
    for (let i = 0; i < args.length; i++) {
      line += (i ? " " : "") + cut(StringCtor(formatArg(args[i])), 0, logLimit + 1);
      if (line.length > logLimit) break;
    }
    line += "\n";
  } catch (e) {
    line = `[console.log could not format its arguments]\n`;
  }
  if (typeof line !== "string") return;
  if (logText.length + line.length > logLimit) {
    logText += cut(line, 0, Math.max(0, logLimit - logText.length));
    logText += `\n[output truncated at ${logLimit} characters]\n`;
    logTruncated = true;
    return;
  }
  logText += line;
}

g.console = { log, info: log, warn: log, error: log, debug: log, trace: log };

// ---- modules available to learner code ----------------------------------------------------
function requireModule(name: unknown): unknown {
  if (name === "gradlab/nd") return nd;
  throw new Error(`Cannot import ${stringify(name)}: exercise code may import only "gradlab/nd".`);
}

let learner: Exports = {};
let driver: Exports = {};
let learnerLoaded = false;

// ---- values that stay in the sandbox ------------------------------------------------------
// A prototype-less dictionary: Map.prototype methods could be replaced by learner code.
const handles = record({} as Record<number, unknown>);
let nextHandle = 1;

function makeFn(name: string, args: unknown[]): unknown {
  const fromLib = (sandboxFns as Record<string, (...a: unknown[]) => unknown>)[name];
  if (typeof fromLib === "function") return fromLib(...args);
  const fromDriver = (driver.fns as Record<string, AnyFn> | undefined)?.[name];
  if (typeof fromDriver === "function") return fromDriver(...args);
  throw new Error(`harness: unknown sandbox function ${name}`);
}

function decodeArgs(packet: WirePacket): unknown[] {
  const value = decode(packet, {
    tensor: (shape, data) => new nd.Tensor(data, shape),
    handle: (id) => {
      if (!(id in handles)) throw new Error(`harness: unknown handle ${id}`);
      return handles[id];
    },
    fn: makeFn,
  });
  return value as unknown[];
}

function errorInfo(e: unknown): { name: string; message: string; stack: string } {
  // Reading these can run learner getters: we are inside the timed call, so a loop is a timeout.
  // Each is read once and checked with typeof (a getter may answer differently every time).
  let name = "Error";
  let message = "";
  let stack = "";
  try {
    if (e !== null && typeof e === "object") {
      const err = e as { name?: unknown; message?: unknown; stack?: unknown };
      const n = err.name;
      const m = err.message;
      const s = err.stack;
      name = typeof n === "string" ? n : "Error";
      message = typeof m === "string" ? m : StringCtor(e);
      stack = typeof s === "string" ? s : "";
    } else {
      name = "thrown value";
      message = StringCtor(e);
    }
  } catch {
    message = "(the thrown value could not be read)";
  }
  return record({ name: cut(name, 0, 200), message: cut(message, 0, 2000), stack: cut(stack, 0, 4000) });
}

/** The reply for a call whose code threw. */
const threw = (e: unknown): WirePacket => encode(record({ status: "threw", error: errorInfo(e) }));

const DRIVER_PREFIX = "driver:";

function isThenable(v: unknown): boolean {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function";
}

/** A reply, and whether it is a plain ok outcome (a batch stops after one that is not). */
type Reply = { packet: WirePacket; ok: boolean };
const notOk = (packet: WirePacket): Reply => record({ packet, ok: false });

function callExport(name: string, json: string, buffers: ArrayBuffer[], keep: boolean, returnArgs: boolean): Reply {
  let result: unknown;
  let args: unknown[] = [];
  const toDriver = cut(name, 0, DRIVER_PREFIX.length) === DRIVER_PREFIX;
  try {
    args = decodeArgs({ json, buffers });
    let fn: unknown;
    if (toDriver) {
      fn = driver[cut(name, DRIVER_PREFIX.length)];
      if (typeof fn !== "function") throw new Error(`harness: the driver has no ${name}`);
    } else {
      if (!learnerLoaded) throw new Error("harness: learner module not loaded");
      fn = learner[name];
    }
    if (typeof fn !== "function") {
      return notOk(encode(record({ status: "missing", type: typeof fn })));
    }
    result = toDriver ? apply(fn as AnyFn, undefined, [learner, ...args]) : apply(fn as AnyFn, undefined, args);
    if (isThenable(result)) {
      return notOk(encode(record({ status: "promise" })));
    }
  } catch (e) {
    return notOk(threw(e));
  }
  let value = result;
  if (keep) {
    const id = nextHandle++;
    handles[id] = result;
    value = new Handle(id);
  }
  try {
    return record({ packet: encode(returnArgs ? record({ status: "ok", value, args }) : record({ status: "ok", value })), ok: true });
  } catch (e) {
    return notOk(threw(e));
  }
}

function readKept(id: number): Reply {
  try {
    return record({ packet: encode(record({ status: "ok", value: handles[id] })), ok: true });
  } catch (e) {
    return notOk(threw(e));
  }
}

/** Bytes a packet takes on the way out (its text as UTF-16 and its buffers). */
function packetBytes(p: WirePacket): number {
  let n = p.json.length * 2;
  const buffers = p.buffers;
  for (let i = 0; i < buffers.length; i++) n += apply(bufferBytes, buffers[i], []) as number;
  return n;
}

/** One call or read of a batch, as the host copied it in (lib/sandbox/transport.ts PacketCall). */
type BatchEntry = { op: "call"; name: string; packet: WirePacket; keep: boolean; returnArgs: boolean } | { op: "get"; handle: number };

/** Host entry points. The host keeps references to these before learner code exists. */
const host = {
  setup(maxLog: number): void {
    logLimit = maxLog;
  },

  /** Called by the learner module's wrapper once its top level has run. */
  exportNames(): string {
    const names = objectKeys(learner);
    // Built as text: Array.prototype.push and JSON.stringify may have been replaced by the module.
    let out = "";
    let count = 0;
    for (let i = 0; i < names.length && count < 200; i++) {
      const n = names[i];
      if (n.length > 100) continue;
      out += `${count++ ? "," : ""}[${stringify(n)},${stringify(typeof learner[n])}]`;
    }
    return `[${out}]`;
  },

  /**
   * Call `name` (a learner export, or `driver:<fn>` for the exercise's trusted driver) with
   * args from the host. `keep`: leave the result in the sandbox and return a handle.
   * `returnArgs`: also send back the arguments after the call (in-place updates).
   */
  call(name: string, json: string, buffers: ArrayBuffer[], keep: boolean, returnArgs: boolean): WirePacket {
    return callExport(name, json, buffers, keep, returnArgs).packet;
  },

  /**
   * A batch in ONE entry into the isolate (the host's per-entry cost is ~45 µs of CPU a call):
   * each call or read exactly as `call`/`get` would run it, in order, stopping after the first
   * outcome that is not ok or once the replies pass `maxBytes` (the host sends the rest again).
   * The loop reads only the host's copied-in list and this closure, so learner code run by one
   * call cannot change which calls run next or what an earlier reply says (every reply was
   * encoded into fresh buffers before the next call starts).
   */
  callMany(calls: BatchEntry[], maxBytes: number): WirePacket[] {
    const out: WirePacket[] = [];
    let bytes = 0;
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i];
      const r = c.op === "get" ? readKept(c.handle) : callExport(c.name, c.packet.json, c.packet.buffers, c.keep, c.returnArgs);
      defineProperty(out, i, { __proto__: null, value: r.packet, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
      if (!r.ok) break;
      bytes += packetBytes(r.packet);
      if (bytes >= maxBytes) break;
    }
    return out;
  },

  /** Keep a value in the sandbox (e.g. the parameters an optimizer updates in place). */
  put(json: string, buffers: ArrayBuffer[]): number {
    const id = nextHandle++;
    handles[id] = decodeArgs({ json, buffers })[0];
    return id;
  },

  /** Read a kept value back out (validated and encoded here, under the time limit). */
  get(id: number): WirePacket {
    return readKept(id).packet;
  },

  takeLogs(): string {
    const text = logText;
    logText = "";
    return text;
  },
};

// nd's matmul gets its WebAssembly kernel (lib/nd/gemm-wasm.ts: same results as the TypeScript
// kernel, ~3x faster). The constructors stay in that module's closure; its one memory has a fixed
// size (8 MiB, it cannot grow) and is created on the first large product.
const wasm = g.WebAssembly as typeof WebAssembly | undefined;
if (wasm) installGemmKernel(createWasmGemm({ Module: wasm.Module, Instance: wasm.Instance, Memory: wasm.Memory } as unknown as WasmApi));

// WebAssembly memory is not counted by isolated-vm's heap limit: keep it out of learner reach.
delete g.WebAssembly;

// What a browser worker has and a bare isolate lacks (performance.now, structuredClone, …).
installWebGlobals(g);

g.__gradlab_host = host;
g.__gradlab_require = requireModule;
g.__gradlab_define = (kind: unknown, exports: unknown) => {
  const ex = exports !== null && (typeof exports === "object" || typeof exports === "function") ? (exports as Exports) : {};
  if (kind === "driver") driver = ex;
  else if (!learnerLoaded) {
    learner = ex;
    learnerLoaded = true;
  }
};
