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

const LIMITS = { timeoutMs: 1500, memoryMb: 64 };
const MARGIN_MS = 8_000; // child start-up, tfjs reference work and a loaded 2-core machine
const timings: { attack: string; status: string; ms: number }[] = [];

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
      timings.push({ attack: attack.name, status: r.status, ms: Math.round(ms) });
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

  afterAll(() => {
    mkdirSync("tests/artifacts", { recursive: true });
    writeFileSync("tests/artifacts/redteam-timings.json", JSON.stringify(timings, null, 2));
  });
});
