/**
 * The server transpiles the code an exercise page opens with (server/index.ts runSeed) so that the
 * browser's first Run of it needs no esbuild-wasm yet (app/_run/run-main.ts). That is only sound if
 * the server's native esbuild and the browser's esbuild-wasm give the same text, and if a seeded
 * result behaves as one transpiled in place (the script, error positions mapped back).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it, vi } from "vitest";
import { testCatalogue } from "../helpers.ts";
import * as native from "../../lib/sandbox/transpile.ts";
import { LEARNER_SCRIPT } from "../../lib/sandbox/names.ts";

const require = createRequire(import.meta.url);

/** lib/sandbox/transpile.ts as the browser's Run bundles it: on esbuild-wasm (app/_build/run-assets.ts aliases it so). */
async function onWasm(): Promise<typeof native> {
  vi.resetModules();
  vi.doMock("esbuild", async () => await import("esbuild-wasm"));
  try {
    return await import("../../lib/sandbox/transpile.ts");
  } finally {
    vi.doUnmock("esbuild");
  }
}

describe("the Run seed", () => {
  it("is the same text from native esbuild and esbuild-wasm, for every exercise's starter and solution", { timeout: 120_000 }, async () => {
    expect(require("esbuild/package.json").version).toBe(require("esbuild-wasm/package.json").version);
    const wasm = await onWasm();
    expect(wasm.esbuildOutputOf).not.toBe(native.esbuildOutputOf);
    const cat = await testCatalogue();
    let compared = 0;
    for (const ex of cat.exercises) {
      for (const file of [ex.files.starter, ex.files.solution]) {
        const code = readFileSync(file, "utf8");
        const [a, b] = await Promise.all([native.esbuildOutputOf(code), wasm.esbuildOutputOf(code)]);
        expect(a, file).toBeDefined();
        expect(b, file).toEqual(a);
        compared++;
      }
    }
    expect(compared).toBe(cat.exercises.length * 2);
  });

  it("gives a seeded result the same script and error positions as transpiling in place", async () => {
    const code = `import { Tensor } from "gradlab/nd";\n\ntype T = Tensor;\nexport function f(x: T): T {\n  throw new Error("here");\n}\n`;
    const seed = await native.esbuildOutputOf(code);
    if (!seed) throw new Error("the sample did not compile");
    const other = `${code}// another copy, so the cache does not answer for it\n`;
    const seeded = await native.seedTranspiled(other, (await native.esbuildOutputOf(other))!);
    const inPlace = await native.transpileLearner(other);
    if (!seeded?.ok || !inPlace.ok) throw new Error("expected both to compile");
    expect(seeded.script).toBe(inPlace.script);
    // The throw is on line 5 of the learner's file; in the wrapped script it is on the line esbuild put it.
    const line = seeded.script.split("\n").findIndex((l) => l.includes(`throw new Error("here")`)) + 1;
    const column = seeded.script.split("\n")[line - 1]!.indexOf("throw") + 1;
    const stack = `Error: here\n    at f (${LEARNER_SCRIPT}:${line}:${column})`;
    expect(seeded.mapLocation(stack)).toBe("solution.ts:5:3");
    expect(inPlace.mapLocation(stack)).toBe("solution.ts:5:3");
  });

  it("is found by transpiledAlready only for the very code it was made for", async () => {
    const code = `export const answer = (x: number): number => x * 2;\n`;
    expect(native.transpiledAlready(code)).toBeUndefined();
    native.seedTranspiled(code, (await native.esbuildOutputOf(code))!);
    expect(native.transpiledAlready(code)).toBeDefined();
    expect(native.transpiledAlready(`${code} `)).toBeUndefined();
    expect(native.transpiledAlready(code, "other.ts")).toBeUndefined();
  });

  it("is not made for code that does not compile (the browser's Run says why itself)", async () => {
    expect(await native.esbuildOutputOf("export function f( {")).toBeUndefined();
  });
});
