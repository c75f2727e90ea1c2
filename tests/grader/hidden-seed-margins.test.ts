// Hidden cases are drawn per submission, so a bound that a correct solution meets on most draws but
// not all takes marks from correct code now and then. Each seed here once made the reference
// solution fail; the bound was fixed, and the seed stays as a regression test.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { gradeCode } from "../../grader/grade.ts";
import { loadCatalogue } from "../../grader/exercises.ts";

const KNOWN: { exercise: string; hiddenSeed: string; why: string }[] = [
  // The drawn spiral's depth-2 curve ends at 0.979 of its start: over the old 0.97 bound ("does not fall").
  { exercise: "depth-study", hiddenSeed: "87d9fec2663622b5", why: "a depth-2 model that learns little on this spiral" },
];

describe("hidden draws that once failed a correct solution", () => {
  for (const k of KNOWN) {
    it(`${k.exercise}, hidden seed ${k.hiddenSeed}: ${k.why}`, async () => {
      const ex = (await loadCatalogue(undefined, { only: k.exercise })).exercises.find((e) => e.id === k.exercise)!;
      const r = await gradeCode(ex, readFileSync(ex.files.solution, "utf8"), { hiddenSeed: k.hiddenSeed, revealHidden: true });
      const lost = r.tests.filter((t) => t.score < t.maxScore).map((t) => `${t.name}: ${t.output}`);
      expect(lost).toEqual([]);
    }, 120_000);
  }
});
