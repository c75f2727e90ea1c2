/**
 * The harness: trusted code that runs INSIDE the learner's isolate, before the learner's code.
 *
 * It owns the only path between host and learner: decoding inputs into nd Tensors, calling the
 * learner's exports, and encoding whatever comes back into plain data (within the call's time
 * limit, so a hostile getter or proxy is caught by the timeout, never run by the host's copy).
 * It also captures console output, bounded. The learner can tamper with this isolate's globals;
 * that can only spoil the learner's own results, which the host validates anyway.
 */
import * as nd from "../../lib/nd/index.ts";
import { decode, encode, Handle, type WirePacket } from "../../lib/wire.ts";
import { sandboxFns } from "../../lib/sandbox-fns.ts";
import { installGemmKernel } from "../../lib/nd/linalg.ts";
import { createWasmGemm, type WasmApi } from "../../lib/nd/gemm-wasm.ts";

type AnyFn = (...args: unknown[]) => unknown;
type Exports = Record<string, unknown>;

const g = globalThis as unknown as Record<string, unknown>;
// Pristine references, taken before any learner code runs.
const { stringify } = { stringify: JSON.stringify };
const objectKeys = Object.keys;
const StringCtor = String;

// ---- console capture, bounded -------------------------------------------------------------
let logLimit = 64 * 1024;
let logText = "";
let logTruncated = false;

function formatArg(v: unknown, depth = 0): string {
  if (typeof v === "string") return v;
  if (v instanceof nd.Tensor) return v.toString();
  if (v === null || typeof v !== "object") return StringCtor(v);
  if (depth > 2) return "[…]";
  if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<number>;
    const head = Array.prototype.slice.call(a, 0, 20).join(", ");
    return `${v.constructor.name}(${a.length}) [${head}${a.length > 20 ? ", …" : ""}]`;
  }
  if (Array.isArray(v)) {
    const items = v.slice(0, 20).map((x) => formatArg(x, depth + 1));
    return `[${items.join(", ")}${v.length > 20 ? ", …" : ""}]`;
  }
  try {
    const s = stringify(v);
    return s === undefined ? StringCtor(v) : s.length > 2000 ? s.slice(0, 2000) + "…" : s;
  } catch {
    return StringCtor(v);
  }
}

function log(...args: unknown[]): void {
  if (logTruncated) return;
  let line: string;
  try {
    line = args.map((a) => formatArg(a)).join(" ") + "\n";
  } catch (e) {
    line = `[console.log could not format its arguments]\n`;
  }
  if (logText.length + line.length > logLimit) {
    logText += line.slice(0, Math.max(0, logLimit - logText.length));
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
const handles = new Map<number, unknown>();
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
      if (!handles.has(id)) throw new Error(`harness: unknown handle ${id}`);
      return handles.get(id);
    },
    fn: makeFn,
  });
  return value as unknown[];
}

function errorInfo(e: unknown): { name: string; message: string; stack: string } {
  // Reading these can run learner getters: we are inside the timed call, so a loop is a timeout.
  let name = "Error";
  let message = "";
  let stack = "";
  try {
    if (e !== null && typeof e === "object") {
      const err = e as { name?: unknown; message?: unknown; stack?: unknown };
      name = typeof err.name === "string" ? err.name : "Error";
      message = typeof err.message === "string" ? err.message : StringCtor(e);
      stack = typeof err.stack === "string" ? err.stack : "";
    } else {
      name = "thrown value";
      message = StringCtor(e);
    }
  } catch {
    message = "(the thrown value could not be read)";
  }
  return { name: name.slice(0, 200), message: message.slice(0, 2000), stack: stack.slice(0, 4000) };
}

function isThenable(v: unknown): boolean {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function";
}

/** Host entry points. The host keeps references to these before learner code exists. */
const host = {
  setup(maxLog: number): void {
    logLimit = maxLog;
  },

  /** Called by the learner module's wrapper once its top level has run. */
  exportNames(): string {
    const names = objectKeys(learner);
    const out: [string, string][] = [];
    for (const n of names.slice(0, 200)) out.push([n, typeof learner[n]]);
    return stringify(out);
  },

  /**
   * Call `name` (a learner export, or `driver:<fn>` for the exercise's trusted driver) with
   * args from the host. `keep`: leave the result in the sandbox and return a handle.
   * `returnArgs`: also send back the arguments after the call (in-place updates).
   */
  call(name: string, json: string, buffers: ArrayBuffer[], keep: boolean, returnArgs: boolean): WirePacket {
    let result: unknown;
    let args: unknown[] = [];
    try {
      args = decodeArgs({ json, buffers });
      let fn: unknown;
      if (name.startsWith("driver:")) {
        fn = driver[name.slice(7)];
        if (typeof fn !== "function") throw new Error(`harness: the driver has no ${name}`);
        args = [learner, ...args];
      } else {
        if (!learnerLoaded) throw new Error("harness: learner module not loaded");
        fn = learner[name];
      }
      if (typeof fn !== "function") {
        return encode({ status: "missing", type: typeof fn });
      }
      result = (fn as AnyFn)(...args);
      if (isThenable(result)) {
        return encode({ status: "promise" });
      }
    } catch (e) {
      return encode({ status: "threw", error: errorInfo(e) });
    }
    const out: Record<string, unknown> = { status: "ok" };
    if (keep) {
      const id = nextHandle++;
      handles.set(id, result);
      out.value = new Handle(id);
    } else {
      out.value = result;
    }
    if (returnArgs) out.args = name.startsWith("driver:") ? args.slice(1) : args;
    try {
      return encode(out);
    } catch (e) {
      return encode({ status: "threw", error: errorInfo(e) });
    }
  },

  /** Keep a value in the sandbox (e.g. the parameters an optimizer updates in place). */
  put(json: string, buffers: ArrayBuffer[]): number {
    const id = nextHandle++;
    handles.set(id, decodeArgs({ json, buffers })[0]);
    return id;
  },

  /** Read a kept value back out (validated and encoded here, under the time limit). */
  get(id: number): WirePacket {
    try {
      return encode({ status: "ok", value: handles.get(id) });
    } catch (e) {
      return encode({ status: "threw", error: errorInfo(e) });
    }
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
