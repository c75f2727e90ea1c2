// The red team: hostile submissions through the real path (a sandbox child process under
// bubblewrap and rlimits, driven by this process as the trusted worker). None may pass; each is
// stopped within its limits plus a margin; a correct submission right after still gets full marks.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { gradeCode } from "../../grader/grade.ts";
import { ChildTransport, detectContainment, WATCHDOG_GRACE_MS } from "../../grader/sandbox/child-transport.ts";
import type { Exercise } from "../../grader/exercises.ts";
import { exercise } from "../helpers.ts";
import { ATTACKS } from "./attacks.ts";
import type { GradeResult } from "../../lib/result.ts";

const LIMITS = { timeoutMs: 1500, memoryMb: 64 };
const MARGIN_MS = 8_000; // child start-up, tfjs reference work and a loaded 2-core machine
/** A stored result stays small whatever the code returned (an honest one is a few KB). */
const MAX_RESULT_CHARS = 100_000;
const timings: { attack: string; status: string; ms: number; resultChars: number }[] = [];

/** Everything a learner reads of a result. */
function learnerText(r: GradeResult): string {
  return [r.message ?? "", r.stdout, ...r.tests.map((t) => t.output)].join("\n");
}

/** Host details a learner must never see: server paths, the Node version, host stack frames. */
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const HOST_DETAILS = new RegExp(`${escaped(process.cwd())}|/tmp/|/usr/|node_modules|node:internal|Node\\.js v\\d|file://|\\n\\s+at `);

async function limited(): Promise<Exercise> {
  const ex = await exercise("dense");
  return { ...ex, meta: { ...ex.meta, limits: { ...ex.meta.limits, ...LIMITS } } };
}

describe("red team", () => {
  it("runs with both walls on this machine (bubblewrap and rlimits)", () => {
    const c = detectContainment();
    expect(c.warnings).toEqual([]);
    expect(c.bwrap).toBe(true);
  });

  it("has at least 30 attacks", () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(30);
  });

  for (const attack of ATTACKS) {
    it(`contains: ${attack.name}`, async () => {
      const ex = await limited();
      const t0 = performance.now();
      const r = await gradeCode(ex, attack.code, { openTransport: ChildTransport.open, revealHidden: true });
      const ms = performance.now() - t0;
      const resultChars = JSON.stringify(r).length;
      timings.push({ attack: attack.name, status: r.status, ms: Math.round(ms), resultChars });
      expect(resultChars).toBeLessThan(MAX_RESULT_CHARS);
      expect(learnerText(r)).not.toMatch(HOST_DETAILS);
      expect(r.status).not.toBe("passed");
      expect(r.score).toBeLessThan(r.maxScore);
      expect(attack.verdicts).toContain(r.status);
      expect(ms).toBeLessThan(LIMITS.timeoutMs + WATCHDOG_GRACE_MS + MARGIN_MS);
      if (attack.says) expect([r.message ?? "", ...r.tests.map((t) => t.output)].join("\n")).toMatch(attack.says);
      // The worker keeps serving: a correct submission right after gets full marks.
      const ok = await gradeCode(ex, readFileSync("exercises/03-layers/dense/solution.ts", "utf8"), { openTransport: ChildTransport.open });
      expect(ok.status).toBe("passed");
    }, 60_000);
  }

  // Issue 11.7, as reported: a replaced JSON.stringify smuggled 60 MB into a stored lora result
  // (before: 120 MB of result, 21 s) and 40M lone surrogates into freeze-layers (before: 120M
  // characters of test output, 51 s of grading, and a result JSON.stringify could not store).
  const smuggle = (payload: string, exports: string[]) =>
    `const big = ${payload};\n(JSON as any).stringify = () => '{"t":"obj","v":[["status",{"t":"str","v":"ok"}],["value",{"t":"invalid","why":"' + big + '"}]]}';\n` +
    exports.map((n) => `export function ${n}(): any { return 1; }`).join("\n");
  const smuggled = [
    { id: "lora", code: smuggle(`"A".repeat(60_000_000)`, ["loraForward", "loraBackward", "loraParamCount"]), maxMs: 20_000 },
    { id: "freeze-layers", code: smuggle(`"\\ud800".repeat(40_000_000)`, ["countTrainable", "fineTune", "predict"]), maxMs: 30_000 },
  ];
  for (const { id, code, maxMs } of smuggled) {
    it(`a replaced JSON.stringify cannot smuggle a huge result into ${id}`, async () => {
      const ex = await exercise(id);
      const t0 = performance.now();
      const r = await gradeCode(ex, code, { openTransport: ChildTransport.open, revealHidden: true });
      const ms = performance.now() - t0;
      const resultChars = JSON.stringify(r).length;
      timings.push({ attack: `smuggle into ${id}`, status: r.status, ms: Math.round(ms), resultChars });
      expect(r.status).not.toBe("passed");
      expect(resultChars).toBeLessThan(MAX_RESULT_CHARS);
      expect(ms).toBeLessThan(maxMs);
    }, 120_000);
  }

  it("an internal error shows the learner a reference, never host paths, the Node version or a stack (issue 11.10)", async () => {
    const ex = await limited();
    const logged: string[] = [];
    // The sandbox process dying mid-call, as a learner might make it: its error carries the child's stderr.
    const crashing = async (...a: Parameters<typeof ChildTransport.open>) => {
      const t = await ChildTransport.open(...a);
      const call = t.call.bind(t);
      let calls = 0;
      t.call = async (...c) => {
        if (++calls === 2) throw new Error(`the sandbox process exited unexpectedly (code 1, signal null): ${process.cwd()}/grader/sandbox/child-main.ts:12\n    at handle (node:internal/process/task_queues:95:5)\n\nNode.js ${process.version}`);
        return call(...c);
      };
      return t;
    };
    const r = await gradeCode(ex, readFileSync("exercises/03-layers/dense/solution.ts", "utf8"), { openTransport: crashing, revealHidden: true, logInternal: (l) => logged.push(l) });
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/^Internal grader error .*Reference for staff: [0-9a-f]{8}\.$/);
    expect(learnerText(r)).not.toMatch(HOST_DETAILS);
    // Staff find the details in the log under the same reference.
    const ref = /Reference for staff: ([0-9a-f]{8})/.exec(r.message!)![1];
    expect(logged.join("\n")).toContain(ref);
    expect(logged.join("\n")).toContain("Node.js");
  }, 60_000);

  afterAll(() => {
    mkdirSync("tests/artifacts", { recursive: true });
    writeFileSync("tests/artifacts/redteam-timings.json", JSON.stringify(timings, null, 2));
  });
});
