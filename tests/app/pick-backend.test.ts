/**
 * The Run worker's backend picker (app/_run/pick-backend.ts) on real tfjs in Node (cpu only):
 * a GPU backend's module is loaded only when the picker tries it (a hardware adapter, or asked
 * for), the GPU's answers given ahead of time are the ones used, and what was asked for but
 * could not be used is said.
 */
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { pickBackend, type GpuProbes } from "../../app/_run/pick-backend.ts";
import type { Tf } from "../../lib/checks/tf.ts";

// A browser worker has OffscreenCanvas (WebGL's probe itself is replaced below).
(globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas ??= class {};

function probes(adapter: "none" | "software" | "hardware", softwareGl: boolean): GpuProbes & { glAsked: number } {
  const p = { adapter: Promise.resolve(adapter), glAsked: 0, softwareGl: () => (p.glAsked++, softwareGl) };
  return p;
}

function loader() {
  const loaded: string[] = [];
  return { loaded, loadGpu: async (b: "webgpu" | "webgl") => void loaded.push(b) };
}

describe("the Run worker's backend picker", () => {
  it("without a GPU: loads no GPU backend and falls back to cpu here (no wasm in Node)", async () => {
    const { loaded, loadGpu } = loader();
    const gpu = probes("none", true);
    const choice = await pickBackend(tf as unknown as Tf, { loadGpu, probes: gpu });
    expect(choice).toEqual({ backend: "cpu" });
    expect(loaded).toEqual([]);
    expect(gpu.glAsked).toBe(1);
  });

  it("a hardware adapter: WebGPU's module is loaded and tried (then WebGL's, on hardware WebGL), before falling back", async () => {
    const { loaded, loadGpu } = loader();
    const choice = await pickBackend(tf as unknown as Tf, { loadGpu, probes: probes("hardware", false) });
    expect(loaded).toEqual(["webgpu", "webgl"]);
    expect(choice.backend).toBe("cpu");
  });

  it("asked for WebGL: its module is loaded even on a software rasteriser, and why it is not used is said", async () => {
    const { loaded, loadGpu } = loader();
    const gpu = probes("none", true);
    const choice = await pickBackend(tf as unknown as Tf, { requested: "webgl", loadGpu, probes: gpu });
    expect(loaded).toEqual(["webgl"]);
    expect(choice.backend).toBe("cpu");
    expect(choice.requested).toBe("webgl");
    expect(choice.unavailable).toMatch(/no WebGL in workers|did not start/);
  });

  it("asked for WebGPU without an adapter: nothing loaded, and it says there is no adapter", async () => {
    const { loaded, loadGpu } = loader();
    const choice = await pickBackend(tf as unknown as Tf, { requested: "webgpu", loadGpu, probes: probes("none", true) });
    expect(loaded).toEqual([]);
    expect(choice).toMatchObject({ backend: "cpu", requested: "webgpu", unavailable: "this browser has no WebGPU adapter" });
  });
});
