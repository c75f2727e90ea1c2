/**
 * The learner's code in the browser: a classic worker of its own that the Run worker can
 * terminate (the time limit). It loads the same harness the server's isolate runs (nd, the wire
 * encoder, console capture), then the learner's transpiled module from a Blob URL.
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

function reply(id: number, value: unknown, transfer: Transferable[] = []): void {
  scope.postMessage({ id, ok: true, value } satisfies SandboxReply, transfer);
}

function errorOf(e: unknown): { message: string; stack: string } {
  const err = e as { message?: unknown; stack?: unknown };
  return { message: String(err?.message ?? e).slice(0, 2000), stack: String(err?.stack ?? "").slice(0, 4000) };
}

self.onmessage = (ev: MessageEvent<SandboxRequest>) => {
  const m = ev.data;
  try {
    switch (m.op) {
      case "init": {
        scope.importScripts(m.harnessUrl);
        host = scope.__gradlab_host;
        delete scope.__gradlab_host;
        host!.setup(m.maxLog);
        if (m.driverUrl) scope.importScripts(m.driverUrl);
        return reply(m.id, true);
      }
      case "load": {
        const url = URL.createObjectURL(new Blob([m.script + "\n//# sourceURL=learner.js"], { type: "text/javascript" }));
        try {
          scope.importScripts(url);
        } catch (e) {
          const err = errorOf(e);
          return scope.postMessage({ id: m.id, ok: false, error: { message: `Your module threw while loading: ${err.message}`, stack: err.stack } } satisfies SandboxReply);
        } finally {
          URL.revokeObjectURL(url);
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
    scope.postMessage({ id: m.id, ok: false, error: errorOf(e) } satisfies SandboxReply);
  }
};
