// The grader's verdicts on learner code that is correct in an unexpected style, broken, or hostile-ish.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { gradeCode } from "../../grader/grade.ts";
import { exercise } from "../helpers.ts";

const solution = () => readFileSync("exercises/03-layers/dense/solution.ts", "utf8");

describe("grading dense", () => {
  it("gives full marks to a correct solution written with plain loops returning {shape, data}", async () => {
    const r = await gradeCode(await exercise("dense"), readFileSync("tests/fixtures/dense/plain-loops.ts", "utf8"));
    expect(r.tests.filter((t) => t.status === "failed")).toEqual([]);
    expect(r).toMatchObject({ status: "passed", score: 10, maxScore: 10 });
  });

  it("fails NaN results, naming the tensor, the index and the value", async () => {
    const code = solution().replace("return add(matmul(x, w), b);", "const y = add(matmul(x, w), b); y.data[1] = NaN; return y;");
    const r = await gradeCode(await exercise("dense"), code);
    expect(r.status).toBe("failed");
    const t = r.tests.find((t) => t.name.startsWith("denseForward matches"))!;
    expect(t.status).toBe("failed");
    expect(t.output).toMatch(/denseForward\(x, w, b\) contains NaN at \[0,1\]/);
  });

  it("fails a wrong shape with both shapes in the message", async () => {
    const code = solution().replace("return add(matmul(x, w), b);", "return transpose(add(matmul(x, w), b));");
    const r = await gradeCode(await exercise("dense"), code);
    const t = r.tests.find((t) => t.name.startsWith("denseForward matches"))!;
    expect(t.output).toMatch(/has shape \[4,2\], expected \[2,4\]/);
    expect(t.output).toMatch(/Hint: The shape is transposed/);
  });

  it("fails a missing export clearly and still grades the other function", async () => {
    const code = solution().replace("export function denseBackward", "function denseBackwardRenamed");
    const r = await gradeCode(await exercise("dense"), code);
    expect(r.status).toBe("failed");
    expect(r.tests.find((t) => t.name.startsWith("denseForward matches"))!.status).toBe("passed");
    expect(r.tests.find((t) => t.name.startsWith("denseBackward dx"))!.output).toMatch(/does not export a function named denseBackward/);
  });

  it("reports a thrown error with the line in the learner's own file", async () => {
    const code = solution().replace("return add(matmul(x, w), b);", "\n\n  throw new RangeError('boom');");
    const r = await gradeCode(await exercise("dense"), code, { filename: "mine.ts" });
    const t = r.tests.find((t) => t.name.startsWith("denseForward matches"))!;
    expect(t.output).toMatch(/threw RangeError: boom \(at mine\.ts:6:\d+\)/);
  });

  it("gives an error verdict for code that does not compile, with file:line", async () => {
    const r = await gradeCode(await exercise("dense"), "export function denseForward(x) {\n  return x +;\n}\n", { filename: "mine.ts" });
    expect(r.status).toBe("error");
    expect(r.score).toBe(0);
    expect(r.message).toMatch(/mine\.ts:2:\d+/);
  });

  it("gives an error verdict for a module that throws at load, with the line", async () => {
    const r = await gradeCode(await exercise("dense"), "const a = 1;\nthrow new Error('top-level');\nexport function denseForward() {}\n", { filename: "mine.ts" });
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/threw while loading: top-level \(at mine\.ts:2:\d+\)/);
  });

  it("refuses imports other than gradlab/nd", async () => {
    const r = await gradeCode(await exercise("dense"), 'import fs from "fs";\nexport function denseForward() { return fs; }\n');
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/may import only "gradlab\/nd"/);
  });

  it("stops an infinite loop with a timeout verdict", async () => {
    const ex = await exercise("dense");
    const code = solution().replace("return add(matmul(x, w), b);", "while (true) {}");
    const r = await gradeCode({ ...ex, meta: { ...ex.meta, limits: { ...ex.meta.limits, timeoutMs: 300 } } }, code);
    expect(r.status).toBe("timeout");
    expect(r.score).toBe(0);
    expect(r.message).toMatch(/Time limit exceeded/);
  }, 20_000);

  it("captures console output, bounded", async () => {
    const code = solution().replace("return add(matmul(x, w), b);", "console.log('shape', x.shape); return add(matmul(x, w), b);");
    const r = await gradeCode(await exercise("dense"), code);
    expect(r.status).toBe("passed");
    expect(r.stdout).toMatch(/^shape \[2, 3\]\n/);
    const flood = solution().replace("return add(matmul(x, w), b);", "for (let i = 0; i < 100000; i++) console.log('spam spam spam'); return add(matmul(x, w), b);");
    const f = await gradeCode(await exercise("dense"), flood);
    expect(f.stdout.length).toBeLessThan(70 * 1024);
    expect(f.stdout).toMatch(/output truncated/);
  });

  it("hides hidden checks' details from learners but keeps the hint", async () => {
    const code = readFileSync("exercises/03-layers/dense/wrong/dw-divided-by-batch.ts", "utf8");
    const r = await gradeCode(await exercise("dense"), code, { hiddenSeed: "00ff00ff00ff00ff" });
    const hiddenTest = r.tests.find((t) => t.visibility === "hidden" && t.status === "failed")!;
    expect(hiddenTest.output).toMatch(/Failed on a hidden case/);
    expect(hiddenTest.output).not.toMatch(/expected -?\d/);
    expect(hiddenTest.data).toBeUndefined();
    const revealed = await gradeCode(await exercise("dense"), code, { hiddenSeed: "00ff00ff00ff00ff", revealHidden: true });
    expect(revealed.tests.find((t) => t.name === hiddenTest.name)!.output).toMatch(/expected/);
  });

  it("draws hidden cases from the seed: same seed, same verdict; the seed is recorded", async () => {
    const ex = await exercise("dense");
    const a = await gradeCode(ex, solution(), { hiddenSeed: "1234" });
    expect(a.seed).toBe("1234");
    expect(a.version).toBe(ex.version);
  });
});
