/**
 * The Run worker's entry (app/_run/run-main.ts does the work). It is small on purpose: before
 * the ~1 MB of tfjs, the check runner and esbuild's loader are fetched and evaluated, it asks the
 * GPU for an adapter (the backend picker's first question, app/_run/pick-backend.ts probeGpu).
 * The answer comes from the browser's GPU process (0.05-0.9 s after a browser starts) while this
 * thread compiles and evaluates the main module, instead of after it. The page's messages that
 * arrive meanwhile ("prepare", sent as the worker starts) are kept and handed over.
 */
import type { RunRequest } from "./protocol.ts";
import { probeGpu } from "./pick-backend.ts";

const early: MessageEvent<RunRequest>[] = [];
self.onmessage = (ev: MessageEvent<RunRequest>) => void early.push(ev);
const probes = probeGpu();
const main = import("./run-main.ts");
main.then(
  (m) => m.start(probes, early),
  // Thrown from a task of its own, so the page's Worker gets an error event, as for a module that failed to load.
  (e: unknown) => setTimeout(() => { throw e instanceof Error ? e : new Error(`the Run worker could not load: ${String(e)}`); }),
);
