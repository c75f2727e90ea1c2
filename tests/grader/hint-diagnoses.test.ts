// Messages that name the right mistake (issue 10, item 9): each wrong/ variant gets its own hint and
// never another mistake's; correct code in an unusual form gets full marks.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gradeCode } from "../../grader/grade.ts";
import { loadCatalogue } from "../../grader/exercises.ts";

const catalogue = await loadCatalogue();
const exercise = (id: string) => {
  const ex = catalogue.exercises.find((e) => e.id === id);
  if (!ex) throw new Error(`no exercise ${id}`);
  return ex;
};

async function failedOutputs(id: string, code: string): Promise<string[]> {
  const r = await gradeCode(exercise(id), code, { hiddenSeed: "hints", revealHidden: true });
  return r.tests.filter((t) => t.status === "failed").map((t) => t.output);
}

const wrong = (id: string, name: string) => readFileSync(join(exercise(id).dir, "wrong", name), "utf8");

describe("known mistakes are named only when they explain the values", () => {
  const cases: { id: string; file: string; named: RegExp; never: RegExp }[] = [
    { id: "optimizers", file: "adamw-decay-after-update.ts", named: /decay is taken from the parameters after the Adam update/, never: /epsilon is inside|step counter does not advance/ },
    { id: "mse", file: "backward-divided-by-last-axis.ts", named: /divided by 4 \(the size of axis 1\)/, never: /counted twice(?!.*or it is divided)/ },
    { id: "lora", file: "scale-by-output-width.ts", named: /alpha \/ 3 \(M = w\.shape\[1\]/, never: /factor of 2|factor 2/ },
    { id: "scalar-autodiff", file: "breadth-first-order.ts", named: /breadth-first/, never: /grad \+= \.\.\., never/ },
    { id: "softmax-cross-entropy", file: "softmax-minus-row-mean.ts", named: /the row's mean does not/, never: /^$/ },
    { id: "conv2d", file: "same-padding-not-clamped.ts", named: /clamp it at 0/, never: /odd extra row/ },
    { id: "model-summary", file: "pool-window-square.ts", named: /uses poolSize\[1\]/, never: /^$/ },
  ];
  for (const c of cases) {
    it(`${c.id}: wrong/${c.file}`, async () => {
      const outputs = await failedOutputs(c.id, wrong(c.id, c.file));
      expect(outputs.some((o) => c.named.test(o)), outputs.join("\n---\n")).toBe(true);
      for (const o of outputs) expect(o).not.toMatch(c.never);
    }, 120_000);
  }
});

describe("correct code in another form gets full marks", () => {
  it("optimizers: Adam in its efficient form (epsilon added to sqrt(v), bias corrections in the step size)", async () => {
    const solution = readFileSync(exercise("optimizers").files.solution, "utf8");
    const standard = "p.data[j] -= (h.lr * (m[i][j] / c1)) / (Math.sqrt(v[i][j] / c2) + h.epsilon);";
    expect(solution).toContain(standard);
    const efficient = solution.replace(standard, "p.data[j] -= ((h.lr * Math.sqrt(c2)) / c1) * (m[i][j] / (Math.sqrt(v[i][j]) + h.epsilon));");
    for (const seed of ["e1", "e2", "e3"]) {
      const r = await gradeCode(exercise("optimizers"), efficient, { hiddenSeed: seed, revealHidden: true });
      expect(r.tests.filter((t) => t.status === "failed").map((t) => `${t.name}: ${t.output}`)).toEqual([]);
    }
  }, 120_000);
});
