/**
 * The tfjs namespace the browser's Run computes the reference with: what `@tensorflow/tfjs`
 * gives the server's checks (core with its gradients, chained ops and optimizers, layers, the cpu
 * backend) plus the wasm backend. Left out: the converter and data packages (no check loads a
 * saved model or a dataset) and, until the picker tries one, the GPU backends (loadGpuBackend).
 * Those were 0.76 of the worker's 1.75 MB, all evaluated before Run was usable, on every machine,
 * GPU or not. Layers (a third of the rest) is loaded only for the suites that use it (withLayers:
 * the build marks their bundles: app/_run/layers-use.ts).
 */
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";
import * as core from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import type { Tf } from "../../lib/checks/tf.ts";

/** One namespace, as `@tensorflow/tfjs` builds it: core, and layers' names once withLayers() has run. */
export const tf = { ...core } as unknown as Tf;

let layersLoaded: Promise<void> | undefined;

/** Add tfjs-layers to `tf` (once): its names that core does not have, as in `@tensorflow/tfjs`'s own namespace. */
export function withLayers(): Promise<void> {
  layersLoaded ??= import("@tensorflow/tfjs-layers").then((layers) => {
    const target = tf as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(layers)) if (!(name in target)) target[name] = value;
  });
  return layersLoaded;
}

/** Register a GPU backend (its module evaluated on first use only). */
export async function loadGpuBackend(backend: "webgpu" | "webgl"): Promise<void> {
  if (backend === "webgpu") await import("@tensorflow/tfjs-backend-webgpu");
  else await import("@tensorflow/tfjs-backend-webgl");
}
