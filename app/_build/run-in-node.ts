/**
 * Bundled together with one exercise's visible checks (app/_build/run-assets.ts) and run in Node:
 * the checks, the check runner, nd and the wire decoder all come from the bundle, as in the
 * browser's Run worker, and talk to a sandbox transport opened outside (packets only cross).
 * The build runs it to record the host calls of the solution's visible run and to check that the
 * Run bundle replays them; tests run it with wrong submissions for parity with the server.
 */
import { Learner } from "../../lib/checks/learner.ts";
import { runChecks } from "../../lib/checks/run.ts";
import type { CheckSuite } from "../../lib/checks/define.ts";
import type { Tf } from "../../lib/checks/tf.ts";
import type { TestResult } from "../../lib/result.ts";
import { PacketSession, type SandboxTransport } from "../../lib/sandbox/transport.ts";
import { takeHostMisses, takeRecordings, type HostTable } from "../_run/host-calls.ts";
import { takeHostOnlyUse } from "../_run/host-only.ts";

export interface NodeRun {
  /** undefined when the learner's module did not load (then `loadError`). */
  tests?: TestResult[];
  loadError?: string;
  internalError?: string;
  stopped?: string;
  /** Host calls with no recording, per check (replay bundles). */
  misses: Record<string, string[]>;
  /** What the real host modules answered (recording bundles). */
  recorded: { tables: Map<string, HostTable>; unrecordable: string[] };
}

export async function runVisibleInNode(
  suite: CheckSuite,
  transport: SandboxTransport,
  compiled: { script: string; mapLocation: (stack: string) => string | undefined },
  tf: Tf,
): Promise<NodeRun> {
  const misses: Record<string, string[]> = {};
  const session = new PacketSession(transport, compiled.mapLocation);
  const loaded = await session.load(compiled.script);
  if (!loaded.ok) return { loadError: loaded.message, misses, recorded: takeRecordings() };
  takeHostMisses();
  takeHostOnlyUse();
  const checks = suite.checks.map((c) => ({
    ...c,
    run: async (ctx: Parameters<typeof c.run>[0]) => {
      try {
        return await c.run(ctx);
      } finally {
        const m = takeHostMisses();
        takeHostOnlyUse();
        if (m.length) misses[c.name] = [...new Set(m)];
      }
    },
  }));
  const out = await runChecks({ ...suite, checks }, { learner: new Learner(session), tf, hiddenSeed: "browser-run", only: "visible" });
  return { tests: out.tests, internalError: out.internalError, stopped: out.stopped?.message, misses, recorded: takeRecordings() };
}
