/**
 * The learner's runtime: nd (float64, as learners write it) against tfjs-wasm and tfjs-cpu
 * (float32) on the same shapes, in the same run, interleaved round by round. nd is measured in
 * the host and INSIDE an isolated-vm isolate loaded with the real harness (where learner code
 * runs): in this process, and in the sandbox child (bubblewrap + prlimit).
 */
import { fileURLToPath } from "node:url";
import type * as TF from "@tensorflow/tfjs";
import { referenceTf } from "../grader/reference/tf.ts";
import { driverScript, harnessScript } from "../grader/sandbox/bundle.ts";
import { IsolateTransport, DEFAULT_LIMITS, type SandboxLimits } from "../grader/sandbox/isolate-transport.ts";
import { ChildTransport } from "../grader/sandbox/child-transport.ts";
import { PacketSession, type SandboxTransport } from "../lib/sandbox/transport.ts";
import * as K from "./kernels.ts";
import { median, round } from "./stats.ts";

const KERNELS = fileURLToPath(new URL("./kernels.ts", import.meta.url));

type Variant = "ndHost" | "ndIsolate" | "ndSandbox" | "tfjsWasm" | "tfjsCpu";

export interface CaseResult {
  /** Median ms per operation (per step for the MLP, per two-layer forward for conv). */
  ms: Partial<Record<Variant, number>>;
  ratioVsTfjsWasm: number;
  ratioVsTfjsCpu: number;
}

export interface RuntimeReport {
  note: string;
  ndKernel: string;
  matmul: {
    ratioVsTfjsWasm: number;
    ratioVsTfjsCpu: number;
    /** Host nd (TypeScript kernel) against tfjs-wasm, for comparison with the isolate. */
    hostRatioVsTfjsWasm: number;
    shapes: Record<string, CaseResult & { gflops: Partial<Record<Variant, number>> }>;
  };
  conv2d: { loops: CaseResult; im2col: CaseResult; layers: string };
  mlpStep: CaseResult & { shape: string };
}

const limits: SandboxLimits = { ...DEFAULT_LIMITS, timeoutMs: 3_600_000, cpuMs: 3_600_000, memoryMb: 256 };

async function openSandboxes(): Promise<{ isolate: PacketSession; child: PacketSession | null; close: () => void; kernel: () => Promise<string> }> {
  const scripts = { harness: await harnessScript(), driver: await driverScript(KERNELS) };
  const iso: SandboxTransport = await IsolateTransport.open(limits, scripts);
  let ch: SandboxTransport | null = null;
  try {
    ch = await ChildTransport.open(limits, scripts);
  } catch (e) {
    process.stderr.write(`runtime: the sandbox child could not start (${(e as Error).message}); measuring the in-process isolate only\n`);
  }
  const id = (s: string) => s;
  const isolate = new PacketSession(iso, id as never);
  const child = ch ? new PacketSession(ch, id as never) : null;
  return {
    isolate,
    child,
    close: () => {
      iso.dispose();
      ch?.dispose();
    },
    kernel: async () => "TypeScript in the host; WebAssembly f64x2 SIMD (lib/nd/gemm-wasm.ts, same results) in the isolate",
  };
}

async function timeCall(s: PacketSession, kind: string, iters: number): Promise<number> {
  const t0 = performance.now();
  const o = await s.call("driver:run", [kind, iters], {});
  const dt = performance.now() - t0;
  if (o.status !== "ok") throw new Error(`isolate kernel ${kind}: ${JSON.stringify(o)}`);
  return dt / iters;
}

function timeHost(kind: string, iters: number): number {
  const t0 = performance.now();
  K.run(null, kind, iters);
  return (performance.now() - t0) / iters;
}

// ---- tfjs versions of the same workloads ---------------------------------------------------------

type Tf = typeof TF;

function tfKernels(tf: Tf) {
  const made = new Map<string, () => void>();
  const f32 = (t: { data: Float64Array; shape: number[] }) => tf.tensor(Float32Array.from(t.data), t.shape, "float32");
  return (kind: string): (() => void) => {
    const key = `${tf.getBackend()}:${kind}`;
    let fn = made.get(key);
    if (fn) return fn;
    if (kind.startsWith("mm:")) {
      const [n, k, m] = kind.slice(3).split("x").map(Number) as [number, number, number];
      const { a, b } = K.matmulInputs(n, k, m);
      const ta = f32(a);
      const tb = f32(b);
      fn = () => {
        const c = tf.matMul(ta, tb);
        c.dataSync();
        c.dispose();
      };
    } else if (kind.startsWith("conv:")) {
      const layers = K.CONV_LAYERS.map((_, l) => {
        const { x, w } = K.convInputs(l);
        return { x: f32(x) as TF.Tensor4D, w: f32(w) as TF.Tensor4D };
      });
      fn = () => {
        for (const l of layers) {
          const y = tf.conv2d(l.x, l.w, 1, "valid");
          y.dataSync();
          y.dispose();
        }
      };
    } else if (kind === "mlp:step") {
      const init = K.mlpInitial();
      const x = f32(init.x);
      const onehot = tf.oneHot(tf.tensor1d(init.y, "int32"), 10).toFloat();
      const w = init.w.map((t) => tf.variable(f32(t)));
      const b = init.b.map((t) => tf.variable(f32(t)));
      const n = K.MLP_BATCH;
      fn = () => {
        const loss = tf.tidy(() => {
          const inputs: TF.Tensor[] = [];
          let h: TF.Tensor = x;
          for (let i = 0; i < w.length; i++) {
            inputs.push(h);
            let z = tf.add(tf.matMul(h, w[i]!), b[i]!);
            if (i < w.length - 1) z = tf.relu(z);
            h = z;
          }
          const logp = tf.logSoftmax(h);
          const lossT = tf.neg(tf.sum(tf.mul(logp, onehot))).div(n);
          let dy: TF.Tensor = tf.div(tf.sub(tf.exp(logp), onehot), n);
          for (let li = w.length - 1; li >= 0; li--) {
            const input = inputs[li]!;
            const dw = tf.matMul(input, dy, true, false);
            const db = tf.sum(dy, 0);
            if (li > 0) dy = tf.mul(tf.matMul(dy, w[li]!, false, true), tf.step(input));
            w[li]!.assign(tf.sub(w[li]!, tf.mul(dw, K.MLP_LR)));
            b[li]!.assign(tf.sub(b[li]!, tf.mul(db, K.MLP_LR)));
          }
          return lossT;
        });
        loss.dataSync();
        loss.dispose();
      };
    } else throw new Error(`unknown tf kernel ${kind}`);
    made.set(key, fn);
    return fn;
  };
}

function timeTf(fn: () => void, iters: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) fn();
  return (performance.now() - t0) / iters;
}

/** Iterations so that one measurement takes about `targetMs`. */
function itersFor(msPerOp: number, targetMs: number): number {
  return Math.max(1, Math.min(10_000, Math.round(targetMs / Math.max(1e-3, msPerOp))));
}

export async function runtimeBench(opts: { rounds: number; targetMs: number; log: (s: string) => void }): Promise<RuntimeReport> {
  const tf = (await referenceTf()) as unknown as Tf;
  const initialBackend = tf.getBackend();
  const tfk = tfKernels(tf);
  const sb = await openSandboxes();
  const kernelName = await sb.kernel().catch(() => "typescript");
  const kinds = [...K.MATMUL_SHAPES.map(([n, k, m]) => `mm:${n}x${k}x${m}`), "conv:loops", "conv:im2col", "mlp:step"];
  const samples: Record<string, Partial<Record<Variant, number[]>>> = {};
  const iters: Record<string, Partial<Record<Variant, number>>> = {};
  const backends: ["tfjsWasm" | "tfjsCpu", string][] = [
    ["tfjsWasm", "wasm"],
    ["tfjsCpu", "cpu"],
  ];
  try {
    // Warm-up and calibration: each variant once, then iterations for ~targetMs per sample.
    for (const kind of kinds) {
      const it: Partial<Record<Variant, number>> = {};
      timeHost(kind, 2);
      it.ndHost = itersFor(timeHost(kind, 2), opts.targetMs);
      await timeCall(sb.isolate, kind, 2);
      it.ndIsolate = itersFor(await timeCall(sb.isolate, kind, 2), opts.targetMs);
      if (sb.child) {
        await timeCall(sb.child, kind, 2);
        it.ndSandbox = itersFor(await timeCall(sb.child, kind, 2), opts.targetMs);
      }
      if (!kind.startsWith("conv:") || kind === "conv:loops") {
        for (const [v, be] of backends) {
          await tf.setBackend(be);
          const fn = tfk(kind);
          timeTf(fn, 2);
          it[v] = itersFor(timeTf(fn, 2), opts.targetMs);
        }
      }
      iters[kind] = it;
      samples[kind] = {};
    }
    // Checksums: the isolate computes what the host computes.
    for (const kind of kinds.filter((k) => k !== "mlp:step")) {
      const host = K.run(null, kind, 1);
      const o = await sb.isolate.call("driver:run", [kind, 1], {});
      if (o.status !== "ok" || o.value !== host) throw new Error(`runtime: ${kind} differs between the host (${host}) and the isolate (${JSON.stringify(o)})`);
    }
    for (let r = 0; r < opts.rounds; r++) {
      for (const kind of kinds) {
        const it = iters[kind]!;
        const s = samples[kind]!;
        const push = (v: Variant, x: number) => (s[v] ??= []).push(x);
        push("ndHost", timeHost(kind, it.ndHost!));
        push("ndIsolate", await timeCall(sb.isolate, kind, it.ndIsolate!));
        if (sb.child) push("ndSandbox", await timeCall(sb.child, kind, it.ndSandbox!));
        for (const [v, be] of backends) {
          if (it[v] === undefined) continue;
          await tf.setBackend(be);
          push(v, timeTf(tfk(kind), it[v]!));
        }
      }
      opts.log(`runtime: round ${r + 1}/${opts.rounds}`);
    }
  } finally {
    sb.close();
    await tf.setBackend(initialBackend);
  }
  const med = (kind: string): Partial<Record<Variant, number>> => {
    const out: Partial<Record<Variant, number>> = {};
    for (const [v, xs] of Object.entries(samples[kind]!)) out[v as Variant] = round(median(xs!), 4);
    return out;
  };
  // The learner's code runs in the sandbox child; fall back to the in-process isolate.
  const nd = (m: Partial<Record<Variant, number>>) => m.ndSandbox ?? m.ndIsolate!;
  const caseOf = (kind: string, tfKind = kind): CaseResult => {
    const ms = { ...med(kind) };
    const t = med(tfKind);
    ms.tfjsWasm = t.tfjsWasm;
    ms.tfjsCpu = t.tfjsCpu;
    return { ms, ratioVsTfjsWasm: round(ms.tfjsWasm! / nd(ms), 3), ratioVsTfjsCpu: round(ms.tfjsCpu! / nd(ms), 3) };
  };
  const shapes: RuntimeReport["matmul"]["shapes"] = {};
  let ndTotal = 0;
  let hostTotal = 0;
  let wasmTotal = 0;
  let cpuTotal = 0;
  for (const [n, k, m] of K.MATMUL_SHAPES) {
    const kind = `mm:${n}x${k}x${m}`;
    const c = caseOf(kind);
    const gflops: Partial<Record<Variant, number>> = {};
    for (const [v, t] of Object.entries(c.ms)) gflops[v as Variant] = round((2 * n * k * m) / (t! * 1e6), 2);
    shapes[`[${n},${k}]x[${k},${m}]`] = { ...c, gflops };
    ndTotal += nd(c.ms);
    hostTotal += c.ms.ndHost!;
    wasmTotal += c.ms.tfjsWasm!;
    cpuTotal += c.ms.tfjsCpu!;
  }
  return {
    note:
      "Median ms per op over interleaved rounds. nd is float64 (learner semantics), tfjs float32. ratio = tfjs time / nd time (above 1: nd is faster); " +
      "nd figures for the ratios are from inside the sandbox child's isolate (ndSandbox), where learner code runs. Matmul ratios are over the three MNIST-MLP shapes together (one forward pass).",
    ndKernel: kernelName,
    matmul: {
      ratioVsTfjsWasm: round(wasmTotal / ndTotal, 3),
      ratioVsTfjsCpu: round(cpuTotal / ndTotal, 3),
      hostRatioVsTfjsWasm: round(wasmTotal / hostTotal, 3),
      shapes,
    },
    conv2d: {
      loops: caseOf("conv:loops"),
      im2col: caseOf("conv:im2col", "conv:loops"),
      layers: K.CONV_LAYERS.map((l) => `x[${l.x}] * w[${l.w}]`).join(", then "),
    },
    mlpStep: { ...caseOf("mlp:step"), shape: `${K.MLP_SIZES.join("-")}, batch ${K.MLP_BATCH}, SGD` },
  };
}
