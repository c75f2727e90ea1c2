/**
 * The browser's Run (loaded by the worker's entry, app/_run/run-worker.ts): the tfjs reference on
 * the best backend available (webgpu, webgl, wasm, cpu), the exercise's checks (visible ones only:
 * hidden ones are skipped) and the same check runner as the server. The learner's code is
 * transpiled here (esbuild-wasm) and runs in a sandbox worker of its own, behind the same packet
 * transport as on the server. Nothing here talks to the server beyond fetching these files (same
 * origin, with the session cookie: app/gradlab/run/[...path]/route.ts serves them to who may open
 * the exercise).
 */
import { tf, loadGpuBackend, withLayers } from "./tf-run.ts";
import { USES_TF_LAYERS } from "./layers-use.ts";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { initialize } from "esbuild-wasm";
import { seedTranspiled, transpiledAlready, transpileLearner } from "../../lib/sandbox/transpile.ts";
import { PacketSession, type LoadOutcome, type SandboxTransport } from "../../lib/sandbox/transport.ts";
import type { WirePacket } from "../../lib/wire.ts";
import { Learner } from "../../lib/checks/learner.ts";
import { runChecks } from "../../lib/checks/run.ts";
import { CheckFailure, SandboxLimitError } from "../../lib/checks/failure.ts";
import type { CheckSuite } from "../../lib/checks/define.ts";
import type { GradeResult, TestResult } from "../../lib/result.ts";
import { isBackend, type Backend, type ReadyTimes, type RunPhases, type RunReply, type RunRequest, type RunSeed, type SandboxReply, type SandboxRequest } from "./protocol.ts";
import { takeHostOnlyUse } from "./host-only.ts";
import { takePracticeUse } from "./practice-note.ts";
import { LearnerBudget } from "./learner-budget.ts";
import { sandboxMessages, sandboxText } from "../../lib/messages/sandbox-texts.ts";
import { textOf } from "../../lib/messages/text.ts";
import { runText, type RunNotes, type RunText } from "./run-texts.ts";
import { pickBackend, probeGpu, watchHealth, type GpuProbes } from "./pick-backend.ts";
import { isAssetPath, type StaticUrls } from "./static-urls.ts";

/** This module's imports (tfjs, esbuild-wasm's loader, the checks) are evaluated: ms from the worker's start. */
const evaluatedAt = performance.now();
/** The worker's own script (/gradlab/run/run-worker.<hash>.js): what the Run files' paths are relative to (this module is a chunk below it). */
const here = self.location.href;
const base = new URL("..", here); // /gradlab/
const post = (m: RunReply) => (self as unknown as Worker).postMessage(m);

const params = new URL(here).searchParams;
/** The page's ?backend= (app/_run/protocol.ts runWorkerUrl), when it names one. */
const requested = ((b) => (isBackend(b) ? b : undefined))(params.get("backend"));

/**
 * The hashed URLs of the transpiler's and tfjs's WebAssembly: from this worker's URL (the page
 * puts them there: no request), else from the build's manifest.
 */
const wasmUrls: Promise<{ esbuild: string; tfjs: string }> = (async () => {
  const [esbuild, tfjsDir] = [params.get("esbuild"), params.get("tfjs")];
  if (isAssetPath(esbuild) && isAssetPath(tfjsDir)) return { esbuild, tfjs: tfjsDir };
  const urls = ((await (await fetch(new URL("manifest.json", base))).json()) as { static: StaticUrls }).static;
  return { esbuild: urls.esbuildWasm, tfjs: urls.tfjs };
})();

/** Pick (again, after a lost GPU device: then with fresh probes) the backend and say which to the page. */
async function choose(given?: GpuProbes): Promise<{ backend: Backend; healthy: () => boolean }> {
  setWasmPaths(new URL((await wasmUrls).tfjs, base).href);
  const probes = given ?? probeGpu();
  const at: ReadyTimes = { evaluated: Math.round(evaluatedAt), picked: 0 };
  void probes.adapter.then(() => (at.adapter = Math.round(performance.now())), () => {});
  const timed: GpuProbes = { adapter: probes.adapter, softwareGl: () => { const soft = probes.softwareGl(); at.webgl ??= Math.round(performance.now()); return soft; } };
  const choice = await pickBackend(tf, { requested, loadGpu: loadGpuBackend, probes: timed });
  at.picked = Math.round(performance.now());
  post({ type: "ready", ...choice, at });
  return { backend: choice.backend, healthy: watchHealth(tf, choice.backend) };
}

/**
 * What the transpiler's warm-up compiles when the editor is empty or its code is transpiled already
 * (the server's seed; else it is the editor's code): the kinds of syntax a learner's module has.
 * esbuild's first transform in a page costs ~1-2 s of CPU (its Go runtime's first use, V8
 * compiling its WebAssembly functions as they are first called) unless Chromium had kept the
 * tiered-up code from an earlier visit; doing it once the page has hydrated and heard "ready" (the
 * page's "warm": the learner's code is on screen in the plain editor by then, and Monaco loads
 * later) keeps that out of the first Run without delaying the page (on 2 cores, warming during the
 * page's load made the editor 2-3 s later). It also tiers the code up early, so Chromium caches it
 * for the next visit.
 */
const WARM_UP_SOURCE = `import { Tensor, zeros, matmul } from "gradlab/nd";
export interface Layer { forward(x: Tensor): Tensor; params?: Tensor[] }
type Shape = readonly number[];
export class Dense implements Layer {
  #w: Tensor; private readonly b: Tensor | null = null;
  constructor(public inFeatures: number, outFeatures: number, bias = true) { this.#w = zeros([inFeatures, outFeatures]); if (bias) this.b = zeros([outFeatures]); }
  forward(x: Tensor): Tensor { const y = matmul(x, this.#w); return this.b ? y.add(this.b) : y; }
}
export function sizes<T extends { shape: Shape }>(xs: T[], k = 2): Map<string, number> {
  const m = new Map<string, number>();
  for (const [i, x] of xs.entries()) { m.set(\`\${i}:\${x.shape.join("x")}\`, x.shape.reduce((a, b) => a * b, 1) ** k); }
  return m;
}
export const relu = (x: Tensor): Tensor => x.maximum?.(0) ?? x;
`;

/** The backend picked (set by start()). */
let current: Promise<{ backend: Backend; healthy: () => boolean }>;

/** The backend to compute on now: the one picked, unless it stopped working since. */
async function ready(): Promise<Backend> {
  const now = await current;
  if (now.healthy()) return now.backend;
  current = choose();
  return (await current).backend;
}

/**
 * The sandbox worker behind the packet transport, with the exercise's time budget: charged only
 * for the time the learner's code runs (app/_run/learner-budget.ts), never for the reference's
 * work between calls nor for starting the sandbox.
 */
class WorkerTransport implements SandboxTransport {
  private worker: Worker;
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown, ms: number) => void; reject: (e: unknown, ms: number) => void }>();
  private budget: LearnerBudget;
  private dead: SandboxLimitError | undefined;
  /** Lines the learner's code logs while a request runs. */
  onLive: ((lines: string[]) => void) | undefined;
  /** Set when the learner pressed Stop. */
  stoppedByUser = false;
  private readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
    this.budget = new LearnerBudget(timeoutMs);
    this.worker = new Worker(new URL("sandbox-worker.js", here));
    this.worker.onmessage = (ev: MessageEvent<SandboxReply>) => {
      if (ev.data.id === undefined) {
        if (Array.isArray(ev.data.live)) this.onLive?.(ev.data.live.filter((l): l is string => typeof l === "string").slice(-50));
        return;
      }
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      this.pending.delete(ev.data.id);
      if (ev.data.ok) p.resolve(ev.data.value, ev.data.ms);
      else p.reject(Object.assign(new Error(ev.data.error.message), { sandboxError: ev.data.error }), ev.data.ms);
    };
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      for (const p of this.pending.values()) p.reject(new Error(ev.message || "the sandbox worker crashed"), 0);
      this.pending.clear();
    };
  }

  /** One request to the sandbox; `charged` (all but init) counts against the learner's budget. */
  private request<T>(m: WithoutId<SandboxRequest>, transfer: Transferable[] = [], charged = true): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const left = charged ? this.budget.left() : this.timeoutMs;
    const id = this.next++;
    const sent = performance.now();
    const settle = (ms: number) => charged && this.budget.charge(performance.now() - sent, ms);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.dead = new SandboxLimitError("timeout", sandboxMessages.timeLimit((this.timeoutMs / 1000).toFixed(1)));
        this.worker.terminate();
        this.pending.delete(id);
        reject(this.dead);
      }, Math.max(1, left));
      this.pending.set(id, {
        resolve: (v, ms) => (clearTimeout(timer), settle(ms), resolve(v as T)),
        reject: (e, ms) => (clearTimeout(timer), settle(ms), reject(e)),
      });
      this.worker.postMessage({ ...m, id }, transfer);
    });
  }

  /** The learner pressed Stop: end the sandbox now; what is pending fails as a stop. */
  stop(): void {
    this.stoppedByUser = true;
    this.dead = new SandboxLimitError("timeout", STOPPED.en);
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(this.dead, 0);
    this.pending.clear();
  }

  async init(hasDriver: boolean, exerciseId: string): Promise<unknown> {
    const [harness, driver] = await Promise.all([scriptText("harness.js"), hasDriver ? scriptText(`drivers/${exerciseId}.js`) : undefined]);
    return this.request({ op: "init", harness, driver, maxLog: 64 * 1024 }, [], false);
  }

  async load(script: string): Promise<LoadOutcome> {
    try {
      return { ok: true, exportsJson: await this.request<string>({ op: "load", script }) };
    } catch (e) {
      if (e instanceof SandboxLimitError) throw e;
      const err = (e as { sandboxError?: { message: string; stack: string } }).sandboxError ?? { message: String((e as Error).message), stack: "" };
      return { ok: false, error: err };
    }
  }
  call(name: string, packet: WirePacket, keep: boolean, returnArgs: boolean): Promise<WirePacket> {
    return this.request({ op: "call", name, json: packet.json, buffers: packet.buffers, keep, returnArgs }, packet.buffers);
  }
  put(packet: WirePacket): Promise<number> {
    return this.request({ op: "put", json: packet.json, buffers: packet.buffers }, packet.buffers);
  }
  get(id: number): Promise<WirePacket> {
    return this.request({ op: "get", handle: id });
  }
  async logs(): Promise<string> {
    if (this.dead) return "";
    try {
      return await this.request<string>({ op: "logs" });
    } catch {
      return "";
    }
  }
  dispose(): void {
    this.worker.terminate();
  }
}

const STOPPED = runText("stopped");

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** The sandbox's trusted scripts, fetched here (the sandbox itself has no network). */
const scripts = new Map<string, Promise<string>>();
function scriptText(path: string): Promise<string> {
  let p = scripts.get(path);
  if (!p) {
    p = fetch(new URL(path, here)).then((r) => {
      if (!r.ok) throw new Error(`${path}: the server answered ${r.status}${r.status === 401 ? " (signed out? reload the page)" : ""}`);
      return r.text();
    });
    p.catch(() => scripts.delete(path));
    scripts.set(path, p);
  }
  return p;
}

const PRACTICE_NOTE = runText("practice");
const DIAGNOSIS_ON_SUBMIT = runText("diagnosisOnSubmit");
const NEEDS_REFERENCE = runText("needsReference");
const NOT_RUN_STOPPED = runText("notRunStopped");

/** A check whose output is one of Run's own texts carries its key (the panel shows it in the reader's language). */
function keyed(t: TestResult, said: RunText): TestResult {
  return { ...t, output: said.en, text: { ...t.text, message: said.text } };
}

/**
 * The suite with each check noting whether it asked a server-only module (a reference or a
 * mistake simulator: a stub here, which answers only the calls recorded from the solution's
 * visible run) for something it had no recording of; such failed checks then point to Submit.
 */
function withDiagnosisNotes(suite: CheckSuite): { suite: CheckSuite; annotate(tests: TestResult[]): TestResult[] } {
  const wanted = new Set<string>();
  const practiced = new Set<string>();
  const checks = suite.checks.map((c) => ({
    ...c,
    run: async (ctx: Parameters<typeof c.run>[0]) => {
      takeHostOnlyUse();
      takePracticeUse();
      try {
        return await c.run(ctx);
      } catch (e) {
        // A check that got no answer from the server's reference for these values cannot go on here.
        if (!(e instanceof CheckFailure) && !(e instanceof SandboxLimitError) && takeHostOnlyUse()) {
          wanted.add(c.name);
          throw new CheckFailure(NEEDS_REFERENCE.en);
        }
        throw e;
      } finally {
        if (takeHostOnlyUse()) wanted.add(c.name);
        if (takePracticeUse()) practiced.add(c.name);
      }
    },
  }));
  return {
    suite: { ...suite, checks },
    // Notes go beside the output, not into it: the output's message, case and hint stay whole (and translatable).
    annotate: (tests) =>
      tests.map((t): TestResult & RunNotes => {
        const own = t.status === "failed" && t.output === NEEDS_REFERENCE.en ? keyed(t, NEEDS_REFERENCE) : t;
        const notes = [...(t.status === "failed" && wanted.has(t.name) ? [DIAGNOSIS_ON_SUBMIT] : []), ...(practiced.has(t.name) ? [PRACTICE_NOTE] : [])];
        return notes.length ? { ...own, notes } : own;
      }),
  };
}

const suites = new Map<string, Promise<CheckSuite>>();
function suiteOf(id: string): Promise<CheckSuite> {
  let s = suites.get(id);
  if (!s) {
    // A suite whose bundle uses tfjs-layers says so (app/_run/layers-use.ts).
    s = import(/* @vite-ignore */ new URL(`checks/${id}.js`, here).href).then(async (m: { default: CheckSuite; [USES_TF_LAYERS]?: boolean }) => {
      if (m[USES_TF_LAYERS] === true) await withLayers();
      return m.default;
    });
    suites.set(id, s);
  }
  return s;
}

/** `message`: English, its key found from how it was made (en`…`), or given with it (Run's own texts). */
function finish(exercise: string, tests: TestResult[], stdout: string, t0: number, backend: Backend, status?: GradeResult["status"], message?: string | RunText): GradeResult & { backend: Backend } {
  const score = Math.round(tests.reduce((s, t) => s + t.score, 0) * 1e6) / 1e6;
  const maxScore = tests.reduce((s, t) => s + t.maxScore, 0);
  const english = typeof message === "string" ? message : message?.en;
  const messageText = typeof message === "string" ? textOf(message) : message?.text;
  return { exercise, score, maxScore, status: status ?? (score === maxScore ? "passed" : "failed"), tests, stdout, durationMs: Math.round(performance.now() - t0), backend, ...(english ? { message: english } : {}), ...(messageText ? { messageText } : {}) };
}

/** A sandbox worker started and initialised ahead of the next Run (one learner module each). */
let spare: { key: string; transport: WorkerTransport; ready: Promise<unknown> } | undefined;

function prepare(req: { exerciseId: string; timeoutMs: number; hasDriver: boolean }): void {
  void suiteOf(req.exerciseId).catch(() => {});
  const key = `${req.exerciseId}:${req.timeoutMs}:${req.hasDriver}`;
  if (spare?.key === key) return;
  spare?.transport.dispose();
  const transport = new WorkerTransport(req.timeoutMs);
  spare = { key, transport, ready: transport.init(req.hasDriver, req.exerciseId) };
  spare.ready.catch(() => {});
}

/** The prepared sandbox when it fits this run, else a new one (run() prepares the next once it ends). */
async function takeSandbox(req: { exerciseId: string; timeoutMs: number; hasDriver: boolean }): Promise<WorkerTransport> {
  const key = `${req.exerciseId}:${req.timeoutMs}:${req.hasDriver}`;
  let mine: WorkerTransport | undefined;
  if (spare?.key === key) {
    const s = spare;
    spare = undefined;
    try {
      await s.ready;
      mine = s.transport;
    } catch {
      s.transport.dispose();
    }
  }
  if (!mine) {
    mine = new WorkerTransport(req.timeoutMs);
    await mine.init(req.hasDriver, req.exerciseId);
  }
  return mine;
}

/** The run going on now, for Stop. */
let active: { runId: number; transport?: WorkerTransport; stopped: boolean } | undefined;

function settles(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
/** Settles when the current (or next) Run ends. */
let runEnded = settles();
/** When the page opened with code the server transpiled and no Run came, the sample warms esbuild up this long after "warm". */
const SAMPLE_WARM_UP_AFTER_MS = 1000;

type Progress = Omit<Extract<RunReply, { type: "progress" }>, "type" | "runId">;

/** The suite with each check reporting when it starts and ends (the page's progress bar). */
function withProgress(suite: CheckSuite, report: (p: Progress) => void): CheckSuite {
  const total = suite.checks.length;
  let done = 0;
  return {
    ...suite,
    checks: suite.checks.map((c) => ({
      ...c,
      run: async (ctx: Parameters<typeof c.run>[0]) => {
        report({ done, total, check: c.name });
        try {
          return await c.run(ctx);
        } finally {
          report({ done: ++done, total });
        }
      },
    })),
  };
}

/** Where a run's time goes: each call ends the phase named (from the end of the previous one). */
function phaseClock(): { phases: RunPhases; end(phase: keyof RunPhases): void } {
  const phases: RunPhases = { backend: 0, transpiler: 0, transpile: 0, sandbox: 0, load: 0, checks: 0 };
  let last = performance.now();
  return {
    phases,
    end(phase) {
      const now = performance.now();
      phases[phase] = Math.round(now - last);
      last = now;
    },
  };
}

async function run(req: Extract<RunRequest, { type: "run" }>, report: (p: Progress) => void, clock = phaseClock()): Promise<GradeResult & { backend: Backend }> {
  const backend = await ready();
  clock.end("backend");
  const t0 = performance.now();
  const suite = await suiteOf(req.exerciseId);
  const visible = suite.checks.filter((c) => c.visibility === "visible");
  const notRun = (why: string): TestResult[] => visible.map((c) => {
    const text = textOf(why);
    return { name: c.name, score: 0, maxScore: c.points, status: "failed", output: why, visibility: "visible", ...(text ? { text: { message: text } } : {}) };
  });
  // Code transpiled already (the page's seed, the warm-up, an earlier Run) needs no transpiler.
  const done = transpiledAlready(req.code);
  if (!done) await transpiler;
  clock.end("transpiler");
  const compiled = await (done ?? transpileLearner(req.code, "solution.ts"));
  clock.end("transpile");
  if (!compiled.ok) {
    const why = sandboxMessages.doesNotCompile(compiled.message);
    return finish(req.exerciseId, notRun(why), "", t0, backend, "error", why);
  }
  const transport = await takeSandbox(req);
  clock.end("sandbox");
  if (active?.runId === req.runId) {
    active.transport = transport;
    if (active.stopped) transport.stop();
  }
  transport.onLive = (lines) => report({ lines });
  try {
    const session = new PacketSession(transport, compiled.mapLocation);
    let loaded;
    try {
      loaded = await session.load(compiled.script);
      clock.end("load");
    } catch (e) {
      if (e instanceof SandboxLimitError) return finish(req.exerciseId, notRun(e.message), "", t0, backend, e.kind, e.message);
      throw e;
    }
    if (!loaded.ok) {
      // The session's English (a module that threw, a forbidden import) given its key where the sandbox's words are known.
      const why = sandboxText(loaded.message);
      return finish(req.exerciseId, notRun(why), await transport.logs(), t0, backend, "error", why);
    }
    const noted = withDiagnosisNotes(suite);
    const out = await runChecks(withProgress(noted.suite, report), { learner: new Learner(session), tf, hiddenSeed: "browser-run", only: "visible" });
    clock.end("checks");
    out.tests = noted.annotate(out.tests);
    if (transport.stoppedByUser) {
      const tests = out.tests.map((t) => (t.status === "failed" && /^Not run: grading stopped/.test(t.output) ? keyed(t, NOT_RUN_STOPPED) : t.status === "failed" && t.output === STOPPED.en ? keyed(t, STOPPED) : t));
      return finish(req.exerciseId, tests, "", t0, backend, "failed", runText("stoppedRest"));
    }
    const stdout = await transport.logs();
    if (out.stopped) return finish(req.exerciseId, out.tests, stdout, t0, backend, out.stopped.status, out.stopped.message);
    if (out.internalError) return finish(req.exerciseId, out.tests, stdout, t0, backend, "error", runText("internalError", out.internalError));
    return finish(req.exerciseId, out.tests, stdout, t0, backend);
  } finally {
    transport.dispose();
    // The next Run's sandbox starts now, not during this Run: its start (~0.3-0.5 s of CPU) would compete with this one.
    prepare(req);
  }
}

/** The transpiler started (set by start()). */
let transpiler: Promise<unknown>;

/**
 * Called by the worker's entry once this module is evaluated: picks the backend with the GPU's
 * answer the entry asked for, takes the transpiler the entry started (else starts it after the
 * pick), and handles the page's messages from now on, the ones that came while this module
 * loaded first.
 */
export function start(probes: GpuProbes, early: MessageEvent<RunRequest>[], started?: Promise<void>): void {
  current = choose(probes);
  transpiler = started ?? current.catch(() => {}).then(() => wasmUrls).then((u) => initialize({ wasmURL: new URL(u.esbuild, base).href, worker: true }));
  self.onmessage = onMessage;
  for (const ev of early) void onMessage(ev);
}

const isSeed = (s: unknown): s is RunSeed => {
  const o = s as Partial<RunSeed> | undefined;
  return !!o && typeof o.code === "string" && typeof o.js === "string" && typeof o.map === "string";
};

async function onMessage(ev: MessageEvent<RunRequest>): Promise<void> {
  const req = ev.data;
  if (req.type === "prepare") {
    // The page's code as the server transpiled it: kept as the transpiler's own result for that code.
    if (isSeed(req.seed)) seedTranspiled(req.seed.code, req.seed, "solution.ts");
    // Its checks (and tfjs-layers, when they use them) load once the backend is picked, not during
    // the pick: on the same thread they held up "ready" by 0.1-0.3 s (measured, session 9).
    await current;
    prepare(req);
    return;
  }
  if (req.type === "warm") {
    const given = typeof req.code === "string" && req.code.trim() ? req.code : undefined;
    // The editor's code already transpiled (the page's seed) needs no warm-up of its own: the
    // sample then readies esbuild for the learner's first edit, after the first Run (on the same
    // cores it would slow that Run's checks) or a moment after the page is ready.
    const seeded = given !== undefined && !!transpiledAlready(given);
    await transpiler;
    if (seeded) {
      await Promise.race([runEnded.promise, new Promise((r) => setTimeout(r, SAMPLE_WARM_UP_AFTER_MS))]);
      while (active) await runEnded.promise;
    }
    // Not awaited by anything: a Run's own transform simply queues behind it, or, on the same code
    // (a Run before any edit), is this one (transpileLearner keeps results by content).
    void (given && !seeded ? transpileLearner(given, "solution.ts") : transpileLearner(WARM_UP_SOURCE, "warm-up.ts")).catch(() => {});
    return;
  }
  if (req.type === "stop") {
    if (active?.runId !== req.runId) return;
    active.stopped = true;
    active.transport?.stop();
    return;
  }
  if (req.type !== "run") return;
  const t0 = performance.now();
  active = { runId: req.runId, stopped: false };
  try {
    const clock = phaseClock();
    const result = await run(req, (p) => post({ type: "progress", runId: req.runId, ...p }), clock);
    post({ type: "result", runId: req.runId, result, ms: Math.round(performance.now() - t0), phases: clock.phases });
  } catch (e) {
    post({ type: "failed", runId: req.runId, message: e instanceof Error ? e.message : String(e) });
  } finally {
    if (active?.runId === req.runId) active = undefined;
    runEnded.resolve();
    runEnded = settles();
  }
}
