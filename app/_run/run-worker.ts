/**
 * The Run worker's entry (app/_run/run-main.ts does the work). It is small on purpose: before
 * the ~1 MB of tfjs and the check runner are fetched and evaluated, it
 * - asks the GPU for an adapter (the backend picker's first question, app/_run/pick-backend.ts
 *   probeGpu): the answer comes from the browser's GPU process (0.05-0.9 s after a browser
 *   starts) while this thread compiles and evaluates the main module, instead of after it;
 * - starts esbuild-wasm in a worker of its own: reading its 14 MB of compiled WebAssembly back
 *   from Chromium's code cache and starting its runtime take 0.5-1 s of a thread (traced in
 *   session 8), which on this one would hold up the pick and then a Run's checks. Started here
 *   rather than after the pick, the first result after an immediate Run came 0.1-0.6 s sooner
 *   (Run enabling ~0.15 s later) on two cores. Served as application/wasm, it is compiled as it
 *   streams in, so Chromium keeps the compiled code for the next visit.
 * The page's messages that arrive meanwhile ("prepare", sent as the worker starts) are kept and
 * handed over.
 */
import type { RunRequest } from "./protocol.ts";
import { probeGpu } from "./pick-backend.ts";
import { isAssetPath } from "./static-urls.ts";
import { initialize } from "esbuild-wasm";

const early: MessageEvent<RunRequest>[] = [];
self.onmessage = (ev: MessageEvent<RunRequest>) => void early.push(ev);
const probes = probeGpu();
const main = import("./run-main.ts");
// Its path is in this script's URL (the page puts it there); else run-main.ts finds it in the manifest.
const esbuildPath = new URL(self.location.href).searchParams.get("esbuild");
const transpiler = isAssetPath(esbuildPath) ? initialize({ wasmURL: new URL(esbuildPath, self.location.href).href, worker: true }) : undefined;
transpiler?.catch(() => {});
main.then(
  (m) => m.start(probes, early, transpiler),
  // Thrown from a task of its own, so the page's Worker gets an error event, as for a module that failed to load.
  (e: unknown) => setTimeout(() => { throw e instanceof Error ? e : new Error(`the Run worker could not load: ${String(e)}`); }),
);
