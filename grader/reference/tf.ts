/**
 * The reference engine: TensorFlow.js in Node on the wasm backend (cpu as the fallback), chosen
 * once per process. Trusted code only: it never enters the sandbox.
 */
import type { Tf } from "../../lib/checks/tf.ts";

let ready: Promise<Tf> | undefined;

export type ReferenceBackend = "wasm" | "cpu";

/** The tfjs module, initialised on `GRADLAB_TF_BACKEND` (default wasm, falling back to cpu). */
export function referenceTf(): Promise<Tf> {
  ready ??= (async () => {
    const tf = (await import("@tensorflow/tfjs")) as Tf;
    await import("@tensorflow/tfjs-backend-wasm");
    const wanted = (process.env.GRADLAB_TF_BACKEND ?? "wasm") as ReferenceBackend;
    let ok = false;
    try {
      ok = await tf.setBackend(wanted);
    } catch {
      ok = false;
    }
    if (!ok) {
      process.emitWarning(`tfjs backend ${wanted} unavailable; using cpu`);
      await tf.setBackend("cpu");
    }
    await tf.ready();
    return tf;
  })();
  return ready;
}
