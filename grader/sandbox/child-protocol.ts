/** Messages between the worker and a sandbox child (structured clone over Node's IPC channel). */
import type { WirePacket } from "../../lib/wire.ts";
import type { SandboxLimits } from "./isolate-transport.ts";
import type { PacketCall, SandboxScripts } from "../../lib/sandbox/transport.ts";

export type ChildRequest = { id: number } & (
  | { op: "open"; limits: SandboxLimits; scripts: SandboxScripts }
  | { op: "driver"; script: string }
  | { op: "load"; script: string }
  | { op: "call"; name: string; packet: WirePacket; keep: boolean; returnArgs: boolean }
  | { op: "put"; packet: WirePacket }
  | { op: "get"; handle: number }
  /** Several calls/reads in order, answered with their packets (see SandboxTransport.callMany). */
  | { op: "callMany"; calls: PacketCall[] }
  | { op: "logs" }
  /**
   * Between two submissions (child-pool.ts): dispose the isolate, open a fresh one with the harness
   * only: this harness, or without one the harness the child's previous isolate was opened with.
   */
  | { op: "recycle"; limits: SandboxLimits; harness?: string }
);

/** What a child reports after a recycle: its own resource use so far, for the pool's backstops. */
export interface RecycleReport {
  /** CPU ms (user + system) the process has used since it started (what RLIMIT_CPU counts). */
  cpuMs: number;
  /** The process's address space in bytes (VmSize: what RLIMIT_AS counts); 0 if unknown. */
  vmBytes: number;
}

export type ChildReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; limit?: "timeout" | "memory"; message: string });
