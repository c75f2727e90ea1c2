/** Moving tensors between nd (float64) and tfjs (float32). */
import { Tensor } from "../nd/index.ts";
import type * as TF from "@tensorflow/tfjs";

/** The tfjs namespace the checks receive (wasm in Node, WebGPU/WebGL/wasm in the browser). */
export type Tf = typeof TF;

export function toTf(tf: Tf, t: Tensor): TF.Tensor {
  return tf.tensor(Float32Array.from(t.data), t.shape, "float32");
}

export function fromTf(t: TF.Tensor): Tensor {
  return new Tensor(Float64Array.from(t.dataSync() as Float32Array), t.shape.slice());
}

/** Run `fn` inside tf.tidy and bring the result back as nd tensors (frees tfjs memory). */
export function tfCompute<T extends Record<string, TF.Tensor> | TF.Tensor>(tf: Tf, fn: () => T): T extends TF.Tensor ? Tensor : { [K in keyof T]: Tensor } {
  const out = tf.tidy(fn);
  if (out instanceof tf.Tensor) {
    const r = fromTf(out);
    out.dispose();
    return r as never;
  }
  const r: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(out as Record<string, TF.Tensor>)) {
    r[k] = fromTf(v);
    v.dispose();
  }
  return r as never;
}

/**
 * Run a reference computation; if the current backend lacks a kernel it needs (tfjs-wasm has no
 * Conv2DBackpropFilter, for one), run it again on the cpu backend, then switch back.
 */
export function withKernelFallback<T>(tf: Tf, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const current = tf.getBackend();
    if (!/not registered for backend/.test(String((e as Error).message)) || current === "cpu" || !tf.findBackend("cpu")) throw e;
    tf.setBackend("cpu");
    try {
      return fn();
    } finally {
      tf.setBackend(current);
    }
  }
}
