/** Messages between the page, the Run worker and the learner's sandbox worker. */
import type { GradeResult } from "../../lib/result.ts";

export type Backend = "webgpu" | "webgl" | "wasm" | "cpu";

/** Page → Run worker. "prepare" (on page load) fetches the checks and readies a sandbox ahead of the first Run. */
export type RunRequest =
  | { type: "run"; runId: number; exerciseId: string; code: string; timeoutMs: number; hasDriver: boolean }
  | { type: "prepare"; exerciseId: string; timeoutMs: number; hasDriver: boolean };

/** Run worker → page. */
export type RunReply =
  | { type: "ready"; backend: Backend }
  | { type: "result"; runId: number; result: GradeResult & { backend: Backend }; ms: number }
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

export type SandboxReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { message: string; stack: string } };
