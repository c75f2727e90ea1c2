/**
 * The learner's code in the browser: a classic worker of its own that the Run worker can
 * terminate (the time limit). It loads the same harness the server's isolate runs (nd, the wire
 * encoder, console capture) and the driver, both given as text, then cuts every way out to the
 * network (cutNetwork) before the learner's transpiled module runs from a Blob URL. The response
 * that serves this script also carries a CSP without connect-src and with scripts from blob:
 * only (app/_run/assets.ts), which covers what JavaScript cannot remove (dynamic import()).
 */
import type { SandboxReply, SandboxRequest } from "./protocol.ts";

type Packet = { json: string; buffers: ArrayBuffer[] };
type HostFns = {
  setup(maxLog: number): void;
  exportNames(): string;
  call(name: string, json: string, buffers: ArrayBuffer[], keep: boolean, returnArgs: boolean): Packet;
  put(json: string, buffers: ArrayBuffer[]): number;
  get(id: number): Packet;
  takeLogs(): string;
};

const scope = self as unknown as { importScripts(...urls: string[]): void; postMessage(m: unknown, t?: Transferable[]): void; __gradlab_host?: HostFns };
let host: HostFns | undefined;
/** Taken before any learner code runs: the time a request spent here is measured with this clock. */
const now: () => number = performance.now.bind(performance);
let began = 0;
/** Kept for loading the learner's module after the global `importScripts` is gone. */
const importScriptsNow: (url: string) => void = scope.importScripts.bind(scope);

function runScript(code: string, name: string): void {
  const url = URL.createObjectURL(new Blob([`${code}\n//# sourceURL=${name}`], { type: "text/javascript" }));
  try {
    importScriptsNow(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Globals that reach the network (or start a context that can): none is left to learner code. */
export const NETWORK_GLOBALS = [
  "fetch", "fetchLater", "XMLHttpRequest", "XMLHttpRequestEventTarget", "XMLHttpRequestUpload", "WebSocket", "WebSocketStream",
  "WebTransport", "EventSource", "importScripts", "Worker", "SharedWorker", "ServiceWorker", "ServiceWorkerContainer", "BroadcastChannel",
  "caches", "CacheStorage", "Cache", "FontFace", "fonts", "FontFaceSet", "RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel",
  "Request", "Response", "Headers", "IDBFactory", "indexedDB",
] as const;
/** Members of `navigator` that send requests or register workers. */
const NAVIGATOR_MEMBERS = ["sendBeacon", "serviceWorker"] as const;

/**
 * Remove `name` from `obj` and every object on its prototype chain, then pin it on `obj` as a
 * non-configurable undefined, so that learner code can neither reach it through a prototype nor
 * put it back. Throws when it stays reachable (then Run refuses to run learner code).
 */
function cut(obj: object, name: string): void {
  for (let o: object | null = obj; o; o = Object.getPrototypeOf(o)) {
    if (Object.prototype.hasOwnProperty.call(o, name)) Reflect.deleteProperty(o, name);
  }
  Reflect.defineProperty(obj, name, { value: undefined, writable: false, enumerable: false, configurable: false });
  if ((obj as Record<string, unknown>)[name] !== undefined) throw new Error(`the Run sandbox could not remove ${name}`);
}

function cutNetwork(): void {
  for (const name of NETWORK_GLOBALS) cut(self, name);
  for (const name of NAVIGATOR_MEMBERS) cut(self.navigator, name);
}

// ---- the learner's console, live ------------------------------------------------------------
// While a long call runs (a training loop), the lines it logs are also sent to the page as they
// come (at most every LIVE_EVERY_MS, the last LIVE_KEEP lines), so Run can draw a loss curve and
// show progress before the call returns. Only numbers and strings are shown live (the harness
// still captures everything, bounded, for the result); learner code could post such messages
// itself, which changes nothing but its own display.
const LIVE_EVERY_MS = 100;
const LIVE_KEEP = 50;
let liveLines: string[] = [];
let lastLive = 0;

function flushLive(): void {
  if (!liveLines.length) return;
  scope.postMessage({ live: liveLines });
  liveLines = [];
  lastLive = now();
}

function liveLine(args: unknown[]): void {
  let line = "";
  for (const a of args) line += (line ? " " : "") + (typeof a === "number" || typeof a === "string" ? String(a).slice(0, 200) : "…");
  liveLines.push(line.slice(0, 200));
  if (liveLines.length > LIVE_KEEP) liveLines.shift();
  if (now() - lastLive >= LIVE_EVERY_MS) flushLive();
}

/** The harness's console (capture, bounded), each method also feeding the live lines. */
function liveConsole(): void {
  const captured = (self as unknown as { console: Record<string, (...a: unknown[]) => void> }).console;
  const live: Record<string, (...a: unknown[]) => void> = {};
  for (const m of ["log", "info", "warn", "error", "debug", "trace"]) {
    const inner = captured[m];
    live[m] = (...a: unknown[]) => {
      inner(...a);
      liveLine(a);
    };
  }
  (self as unknown as { console: unknown }).console = live;
}

/** Each reply says how long this request ran here (the Run worker charges the learner's budget with it). */
function reply(id: number, value: unknown, transfer: Transferable[] = []): void {
  flushLive();
  scope.postMessage({ id, ok: true, value, ms: now() - began } satisfies SandboxReply, transfer);
}

function fail(id: number, error: { message: string; stack: string }): void {
  flushLive();
  scope.postMessage({ id, ok: false, error, ms: now() - began } satisfies SandboxReply);
}

function errorOf(e: unknown): { message: string; stack: string } {
  const err = e as { message?: unknown; stack?: unknown };
  return { message: String(err?.message ?? e).slice(0, 2000), stack: String(err?.stack ?? "").slice(0, 4000) };
}

self.onmessage = (ev: MessageEvent<SandboxRequest>) => {
  const m = ev.data;
  began = now();
  try {
    switch (m.op) {
      case "init": {
        runScript(m.harness, "harness.js");
        host = scope.__gradlab_host;
        delete scope.__gradlab_host;
        host!.setup(m.maxLog);
        liveConsole();
        if (m.driver) runScript(m.driver, "driver.js");
        cutNetwork();
        return reply(m.id, true);
      }
      case "load": {
        try {
          runScript(m.script, "learner.js");
        } catch (e) {
          const err = errorOf(e);
          return fail(m.id, { message: `Your module threw while loading: ${err.message}`, stack: err.stack });
        }
        return reply(m.id, host!.exportNames());
      }
      case "call": {
        const p = host!.call(m.name, m.json, m.buffers, m.keep, m.returnArgs);
        return reply(m.id, p, p.buffers);
      }
      case "put":
        return reply(m.id, host!.put(m.json, m.buffers));
      case "get": {
        const p = host!.get(m.handle);
        return reply(m.id, p, p.buffers);
      }
      case "logs":
        return reply(m.id, host!.takeLogs());
    }
  } catch (e) {
    fail(m.id, errorOf(e));
  }
};
