// The harness's V8 code cache inside one sandbox child: produced before anything else, never after.
import ivm from "isolated-vm";
import { describe, expect, it } from "vitest";
import { HarnessCodeCache } from "./harness-cache.ts";
import { harnessScript } from "./bundle.ts";

type CachedScript = ivm.Script & ivm.CachedDataResult & { cachedDataRejected?: boolean };

async function compile(source: string, cache: HarnessCodeCache): Promise<{ script: CachedScript; options: ivm.CachedDataOptions }> {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const options = cache.options(source);
  const script = (await isolate.compileScript(source, { filename: "harness.js", ...options })) as CachedScript;
  cache.compiled(source, script);
  isolate.dispose();
  return { script, options };
}

describe("HarnessCodeCache", () => {
  it("the first isolate produces it, later ones compile the same harness with it", async () => {
    const harness = await harnessScript();
    const cache = new HarnessCodeCache();
    const first = await compile(harness, cache);
    expect(first.options).toEqual({ produceCachedData: true });
    cache.seal(); // the child's first request after `open`
    const second = await compile(harness, cache);
    expect(second.options.cachedData).toBe(first.script.cachedData);
    expect(second.script.cachedDataRejected).toBe(false);
  }, 60_000);

  it("once sealed (any request but open), nothing is produced or kept: a cache from an isolate learner code reached cannot exist", async () => {
    const cache = new HarnessCodeCache();
    cache.seal();
    const a = await compile("var x = 1;", cache);
    expect(a.options).toEqual({});
    // Even a script that did produce a cache elsewhere is not taken in.
    const isolate = new ivm.Isolate({ memoryLimit: 64 });
    const produced = (await isolate.compileScript("var x = 1;", { produceCachedData: true })) as CachedScript;
    expect(produced.cachedData).toBeDefined();
    cache.compiled("var x = 1;", produced);
    isolate.dispose();
    expect(cache.options("var x = 1;")).toEqual({});
  }, 60_000);

  it("is used only for the source it was produced from, and produced once", async () => {
    const cache = new HarnessCodeCache();
    await compile("var a = 1;", cache);
    expect(cache.options("var b = 2;")).toEqual({});
    expect(Object.keys(cache.options("var a = 1;"))).toEqual(["cachedData"]);
  }, 60_000);
});
