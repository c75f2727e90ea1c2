/**
 * Grade one learner file against one exercise, in this process: transpile, load into a fresh
 * isolate, run the checks against the tfjs reference, build the result JSON. The worker and the
 * CLI both come through here; the worker adds the second wall (a killable child process).
 */
import type { Exercise } from "./exercises.ts";
import type { GradeResult, TestResult } from "../lib/result.ts";
import { Learner } from "../lib/checks/learner.ts";
import { runChecks } from "../lib/checks/run.ts";
import { SandboxLimitError } from "../lib/checks/failure.ts";
import { transpileLearner } from "../lib/sandbox/transpile.ts";
import { driverScript, harnessScript } from "./sandbox/bundle.ts";
import { DEFAULT_LIMITS, IsolateTransport, type SandboxLimits } from "./sandbox/isolate-transport.ts";
import { PacketSession, type SandboxScripts, type SandboxTransport } from "../lib/sandbox/transport.ts";
import { boundedText } from "../lib/sandbox/transport.ts";
import { referenceTf } from "./reference/tf.ts";
import { MAX_CODE_BYTES, newHiddenSeed } from "./intake.ts";
import { randomBytes } from "node:crypto";
import { testTexts } from "../lib/result.ts";
import { textOf } from "../lib/messages/text.ts";
import { sandboxMessages, sandboxText } from "../lib/messages/sandbox-texts.ts";

export interface GradeOptions {
  /** Name shown in error positions (default solution.ts). */
  filename?: string;
  /** Seed for hidden cases; a fresh cryptographic one when omitted. */
  hiddenSeed?: string;
  /** Show hidden checks' full messages (instructors, validation). */
  revealHidden?: boolean;
  only?: "visible";
  /** Where learner code runs: in this process (default) or a child process (the worker's second wall). */
  openTransport?: (limits: SandboxLimits, scripts: SandboxScripts) => Promise<SandboxTransport>;
  /** Where details of an internal grader error go, for staff (default: this process's stderr, the worker's log). */
  logInternal?: (line: string) => void;
  /** Filled with this thread's CPU ms per phase (the bench's per-verdict breakdown). */
  phases?: GradePhases;
}

/**
 * CPU ms this thread spent per phase of one grading. The learner's code runs elsewhere (the
 * sandbox child; in process: inside `load` and `checks`); `checks` is the reference engine, the
 * checks' own logic and the encoding of values to and from the sandbox.
 */
export interface GradePhases {
  transpile: number;
  open: number;
  load: number;
  checks: number;
  finish: number;
}

const threadCpuMs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

/** Adds each phase's thread CPU to `into` (when given). */
function phaseClock(into: GradePhases | undefined) {
  let last = threadCpuMs();
  return (phase: keyof GradePhases) => {
    if (!into) return;
    const now = threadCpuMs();
    into[phase] += now - last;
    last = now;
  };
}

/** Characters of one test's output, of the result's message, and of stdout in a result. */
const RESULT_TEXT_LIMITS = { output: 8_000, message: 8_000, stdout: 70_000 };

/**
 * An internal error's learner-facing text: never its details (host paths, the Node version, a
 * stack), only a reference that staff find in the log with the details.
 */
function internalError(what: string, detail: unknown, opts: GradeOptions): string {
  const ref = randomBytes(4).toString("hex");
  const text = detail instanceof Error ? (detail.stack ?? detail.message) : String(detail);
  (opts.logInternal ?? ((line: string) => process.stderr.write(line + "\n")))(`[gradlab] internal grader error ${ref} (${what}): ${text}`);
  return sandboxMessages.internalError(what, ref);
}

/** The sandbox limits an exercise's submissions run under. */
export function sandboxLimits(ex: { meta: Pick<Exercise["meta"], "limits"> }): SandboxLimits {
  return { ...DEFAULT_LIMITS, timeoutMs: ex.meta.limits.timeoutMs, cpuMs: ex.meta.limits.cpuMs, memoryMb: ex.meta.limits.memoryMb };
}

function notRun(ex: Exercise, why: string, opts: GradeOptions): TestResult[] {
  return ex.suite.checks
    .filter((c) => opts.only !== "visible" || c.visibility === "visible")
    .map((c) => {
      const text = testTexts(why, undefined, undefined);
      return { name: c.name, score: 0, maxScore: c.points, status: "failed" as const, output: why, visibility: c.visibility, ...(text ? { text } : {}) };
    });
}

function finish(ex: Exercise, t0: number, seed: string, rawTests: TestResult[], status: GradeResult["status"] | undefined, rawStdout: string, rawMessage?: string): GradeResult {
  // The last bound before a result is stored or shown, whatever the checks put in their messages.
  const tests = rawTests.map((t) => ({
    ...t,
    output: boundedText(t.output, RESULT_TEXT_LIMITS.output),
    ...(t.hint !== undefined ? { hint: boundedText(t.hint, RESULT_TEXT_LIMITS.output) } : {}),
    ...(t.case !== undefined ? { case: boundedText(t.case, RESULT_TEXT_LIMITS.output) } : {}),
  }));
  const stdout = boundedText(rawStdout, RESULT_TEXT_LIMITS.stdout);
  const message = rawMessage === undefined ? undefined : boundedText(rawMessage, RESULT_TEXT_LIMITS.message);
  // Its key and values when it was made with `en` (a text cut to the bound has none: shown in English).
  const messageText = textOf(message);
  const score = Math.round(tests.reduce((s, t) => s + t.score, 0) * 1e6) / 1e6;
  const maxScore = tests.reduce((s, t) => s + t.maxScore, 0);
  return {
    exercise: ex.id,
    score,
    maxScore,
    status: status ?? (score === maxScore ? "passed" : "failed"),
    tests,
    stdout,
    durationMs: Math.round((performance.now() - t0) * 10) / 10,
    seed,
    version: ex.version,
    ...(message ? { message } : {}),
    ...(message && messageText ? { messageText } : {}),
  };
}

export async function gradeCode(ex: Exercise, code: string, opts: GradeOptions = {}): Promise<GradeResult> {
  const t0 = performance.now();
  const lap = phaseClock(opts.phases);
  const seed = opts.hiddenSeed ?? newHiddenSeed();
  const filename = opts.filename ?? "solution.ts";
  const fail = (status: GradeResult["status"], message: string) => finish(ex, t0, seed, notRun(ex, message, opts), status, "", message);
  // The sandbox's words come back as plain English when a child process wrote them: given their keys again.
  const limitFail = (e: SandboxLimitError, stdout: string) => {
    const why = sandboxText(e.message);
    return finish(ex, t0, seed, notRun(ex, why, opts), e.kind, stdout, why);
  };

  if (Buffer.byteLength(code, "utf8") > MAX_CODE_BYTES) {
    return fail("error", sandboxMessages.tooBig(String(Buffer.byteLength(code, "utf8")), String(MAX_CODE_BYTES)));
  }
  const compiled = await transpileLearner(code, filename);
  lap("transpile");
  if (!compiled.ok) return fail("error", sandboxMessages.doesNotCompile(compiled.message));
  // The reference engine (slow only in a fresh process) loads while the sandbox starts and runs
  // the learner's module (a child process, on the other core).
  const tfReady = referenceTf();
  tfReady.catch(() => {});

  const limits = sandboxLimits(ex);
  const open = opts.openTransport ?? IsolateTransport.open;
  let transport: SandboxTransport;
  try {
    const [harness, driver] = await Promise.all([harnessScript(), ex.files.driver ? driverScript(ex.files.driver) : undefined]);
    transport = await open(limits, { harness, driver });
  } catch (e) {
    if (e instanceof SandboxLimitError) return limitFail(e, "");
    throw e;
  }
  const session = new PacketSession(transport, compiled.mapLocation);
  lap("open");
  try {
    let loaded;
    try {
      loaded = await session.load(compiled.script);
    } catch (e) {
      if (e instanceof SandboxLimitError) return limitFail(e, await transport.logs());
      const why = internalError(sandboxMessages.whileLoading(), e, opts);
      return finish(ex, t0, seed, notRun(ex, why, opts), "error", "", why);
    }
    if (!loaded.ok) {
      const why = sandboxText(loaded.message);
      return finish(ex, t0, seed, notRun(ex, why, opts), "error", await transport.logs(), why);
    }
    const tf = await tfReady;
    lap("load");
    const run = await runChecks(ex.suite, { learner: new Learner(session), tf, hiddenSeed: seed, only: opts.only, revealHidden: opts.revealHidden });
    lap("checks");
    const stdout = await transport.logs();
    if (run.stopped) return finish(ex, t0, seed, run.tests, run.stopped.status, stdout, run.stopped.message);
    if (run.internalError) return finish(ex, t0, seed, run.tests, "error", stdout, internalError(sandboxMessages.whileChecking(), run.internalError, opts));
    return finish(ex, t0, seed, run.tests, undefined, stdout);
  } finally {
    transport.dispose();
    lap("finish");
  }
}
