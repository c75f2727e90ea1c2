/**
 * The sandbox child process: hosts one IsolateTransport and answers the trusted worker over
 * Node's IPC channel. It holds no secrets (empty environment, no data directory, no network
 * when run under bubblewrap), and the worker SIGKILLs it at its deadline, whatever V8 is doing.
 * One child serves one submission, then exits. A child may be started ahead of time (child-pool.ts):
 * it then opens its isolate with the harness at once, and gets the exercise's driver and the
 * learner's code when a submission arrives.
 */
import { IsolateTransport } from "./isolate-transport.ts";
import { SandboxLimitError } from "../../lib/checks/failure.ts";
import type { ChildRequest, ChildReply } from "./child-protocol.ts";

let transport: IsolateTransport | undefined;

function reply(msg: ChildReply): void {
  process.send?.(msg);
}

async function handle(req: ChildRequest): Promise<unknown> {
  switch (req.op) {
    case "open":
      transport = await IsolateTransport.open(req.limits, req.scripts);
      return null;
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
    case "logs":
      return transport ? transport.logs() : "";
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
