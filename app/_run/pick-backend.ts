/**
 * Which tfjs backend the browser's Run computes the reference on: the best one that passes a
 * self-test here. A backend that starts is not yet one that works: WebGPU in a browser started
 * with only --enable-unsafe-webgpu has an adapter, runs kernels and reads buffers back
 * asynchronously, yet its synchronous read-back (a canvas copy) returns zeros and then loses the
 * device, after which every kernel fails ("createBuffer failed"). The checks read results
 * synchronously (lib/checks/tf.ts), so the self-test reads one result each way, compares the
 * values, and makes sure the device is still alive afterwards.
 */
import type { Tf } from "../../lib/checks/tf.ts";
import type { Backend } from "./protocol.ts";

export interface BackendChoice {
  backend: Backend;
  /** The backend asked for (?backend=), when there was one. */
  requested?: Backend;
  /** Why the requested backend is not the one in use. */
  unavailable?: string;
}

/** Only the parts of a WebGPU device the self-test looks at. */
interface GpuDeviceLike {
  lost: Promise<{ message?: string }>;
  queue: { onSubmittedWorkDone(): Promise<void> };
}

/**
 * WebGL drawn by a software rasteriser (SwiftShader, llvmpipe: headless browsers, machines
 * without a GPU) compiles a shader per op and is several times slower than wasm on the small
 * tensors of the visible checks: then it is not the best backend available (unless asked for).
 */
function softwareWebGl(): boolean {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext("webgl2") as WebGL2RenderingContext | null;
    if (!gl) return true;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    return /swiftshader|llvmpipe|software|softpipe/i.test(renderer);
  } catch {
    return true;
  }
}

/** "none" without a WebGPU adapter (headless browsers expose navigator.gpu without one); "software" on SwiftShader. */
async function gpuAdapter(): Promise<"none" | "software" | "hardware"> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (!adapter) return "none";
  const info = adapter.info ?? {};
  return /swiftshader|llvmpipe|software/i.test(`${info.vendor} ${info.architecture} ${info.description}`) ? "software" : "hardware";
}

const EXPECTED = [7, 10, 15, 22]; // [[1, 2], [3, 4]] squared
const close = (got: ArrayLike<number>, want: number[]) => got.length === want.length && want.every((w, i) => Math.abs(got[i] - w) <= 1e-5 * Math.max(1, Math.abs(w)));
const shown = (v: ArrayLike<number>) => `[${Array.from(v).slice(0, 4).join(", ")}]`;

/**
 * The self-test on the current backend: undefined when it passes, else what went wrong (in words
 * a learner can act on: the backend's name and what it did).
 */
export async function selfTest(tf: Tf, backend: Backend): Promise<string | undefined> {
  const device = backend === "webgpu" ? (tf.backend() as unknown as { device?: GpuDeviceLike }).device : undefined;
  let lost: string | undefined;
  void device?.lost.then((info) => (lost = info?.message || "the GPU device was lost"));
  try {
    // Half-float WebGL would miss float32 tolerances: only use it where float32 renders.
    if (backend === "webgl" && !tf.env().getBool("WEBGL_RENDER_FLOAT32_CAPABLE")) return "it cannot render float32 here (half-float only), which the checks' tolerances need";
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.matMul(x, x);
    const z = tf.matMul(x, x);
    try {
      // The read the backend prefers first (asynchronous), then the one the checks use (synchronous), on a result not yet read.
      const viaAsync = await y.data();
      if (!close(viaAsync, EXPECTED)) return `its self-test computed ${shown(viaAsync)} instead of ${shown(EXPECTED)}`;
      const viaSync = z.dataSync();
      if (!close(viaSync, EXPECTED)) return `its synchronous read-back gave ${shown(viaSync)} instead of ${shown(EXPECTED)}`;
    } finally {
      tf.dispose([x, y, z]);
    }
    if (device) {
      await device.queue.onSubmittedWorkDone();
      // device.lost settles in a task of its own: give it one before looking.
      await new Promise((r) => setTimeout(r, 0));
    }
    return lost ? `${lost} during its self-test` : undefined;
  } catch (e) {
    return lost ? `${lost} during its self-test` : `its self-test failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Whether the backend in use still works (a WebGPU device can be lost at any time: a driver reset, a sleeping laptop). */
export function watchHealth(tf: Tf, backend: Backend): () => boolean {
  if (backend !== "webgpu") return () => true;
  const device = (tf.backend() as unknown as { device?: GpuDeviceLike }).device;
  let alive = true;
  void device?.lost.then(() => (alive = false));
  return () => alive;
}

/**
 * What the picker asks the GPU before trying a backend. The adapter's answer comes from the
 * browser's GPU process (0.05-0.9 s after a browser starts, while that process starts), not from
 * the worker's thread: the Run worker asks before its code loads (app/_run/run-worker.ts), so the
 * wait overlaps that. The WebGL probe is synchronous (it blocks the thread until the GPU process
 * answers: ~0.5 s when it asked first, traced in session 8), so it is made only when the picker
 * gets to WebGL, by which time that process is up.
 */
export interface GpuProbes {
  adapter: Promise<"none" | "software" | "hardware">;
  /** WebGL in workers is missing or drawn by a software rasteriser (asked once). */
  softwareGl(): boolean;
}

export function probeGpu(): GpuProbes {
  const adapter = gpuAdapter();
  let soft: boolean | undefined;
  return { adapter, softwareGl: () => (soft ??= typeof OffscreenCanvas === "undefined" || softwareWebGl()) };
}

export interface PickOptions {
  /** The backend asked for (?backend=). */
  requested?: Backend;
  /** Registers a GPU backend just before it is tried (app/_run/tf-run.ts keeps them out of the worker until then). */
  loadGpu?: (b: "webgpu" | "webgl") => Promise<void>;
  /** The GPU's answers when already asked (else asked now). */
  probes?: GpuProbes;
}

/**
 * Pick the backend: the requested one first when there is one, then webgpu and webgl (on a
 * hardware GPU), wasm, cpu. The first that starts and passes the self-test
 * is used; cpu is the last resort and always works.
 */
export async function pickBackend(tf: Tf, opts: PickOptions = {}): Promise<BackendChoice> {
  const { requested, loadGpu } = opts;
  const probes = opts.probes ?? probeGpu();
  const order: Backend[] = [];
  if (requested) order.push(requested);
  for (const b of ["webgpu", "webgl", "wasm", "cpu"] as const) if (!order.includes(b)) order.push(b);
  let unavailable: string | undefined;
  for (const b of order) {
    const asked = b === requested;
    // WebGPU only where an adapter exists, and (as for WebGL) not on a software one unless asked.
    if (b === "webgpu") {
      const adapter = await probes.adapter;
      if (adapter === "none" || (!asked && adapter === "software")) {
        if (asked) unavailable = "this browser has no WebGPU adapter";
        continue;
      }
    }
    if (b === "webgl" && (typeof OffscreenCanvas === "undefined" || (!asked && probes.softwareGl()))) {
      if (asked) unavailable = "this browser has no WebGL in workers";
      continue;
    }
    let why: string | undefined;
    try {
      if ((b === "webgpu" || b === "webgl") && loadGpu) await loadGpu(b);
      why = (await tf.setBackend(b)) ? await selfTest(tf, b) : "it did not start";
    } catch (e) {
      why = `it did not start: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (!why) return { backend: b, ...(requested ? { requested } : {}), ...(unavailable ? { unavailable } : {}) };
    if (asked) unavailable = why;
  }
  await tf.setBackend("cpu");
  return { backend: "cpu", ...(requested ? { requested } : {}), ...(unavailable ? { unavailable } : {}) };
}
