/** Messages between the page, the Run worker and the learner's sandbox worker. */
import type { GradeResult } from "../../lib/result.ts";
import type { EsbuildOutput } from "../../lib/sandbox/transpile.ts";
import type { StaticUrls } from "./static-urls.ts";

export type Backend = "webgpu" | "webgl" | "wasm" | "cpu";
export const BACKENDS: readonly Backend[] = ["webgpu", "webgl", "wasm", "cpu"];

export function isBackend(v: unknown): v is Backend {
  return typeof v === "string" && (BACKENDS as readonly string[]).includes(v);
}

/**
 * The Run worker's URL for an exercise page whose query is `pageSearch`: `?backend=webgl` (or
 * webgpu, wasm, cpu) on the page asks Run to use that tfjs backend when it works here (for tests,
 * and for learners who want to compare); anything else is ignored. With the build's hashed URLs
 * (`assets`), the worker's own hashed name (cached for good) and its WebAssembly's URLs.
 */
export function runWorkerUrl(pageSearch: string, assets?: StaticUrls | null): string {
  const wanted = new URLSearchParams(pageSearch).get("backend");
  const q = new URLSearchParams();
  if (assets) {
    q.set("esbuild", assets.esbuildWasm);
    q.set("tfjs", assets.tfjs);
  }
  if (isBackend(wanted)) q.set("backend", wanted);
  const query = q.toString();
  return `${assets?.runWorker ?? "/gradlab/run/run-worker.js"}${query ? `?${query}` : ""}`;
}

/**
 * The code the page opens with, transpiled by the server (the same esbuild as the browser's): a Run
 * of that code needs no transpiler in the browser yet (esbuild-wasm is ready ~2 s into a visit).
 */
export type RunSeed = EsbuildOutput & { code: string };

/**
 * Page → Run worker. "prepare" (on page load) fetches the checks and readies a sandbox ahead of the
 * first Run; `seed`, when the page has one, is the transpiled code it opens with.
 */
export type RunRequest =
  | { type: "run"; runId: number; exerciseId: string; code: string; timeoutMs: number; hasDriver: boolean }
  | { type: "prepare"; exerciseId: string; timeoutMs: number; hasDriver: boolean; seed?: RunSeed }
  /**
   * The editor is up: warm the transpiler up now (after, not during, the editor's start on a shared
   * CPU), on the code in the editor (a Run of it unchanged then finds it transpiled).
   */
  | { type: "warm"; code?: string }
  /** Stop that run now: its sandbox is ended, checks not yet run are reported as not run. */
  | { type: "stop"; runId: number };

/**
 * When the Run worker had evaluated its code, heard the GPU's adapter answer, probed WebGL (absent:
 * not probed) and picked its backend, ms from its start (for bench/page-open.ts).
 */
export type ReadyTimes = { evaluated: number; adapter?: number; webgl?: number; picked: number };

/**
 * A Run's time by phase, ms: waiting for the backend, for the transpiler (and for the exercise's
 * checks, when they were not loaded yet), the transform, the sandbox, then loading the learner's
 * module and the checks.
 */
export type RunPhases = { backend: number; transpiler: number; transpile: number; sandbox: number; load: number; checks: number };

/** Run worker → page. */
export type RunReply =
  /** `requested`: the page's ?backend=; `unavailable`: why that one is not the one in use. */
  | { type: "ready"; backend: Backend; requested?: Backend; unavailable?: string; at?: ReadyTimes }
  /**
   * While a run goes on: `done` of `total` checks finished, the one running, and the lines the
   * learner's code logged since the last progress message (live, as it runs).
   */
  | { type: "progress"; runId: number; done?: number; total?: number; check?: string; lines?: string[] }
  /** `phases`: where the run's `ms` went, ms each, in order (for bench/page-open.ts). */
  | { type: "result"; runId: number; result: GradeResult & { backend: Backend }; ms: number; phases?: RunPhases }
  | { type: "failed"; runId: number; message: string };

/** Run worker → sandbox worker (and the reply carries the same id). */
export type SandboxRequest =
  /** The harness's and the driver's code as text: the sandbox loads them from Blob URLs and then cuts its network. */
  | { id: number; op: "init"; harness: string; driver?: string; maxLog: number }
  | { id: number; op: "load"; script: string }
  | { id: number; op: "call"; name: string; json: string; buffers: ArrayBuffer[]; keep: boolean; returnArgs: boolean }
  | { id: number; op: "put"; json: string; buffers: ArrayBuffer[] }
  | { id: number; op: "get"; handle: number }
  | { id: number; op: "logs" };

/** `ms`: how long the request ran in the sandbox worker, by its own clock (what the learner's time budget is charged). */
export type SandboxReply =
  /** Lines the learner's code logged while a request still runs (no id: not a reply). */
  | { id?: undefined; live: string[] }
  | { id: number; ok: true; value: unknown; ms: number }
  | { id: number; ok: false; error: { message: string; stack: string }; ms: number };
