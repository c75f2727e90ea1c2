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

/** How the harness's encoding of an ok outcome begins (`{ status: "ok", ... }`, status first). */
const OK_HEAD = encode({ status: "ok" }).json.slice(0, -2);

/**
 * Whether a packet is plainly an ok outcome. A batch stops after any packet that is not; one
 * that is ok but unusual only ends its batch early (the host then sends the rest).
 */
export function packetIsOk(p: WirePacket): boolean {
  return typeof p?.json === "string" && p.json.startsWith(OK_HEAD);
}

/** Answers of one batch beyond this many bytes end it early (one reply stays of bounded size). */
export const BATCH_REPLY_BYTES = 16 * 1024 * 1024;

/**
 * A batch on the sandbox's side (in the child, or in process): each call exactly as if sent alone
 * (its own time limit; a limit throws and ends the batch and the submission), stopping after the
 * first that is not ok or once the answers pass BATCH_REPLY_BYTES.
 */
export async function runBatch(t: Pick<SandboxTransport, "call" | "get">, calls: readonly PacketCall[]): Promise<WirePacket[]> {
  const out: WirePacket[] = [];
  let bytes = 0;
  for (const c of calls) {
    const p = c.op === "get" ? await t.get(c.handle) : await t.call(c.name, c.packet, c.keep, c.returnArgs);
    out.push(p);
    if (!packetIsOk(p)) break;
    bytes += p.json.length * 2 + p.buffers.reduce((n, b) => n + b.byteLength, 0);
    if (bytes >= BATCH_REPLY_BYTES) break;
  }
  return out;
}

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
