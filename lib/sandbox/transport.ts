/**
 * How the trusted side talks to a sandbox: packets in, packets out. Two implementations:
 * IsolateTransport (isolated-vm in this process) and ChildTransport (the same, inside a child
 * process the worker can SIGKILL). PacketSession turns either into the checks' RawSession.
 */
import { Tensor } from "../nd/index.ts";
import { decode, encode, Handle, wellFormed, type WirePacket } from "../wire.ts";
import { callEachInOrder, type BatchCall, type RawOutcome, type RawSession } from "../checks/learner.ts";
import { explainMissingGlobal } from "./missing-globals.ts";

/** The trusted scripts a sandbox runs before learner code (built by bundle.ts). */
export interface SandboxScripts {
  harness: string;
  driver?: string;
}

export type LoadOutcome = { ok: true; exportsJson: string } | { ok: false; error: { message: string; stack: string } };

/** One request of a batch, encoded (RawSession.callMany). */
export type PacketCall = { op: "call"; name: string; packet: WirePacket; keep: boolean; returnArgs: boolean } | { op: "get"; handle: number };

export interface SandboxTransport {
  load(script: string): Promise<LoadOutcome>;
  call(name: string, packet: WirePacket, keep: boolean, returnArgs: boolean): Promise<WirePacket>;
  put(packet: WirePacket): Promise<number>;
  get(id: number): Promise<WirePacket>;
  /**
   * Optional: the calls in order, as one request; the packets of those that ran. It stops after a
   * packet that is not plainly ok, and may stop early (answers past a byte budget): the caller
   * sends the rest again. Without it, PacketSession sends the calls one by one.
   */
  callMany?(calls: readonly PacketCall[]): Promise<WirePacket[]>;
  logs(): Promise<string>;
  dispose(): void;
}

/**
 * Replies of one batch beyond this many bytes end it early (the host sends the rest again): one
 * reply stays of bounded size, and so does what a batch's replies hold in the isolate's memory
 * until it ends (this plus its last reply; one call at a time held only that last reply).
 */
export const BATCH_REPLY_BYTES = 4 * 1024 * 1024;

/** Learner text the host shows: at most `max` characters, lone surrogates replaced. Cuts before any other work. */
export function boundedText(v: unknown, max: number): string {
  const s = typeof v === "string" ? v : "";
  return wellFormed(s.length > max ? s.slice(0, max) : s);
}

/** At most this much of an export-list reply is read (200 names of 100 characters fit). */
const MAX_EXPORTS_JSON = 64 * 1024;

/** The learner's export names and types from the harness's reply, bounded. */
function parseExports(json: unknown): Map<string, string> {
  const exports = new Map<string, string>();
  if (typeof json !== "string" || json.length > MAX_EXPORTS_JSON) return exports;
  try {
    const list = JSON.parse(json) as unknown;
    if (!Array.isArray(list)) return exports;
    for (const entry of list.slice(0, 200)) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || typeof entry[1] !== "string") continue;
      exports.set(boundedText(entry[0], 100), boundedText(entry[1], 20));
    }
  } catch {
    /* a corrupted harness only loses the learner its exports list */
  }
  return exports;
}

/**
 * Everything from the sandbox is untrusted: decoding never throws, it reports, and every value
 * and message is bounded (lib/wire.ts limits; text cut here) before any check renders it.
 */
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
    if (!r || typeof r !== "object") return { ok: false, message: "the sandbox did not answer as expected while loading your module" };
    if (!r.ok) {
      const err = (r.error ?? {}) as { message?: unknown; stack?: unknown };
      const where = this.mapLocation(boundedText(err.stack, 4000));
      return { ok: false, message: `${explainMissingGlobal(boundedText(err.message, 2000))}${where ? ` (at ${where})` : ""}` };
    }
    return { ok: true, exports: parseExports(r.exportsJson) };
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
        return { status: "missing", type: boundedText(o.type, 20) };
      case "promise":
        return { status: "promise" };
      case "threw": {
        const err = (o.error ?? {}) as { name?: unknown; message?: unknown; stack?: unknown };
        const location = typeof err.stack === "string" ? this.mapLocation(boundedText(err.stack, 4000)) : undefined;
        const name = boundedText(err.name, 200) || "Error";
        return { status: "threw", error: { name, message: explainMissingGlobal(boundedText(err.message, 2000)), location } };
      }
      default:
        return { status: "threw", error: { name: "Error", message: "the sandbox returned an unexpected result" } };
    }
  }

  async call(name: string, args: unknown[], opts: { keep?: boolean; returnArgs?: boolean }): Promise<RawOutcome> {
    return this.decodeOutcome(await this.transport.call(name, encode(args), !!opts.keep, !!opts.returnArgs));
  }

  /** See RawSession.callMany: one request to the transport (several when its answers were cut short). */
  async callMany(calls: readonly BatchCall[]): Promise<RawOutcome[]> {
    if (!this.transport.callMany) return callEachInOrder(this, calls);
    let rest: PacketCall[] = calls.map((c) =>
      c.op === "get" ? { op: "get", handle: c.handle.id } : { op: "call", name: c.name, packet: encode(c.args), keep: !!c.keep, returnArgs: !!c.returnArgs },
    );
    const outcomes: RawOutcome[] = [];
    while (rest.length > 0) {
      const packets = await this.transport.callMany(rest);
      if (!Array.isArray(packets) || packets.length === 0 || packets.length > rest.length) {
        throw new Error(`the sandbox answered a batch of ${rest.length} calls with ${Array.isArray(packets) ? packets.length : "no list of"} results`);
      }
      for (const p of packets) {
        const o = this.decodeOutcome(p);
        outcomes.push(o);
        if (o.status !== "ok") return outcomes;
      }
      rest = rest.slice(packets.length);
    }
    return outcomes;
  }

  async put(value: unknown): Promise<Handle> {
    return new Handle(await this.transport.put(encode([value])));
  }

  async get(handle: Handle): Promise<RawOutcome> {
    return this.decodeOutcome(await this.transport.get(handle.id));
  }
}
