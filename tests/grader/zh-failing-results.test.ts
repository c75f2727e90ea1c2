// What a zh-CN learner reads of a failing result (issue 17): real failing submissions graded through
// the real sandbox (in this process, and in a sandbox child process as the worker grades), rendered
// as `gradlab grade --lang zh-CN` renders them (the exercise page renders the same keys from the same
// catalogue). No English sentence may be left: only code (identifiers, calls, shapes, numbers) and the
// learner's own words (their thrown message, the compiler's diagnostic of their file) stay as written.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import kleur from "kleur";
import { gradeCode } from "../../grader/grade.ts";
import { ChildTransport } from "../../grader/sandbox/child-transport.ts";
import { transpileLearner } from "../../lib/sandbox/transpile.ts";
import { graderCatalog } from "../../lib/messages/translations.ts";
import { formatReport } from "../../cli/report.ts";
import { redactForLearner, type GradeResult } from "../../lib/result.ts";
import type { Exercise } from "../../grader/exercises.ts";
import { exercise } from "../helpers.ts";
import { gaveUpResult, learnerStoppedResult } from "../../grader/verdicts.ts";
import { verdictMessages } from "../../lib/messages/verdict-texts.ts";

kleur.enabled = false;
const LIMITS = { timeoutMs: 1500, memoryMb: 64 };
const SOLUTION = readFileSync("exercises/03-layers/dense/solution.ts", "utf8");
const BACKWARD = SOLUTION.slice(SOLUTION.indexOf("export function denseBackward"));

async function dense(limits: Partial<typeof LIMITS> = {}): Promise<Exercise> {
  const ex = await exercise("dense");
  return { ...ex, meta: { ...ex.meta, limits: { ...ex.meta.limits, ...LIMITS, ...limits } } };
}

/** A submission whose denseForward has this body (denseBackward correct). */
const forward = (body: string, top = "") => `import { Tensor, matmul, add, sum, transpose } from "gradlab/nd";\n${top}\nexport function denseForward(x: Tensor, w: Tensor, b: Tensor): Tensor {\n${body}\n}\n${BACKWARD}`;

const LEARNER_MESSAGE = "my own words about this failure";
const CASES: { name: string; code: string; status: GradeResult["status"]; says: RegExp; limits?: Partial<typeof LIMITS> }[] = [
  { name: "a compile error", code: forward("  return matmul(x, w) +;"), status: "error", says: /你的代码无法编译/ },
  { name: "an infinite loop (time limit)", code: forward("  while (true) {}"), status: "timeout", says: /超出时间限制/ },
  // Time enough to reach the memory limit first on a loaded machine.
  { name: "a memory hog", code: forward("  const keep: number[][] = [];\n  for (;;) keep.push(new Array(100_000).fill(0.5));"), status: "memory", says: /超出内存限制/, limits: { timeoutMs: 15_000 } },
  { name: "a string instead of a tensor", code: forward('  return "not a tensor" as never;'), status: "failed", says: /返回了 字符串/ },
  { name: "a tensor-like object with a bad shape", code: forward('  return { shape: "3x4", data: [1, 2] } as never;'), status: "failed", says: /类张量对象/ },
  { name: "a thrown error", code: forward(`  throw new Error(${JSON.stringify(LEARNER_MESSAGE)});`), status: "failed", says: /抛出了 Error/ },
  { name: "a module that throws while loading", code: forward("  return matmul(x, w);", `throw new Error(${JSON.stringify(LEARNER_MESSAGE)});`), status: "error", says: /加载时抛出了错误/ },
  { name: "an import the sandbox does not have", code: forward("  return matmul(x, w);", 'import { readFileSync } from "node:fs";\nexport const f = readFileSync;'), status: "error", says: /只能导入/ },
  { name: "a wrong value with a hint", code: readFileSync("exercises/03-layers/dense/wrong/forward-no-bias.ts", "utf8"), status: "failed", says: /缺少偏置 b/ },
];

/**
 * English sentences left in `text`: runs of three or more English words, once code and the
 * learner's own words are taken out (code spans, calls like denseForward(x, w, b), quoted strings,
 * the given verbatim texts).
 */
function englishLeft(text: string, verbatim: string[]): string[] {
  let t = text;
  for (const v of verbatim) t = t.split(v).join(" ");
  t = t
    .replace(/`[^`]*`/g, " ")
    .replace(/"[^"\n]*"/g, " ")
    .replace(/[\w.$]+\([^()]*\)(?:\.\w+)*/g, " ");
  return t.match(/[A-Za-z][A-Za-z'’-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’-]*){2,}/g) ?? [];
}

async function zhReport(ex: Exercise, r: GradeResult): Promise<string> {
  return formatReport(redactForLearner(r), { locale: "zh-CN", catalog: graderCatalog("zh-CN", ex.dir) });
}

describe("a failing result in zh-CN has no English sentence", () => {
  for (const c of CASES) {
    it(`${c.name}, graded in this process`, async () => {
      const ex = await dense(c.limits);
      const r = await gradeCode(ex, c.code, { filename: "solution.ts" });
      expect(r.status).toBe(c.status);
      const report = await zhReport(ex, r);
      expect(report).toMatch(c.says);
      const compiled = await transpileLearner(c.code, "solution.ts");
      const verbatim = [LEARNER_MESSAGE, ...(compiled.ok ? [] : [compiled.message])];
      expect(englishLeft(report, verbatim), report).toEqual([]);
      // The JSON keeps Gradescope's English: names and output unchanged.
      expect(r.tests.every((t) => /^[\x20-\x7e·]+$/.test(t.name))).toBe(true);
    }, 60_000);
  }

  for (const c of CASES.filter((c) => c.status === "timeout" || c.status === "memory" || c.name.includes("thrown"))) {
    it(`${c.name}, graded in a sandbox child process (the worker's path)`, async () => {
      const ex = await dense(c.limits);
      const r = await gradeCode(ex, c.code, { filename: "solution.ts", openTransport: ChildTransport.open });
      expect(r.status).toBe(c.status);
      const report = await zhReport(ex, r);
      expect(report).toMatch(c.says);
      expect(englishLeft(report, [LEARNER_MESSAGE]), report).toEqual([]);
    }, 60_000);
  }

  it("verdicts GradLab writes itself (the worker stopped the code, the queue gave up) read in zh-CN too", async () => {
    const ex = await dense();
    const gist = "the sandbox process exited unexpectedly (code 1, signal null)";
    for (const r of [
      learnerStoppedResult(ex, ex.id, "timeout", verdictMessages.overBudget(60)),
      learnerStoppedResult(ex, ex.id, "memory", verdictMessages.tooLargeToRead()),
      gaveUpResult(ex.id, 3, gist, undefined, undefined, 10),
      gaveUpResult(ex.id, 3, gist),
    ]) {
      expect(r.messageText).toBeDefined();
      const report = await zhReport(ex, r);
      expect(report).toMatch(/评分/);
      expect(englishLeft(report, [gist]), report).toEqual([]);
    }
  });

  it("the detector finds English (so the test can fail)", () => {
    expect(englishLeft("✗ denseForward matches tfjs (x [2,3], w [3,4])", [])).toEqual(["denseForward matches tfjs"]);
    expect(englishLeft("denseForward(x, w, b) 返回了 an array of length 3。", [])).toEqual(["an array of length"]);
    expect(englishLeft("denseForward(x, w, b) 抛出了 Error：my own words here", ["my own words here"])).toEqual([]);
  });
});
