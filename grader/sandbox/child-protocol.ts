/** Messages between the worker and a sandbox child (structured clone over Node's IPC channel). */
import type { WirePacket } from "../../lib/wire.ts";
import type { SandboxLimits } from "./isolate-transport.ts";
import type { SandboxScripts } from "../../lib/sandbox/transport.ts";

export type ChildRequest = { id: number } & (
  | { op: "open"; limits: SandboxLimits; scripts: SandboxScripts }
  | { op: "driver"; script: string }
  | { op: "load"; script: string }
  | { op: "call"; name: string; packet: WirePacket; keep: boolean; returnArgs: boolean }
  | { op: "put"; packet: WirePacket }
  | { op: "get"; handle: number }
  | { op: "logs" }
);

export type ChildReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; limit?: "timeout" | "memory"; message: string });
