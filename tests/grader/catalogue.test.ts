// Every exercise validated both ways: the solution gets full marks; the starter and every
// wrong/ variant do not. Run per exercise so a failure names it.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { gradeCode } from "../../grader/grade.ts";
import { loadCatalogue } from "../../grader/exercises.ts";

const catalogue = await loadCatalogue();

describe("the catalogue", () => {
  it("loads without problems", () => {
    expect(catalogue.problems).toEqual([]);
  });

  for (const ex of catalogue.exercises) {
    describe(ex.id, () => {
      it("solution gets full marks (two hidden seeds)", async () => {
        for (const seed of ["a1", "b2"]) {
          const r = await gradeCode(ex, readFileSync(ex.files.solution, "utf8"), { hiddenSeed: seed, revealHidden: true });
          expect(r.tests.filter((t) => t.status === "failed").map((t) => `${t.name}: ${t.output}`)).toEqual([]);
          expect(r.status).toBe("passed");
        }
      }, 300_000);

      it("starter does not", async () => {
        const r = await gradeCode(ex, readFileSync(ex.files.starter, "utf8"));
        expect(r.score).toBeLessThan(r.maxScore);
      }, 300_000);

      it("has at least three wrong variants", () => {
        expect(ex.files.wrong.length).toBeGreaterThanOrEqual(3);
      });

      for (const file of ex.files.wrong) {
        it(`wrong/${basename(file)} does not, and its failures explain themselves`, async () => {
          const r = await gradeCode(ex, readFileSync(file, "utf8"), { revealHidden: true });
          expect(r.score).toBeLessThan(r.maxScore);
          const failed = r.tests.filter((t) => t.status === "failed");
          expect(failed.length).toBeGreaterThan(0);
          for (const t of failed) expect(t.output.length).toBeGreaterThan(20);
          // The known mistake is recognised: some failing check names it in a hint.
          expect(failed.some((t) => /\nHint: \S/.test(t.output)), failed.map((t) => t.output).join("\n---\n")).toBe(true);
        }, 300_000);
      }
    });
  }
});
