/**
 * How the trusted side talks to a sandbox: packets in, packets out. Two implementations:
 * IsolateTransport (isolated-vm in this process) and ChildTransport (the same, inside a child
 * process the worker can SIGKILL). PacketSession turns either into the checks' RawSession.
 */
import { Tensor } from "../../lib/nd/index.ts";
import { decode, encode, Handle, type WirePacket } from "../../lib/wire.ts";
import type { RawOutcome, RawSession } from "../../lib/checks/learner.ts";

/** The trusted scripts a sandbox runs before learner code (built by bundle.ts). */
export interface SandboxScripts {
  harness: string;
  driver?: string;
}

export type LoadOutcome = { ok: true; exportsJson: string } | { ok: false; error: { message: string; stack: string } };

export interface SandboxTransport {
  load(script: string): Promise<LoadOutcome>;
  call(name: string, packet: WirePacket, keep: boolean, returnArgs: boolean): Promise<WirePacket>;
  put(packet: WirePacket): Promise<number>;
  get(id: number): Promise<WirePacket>;
  logs(): Promise<string>;
  dispose(): void;
}

/** Everything from the sandbox is untrusted: decoding never throws, it reports. */
export class PacketSession implements RawSession {
  private readonly transport: SandboxTransport;
  private readonly mapLocation: (stack: string) => string | undefined;

  constructor(transport: SandboxTransport, mapLocation: (stack: string) => string | undefined) {
    this.transport = transport;
    this.mapLocation = mapLocation;
  }

  /** Load the learner's script; the error message carries the learner's file:line. */
  async load(script: string): Promise<{ ok: true; exports: Map<string, string> } | { ok: false; message: string }> {
    const r = await this.transport.load(script);
    if (!r.ok) {
      const where = this.mapLocation(String(r.error.stack ?? ""));
      return { ok: false, message: `${String(r.error.message).slice(0, 2000)}${where ? ` (at ${where})` : ""}` };
    }
    const exports = new Map<string, string>();
    try {
      for (const [k, t] of JSON.parse(r.exportsJson) as [string, string][]) exports.set(String(k), String(t));
    } catch {
      /* a corrupted harness only loses the learner its exports list */
    }
    return { ok: true, exports };
  }

  private decodeOutcome(raw: unknown): RawOutcome {
    const p = raw as WirePacket | undefined;
    let v: unknown;
    try {
      if (!p || typeof p.json !== "string" || !Array.isArray(p.buffers)) throw new Error("malformed");
      v = decode(p, { tensor: (shape, data) => new Tensor(data, shape), handle: (id) => new Handle(id) });
    } catch {
      return { status: "threw", error: { name: "Error", message: "the sandbox returned a result that could not be read (was a harness global overwritten?)" } };
    }
    const o = (v ?? {}) as Record<string, unknown>;
    switch (o.status) {
      case "ok":
        return { status: "ok", value: o.value, args: Array.isArray(o.args) ? o.args : undefined };
      case "missing":
        return { status: "missing", type: String(o.type) };
      case "promise":
        return { status: "promise" };
      case "threw": {
        const err = (o.error ?? {}) as { name?: unknown; message?: unknown; stack?: unknown };
        const location = typeof err.stack === "string" ? this.mapLocation(err.stack) : undefined;
        return { status: "threw", error: { name: String(err.name ?? "Error").slice(0, 200), message: String(err.message ?? "").slice(0, 2000), location } };
      }
      default:
        return { status: "threw", error: { name: "Error", message: "the sandbox returned an unexpected result" } };
    }
  }

  async call(name: string, args: unknown[], opts: { keep?: boolean; returnArgs?: boolean }): Promise<RawOutcome> {
    return this.decodeOutcome(await this.transport.call(name, encode(args), !!opts.keep, !!opts.returnArgs));
  }

  async put(value: unknown): Promise<Handle> {
    return new Handle(await this.transport.put(encode([value])));
  }

  async get(handle: Handle): Promise<RawOutcome> {
    return this.decodeOutcome(await this.transport.get(handle.id));
  }
}
