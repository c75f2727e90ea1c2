/** `gradlab new <set>/<id>`: scaffold an exercise folder that loads, and that validate explains. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { translationMarker } from "../lib/statement/translation.ts";

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SET = /^\d{2}-[a-z0-9]+(-[a-z0-9]+)*$/;

const camel = (id: string) => id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function scaffoldExercise(root: string, spec: string): string[] {
  const [set, id, ...rest] = spec.split("/");
  if (!set || !id || rest.length) throw new Error(`expected <set>/<id>, e.g. 03-layers/gelu; got "${spec}"`);
  if (!SET.test(set)) throw new Error(`set "${set}" must look like 03-layers (two digits for its order, then lowercase words joined by '-')`);
  if (!ID.test(id)) throw new Error(`exercise id "${id}" must be lowercase words joined by '-'`);
  const dir = join(root, set, id);
  if (existsSync(dir)) throw new Error(`${relative(process.cwd(), dir)} already exists`);
  const fn = camel(id);
  const statement = `# ${id}\n\nWhat to implement, with the exact conventions and formulas ($y = f(x)$), what is checked and the tolerance.\n`;
  mkdirSync(join(dir, "wrong"), { recursive: true });
  const files: Record<string, string> = {
    "exercise.json": JSON.stringify(
      { title: id.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase()), summary: "One line for the problem-set list.", topic: "backprop", tags: [], order: 99, exports: [fn], limits: { timeoutMs: 5000, memoryMb: 128 } },
      null,
      2,
    ) + "\n",
    "statement.md": statement,
    // The Chinese statement's first line records which English it translates (validate warns when the English moves on).
    "statement.zh-CN.md": `${translationMarker(statement)}\n# ${id}\n\n要实现什么：确切的约定和公式（$y = f(x)$）、检查的内容和容差。\n`,
    "starter.ts": `import { Tensor, zerosLike } from "gradlab/nd";\n\n/** TODO: implement. Checked by: "${fn} matches tfjs" checks. */\nexport function ${fn}(x: Tensor): Tensor {\n  return zerosLike(x);\n}\n`,
    "solution.ts": `import { Tensor, tanh } from "gradlab/nd";\n\nexport function ${fn}(x: Tensor): Tensor {\n  return tanh(x); // replace with the real solution\n}\n`,
    "checks.ts": `import { randn } from "gradlab/nd";\nimport { defineChecks, expectClose, hidden, referenceForward, visible, type CheckContext } from "gradlab/checks";\n\nasync function check({ learner, tf }: CheckContext, x: ReturnType<typeof randn>) {\n  expectClose("${fn}(x)", referenceForward(tf, (x) => tf.tanh(x), [x]), await learner.call("${fn}", x), { against: "tfjs" });\n}\n\nexport default defineChecks({\n  checks: [\n    visible("${fn} matches tfjs (x [2,3])", 5, (ctx) => check(ctx, randn([2, 3], ctx.rng))),\n    hidden("${fn} on random shapes", 5, (ctx) => check(ctx, randn([1 + ctx.rng.int(5), 1 + ctx.rng.int(5)], ctx.rng))),\n  ],\n});\n`,
    // Every check's name in Chinese (the results panel and `gradlab grade --lang zh-CN` show it; a test fails on one missing).
    "messages.zh-CN.json": JSON.stringify({ checkNames: { [`${fn} matches tfjs (x [2,3])`]: `${fn} 与 tfjs 一致（x [2,3]）`, [`${fn} on random shapes`]: `${fn} 在随机形状上` } }, null, 2) + "\n",
    "wrong/README.md": "Add at least three known-wrong variants here (whole learner files), one realistic mistake each, with a comment saying which.\n",
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((f) => relative(process.cwd(), join(dir, f)));
}
