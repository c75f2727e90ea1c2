/**
 * The sandbox child process: hosts one IsolateTransport and answers the trusted worker over
 * Node's IPC channel. It holds no secrets (empty environment, no data directory, no network
 * when run under bubblewrap), and the worker SIGKILLs it at its deadline, whatever V8 is doing.
 * A child may be started ahead of time (child-pool.ts): it then opens its isolate with the harness
 * at once, and gets the exercise's driver and the learner's code when a submission arrives.
 * Each submission gets its own isolate: after one that ended cleanly, the pool may ask the child to
 * `recycle` (dispose that isolate, check it is gone, drop every reference to it, open a fresh one
 * with the harness only) and serve another, up to GRADLAB_SANDBOX_REUSE submissions in all.
 */
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { IsolateTransport, type SandboxLimits } from "./isolate-transport.ts";
import { SandboxLimitError } from "../../lib/checks/failure.ts";
import type { ChildRequest, ChildReply, RecycleReport } from "./child-protocol.ts";
import { HarnessCodeCache } from "./harness-cache.ts";

// Every isolate compiles the harness (nd, the wire format) from this child's code cache. Compiled
// eagerly, the cache holds every function's bytecode, so a submission's isolate no longer parses
// and compiles, one by one, the functions its grade uses (~3 ms of CPU a submission, side by side;
// +0.17 MB in each isolate's heap of its 128+ MiB). Learner code is compiled eagerly too: same
// semantics and errors. Set before any isolate exists; the code cache is checked against the flags.
setFlagsFromString("--no-lazy");

let transport: IsolateTransport | undefined;
/** The trusted harness the current isolate was opened with (a recycle without one opens the next with it). */
let harness: string | undefined;

function reply(msg: ChildReply): void {
  process.send?.(msg);
}

/** The harness's code cache: produced by the first isolate, sealed at the first request that is not `open`. */
const harnessCache = new HarnessCodeCache();

async function handle(req: ChildRequest): Promise<unknown> {
  if (req.op !== "open") harnessCache.seal();
  switch (req.op) {
    case "open":
      if (transport) throw new Error("open: this child's isolate is already open");
      transport = await IsolateTransport.open(req.limits, req.scripts, harnessCache, { blocking: true });
      harness = req.scripts.harness;
      return usage();
    case "driver":
      return transport!.loadDriver(req.script);
    case "load":
      return transport!.load(req.script);
    case "call":
      return transport!.call(req.name, req.packet, req.keep, req.returnArgs);
    case "put":
      return transport!.put(req.packet);
    case "get":
      return transport!.get(req.handle);
    case "callMany":
      return transport!.callMany(req.calls);
    case "logs":
      return transport ? transport.logs() : "";
    case "recycle":
      return recycle(req.limits, req.harness);
  }
}

/** The previous submission's isolate disposed (and checked), a fresh one opened with the harness only (`next`, else the same as before). */
async function recycle(limits: SandboxLimits, next: string | undefined): Promise<RecycleReport> {
  const previous = transport;
  const source = next ?? harness;
  // Dropped before anything can fail: a half-recycled child never serves (the host kills it).
  transport = undefined;
  harness = undefined;
  if (!previous) throw new Error("recycle: no isolate to dispose");
  if (typeof source !== "string") throw new Error("recycle: no harness");
  previous.dispose();
  if (!previous.isolateDisposed) throw new Error("recycle: the previous isolate is still alive");
  transport = await IsolateTransport.open(limits, { harness: source }, harnessCache, { blocking: true });
  harness = source;
  return usage();
}

function usage(): RecycleReport {
  const u = process.cpuUsage();
  return { cpuMs: (u.user + u.system) / 1000, vmBytes: vmSizeBytes() };
}

function vmSizeBytes(): number {
  try {
    const m = /^VmSize:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

process.on("message", (req: ChildRequest) => {
  handle(req).then(
    (value) => reply({ id: req.id, ok: true, value }),
    (e: unknown) => {
      if (e instanceof SandboxLimitError) reply({ id: req.id, ok: false, limit: e.kind, message: e.message });
      else reply({ id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) });
    },
  );
});
process.on("disconnect", () => process.exit(0));
reply({ id: 0, ok: true, value: "ready" });
