/**
 * The grading thread (a worker_thread of a `gradlab worker` process): everything that touches a
 * submission's code or results runs here, so that however long it blocks, the process's main
 * thread keeps heartbeating the job's lease and can end the job at its wall budget (it then
 * terminates this thread, which also closes the sandbox child's channel: the child exits).
 */
import { parentPort } from "node:worker_threads";
import { loadCatalogue, refreshExercise, type Catalogue, type Exercise } from "../exercises.ts";
import { gradeCode, sandboxLimits, type GradePhases } from "../grade.ts";
import { referenceTf } from "../reference/tf.ts";
import { sharedChildPool, type ChildPool } from "../sandbox/child-pool.ts";
import { notGradedResult } from "../verdicts.ts";
import { verdictMessages } from "../../lib/messages/verdict-texts.ts";
import type { GradeReply, GradeRequest } from "./grading-thread.ts";
import type { GradeResult } from "../../lib/result.ts";
import { profileRecord, profiling, threadCpuMs } from "./profile-log.ts";

/**
 * Test hook: with GRADLAB_TEST_HOST_STALL_MS set, a submission whose code contains this marker
 * keeps this thread busy (synchronously) for that long after grading, as a huge result being
 * decoded would. Used by the stalled-worker tests; inert otherwise.
 */
const STALL_MARKER = "__gradlab_test_host_stall__";

function stallForTests(code: string): void {
  const ms = Number(process.env.GRADLAB_TEST_HOST_STALL_MS ?? 0);
  if (!(ms > 0) || !code.includes(STALL_MARKER)) return;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* blocks the thread, like heavy host-side work */
  }
}

/**
 * Start sandbox children for the limits most of the catalogue uses, so that the first
 * submissions after a start do not wait for one.
 */
export async function prewarmSandboxes(pool: ChildPool, catalogue: Catalogue, keys = 2): Promise<void> {
  const byKey = new Map<string, { limits: ReturnType<typeof sandboxLimits>; n: number }>();
  for (const ex of catalogue.exercises) {
    const limits = sandboxLimits(ex);
    const k = JSON.stringify(limits);
    const e = byKey.get(k) ?? { limits, n: 0 };
    e.n++;
    byKey.set(k, e);
  }
  const top = [...byKey.values()].sort((a, b) => b.n - a.n).slice(0, keys);
  // Least common first: the pool keeps the most recently used limits.
  for (const { limits } of top.reverse()) await pool.prewarm(limits);
}

async function grade(catalogue: Catalogue, req: GradeRequest): Promise<GradeReply> {
  const known = catalogue.exercises.find((e) => e.id === req.exerciseId);
  if (!known) {
    const message = verdictMessages.notInCatalogue(req.exerciseId);
    return { id: req.id, ok: true, result: notGradedResult(req.exerciseId, message) };
  }
  // Grade against the exercise as it is now (an instructor may have changed it: regrades).
  let ex: Exercise;
  try {
    ex = await refreshExercise(known);
  } catch (e) {
    return { id: req.id, ok: false, why: (e as Error).message, beforeLearnerCode: true };
  }
  if (ex !== known) catalogue.exercises[catalogue.exercises.indexOf(known)] = ex;
  if (req.expectedVersion && req.expectedVersion !== ex.version) {
    // Grading against other checks would give a verdict the course did not set: refuse the job (the
    // queue retries it, maybe on a worker that has the version; else it fails saying both).
    const why = `this worker's exercise '${ex.id}' is version ${ex.version}; the job needs version ${req.expectedVersion} (update the worker's GradLab checkout to the web server's)`;
    return { id: req.id, ok: false, why, beforeLearnerCode: true };
  }
  // The sandbox child may serve later submissions (in fresh isolates) only if this one ended cleanly.
  const sandboxes = sharedChildPool().submission();
  let clean = false;
  try {
    const phases: GradePhases | undefined = profiling() ? { transpile: 0, open: 0, load: 0, checks: 0, finish: 0 } : undefined;
    const cpu0 = phases ? threadCpuMs() : 0;
    const result = await gradeCode(ex, req.code, { hiddenSeed: req.hiddenSeed, revealHidden: true, openTransport: sandboxes.open, phases });
    clean = endedCleanly(result);
    if (phases) profileRecord("grading", { exercise: ex.id, cpuMs: threadCpuMs() - cpu0, gradingMs: result.durationMs, ...phases });
    stallForTests(req.code);
    return { id: req.id, ok: true, result };
  } catch (e) {
    return { id: req.id, ok: false, why: e instanceof Error ? e.message : String(e), beforeLearnerCode: false };
  } finally {
    sandboxes.settle(clean);
  }
}

/** A verdict on the learner's code with nothing abnormal: not a limit, a crash, nor an internal error (all `error`, `timeout`, `memory`). */
function endedCleanly(result: GradeResult): boolean {
  return result.status === "passed" || result.status === "failed";
}

const port = parentPort;
if (!port) throw new Error("grading-thread-main.ts runs as a worker thread (see grading-thread.ts)");
const catalogue = loadCatalogue();
void catalogue.then((c) => prewarmSandboxes(sharedChildPool(), c)).catch(() => {
  /* the first submission then starts its own sandbox child */
});
// Ready (the wall budget of the first job starts) once the catalogue and the reference engine are loaded.
void Promise.all([catalogue, referenceTf()]).then(
  () => port.postMessage("ready"),
  () => port.postMessage("ready"), // each job then reports what failed to load
);
port.on("message", (req: GradeRequest) => {
  void catalogue
    .then((c) => grade(c, req))
    .then(
      (reply) => port.postMessage(reply),
      (e: unknown) => port.postMessage({ id: req.id, ok: false, why: `the grading thread could not start: ${(e as Error).message}`, beforeLearnerCode: true } satisfies GradeReply),
    );
});
