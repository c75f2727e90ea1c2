/**
 * Monaco's bundle is a classic script that leaves its exports on `window` (V8's code cache is
 * used for a classic script on later visits, never for a module: app/_components/monaco-script.ts),
 * its workers are found beside it and start only when the page says so (app/_build/monaco-entry.ts).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { MONACO_GLOBAL, MonacoLoadError, loadMonacoScript, type MonacoExports } from "../../app/_components/monaco-script.ts";
import { monacoBuildOptions } from "../../app/_build/monaco-build.ts";

/** The entry built as build-assets builds it, with Monaco itself replaced by a stub. */
async function builtEntry(): Promise<string> {
  const out = await build({
    ...monacoBuildOptions,
    outdir: join(tmpdir(), "gradlab-monaco-test"), // not written (write: false)
    write: false,
    minify: false,
    plugins: [
      {
        name: "stub-monaco",
        setup(b) {
          b.onResolve({ filter: /^monaco-editor\// }, () => ({ path: "monaco", namespace: "stub" }));
          b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "export const editor = { stub: true };", loader: "js" }));
        },
      },
    ],
  });
  return out.outputFiles.find((f) => f.path.endsWith(".js"))!.text;
}

describe("Monaco's bundle", () => {
  it("is a classic script that puts the editor and a worker gate on window", async () => {
    const code = await builtEntry();
    expect(code).not.toMatch(/^\s*export\s|\bimport\.meta\b/m);
    const started: { url: string; name: string }[] = [];
    class FakeWorker {
      constructor(url: URL, opts: { name: string }) {
        started.push({ url: String(url), name: opts.name });
      }
    }
    const window: Record<string, unknown> = {};
    const document = { currentScript: { src: "https://gradlab.test/gradlab/monaco.0123456789abcdef/editor.js" } };
    runInNewContext(code, { window, self: window, document, location: { href: "https://gradlab.test/exercises/dense" }, Worker: FakeWorker, URL });
    const mod = window[MONACO_GLOBAL] as MonacoExports;
    expect(mod.monaco).toEqual({ editor: { stub: true } });
    const env = window.MonacoEnvironment as { getWorker(id: string, label: string): Promise<unknown> };
    const ts = env.getWorker("1", "typescript");
    const plain = env.getWorker("2", "editorWorkerService");
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([]); // held back until the page allows them
    mod.startWorkers();
    await Promise.all([ts, plain]);
    expect(started).toEqual([
      { url: "https://gradlab.test/gradlab/monaco.0123456789abcdef/ts.worker.js", name: "typescript" },
      { url: "https://gradlab.test/gradlab/monaco.0123456789abcdef/editor.worker.js", name: "editorWorkerService" },
    ]);
  });
});

/** A document with just what loadMonacoScript touches: script elements appended to head. */
type Script = { src: string; async: boolean; onload?: () => void; onerror?: () => void };
function fakeDocument() {
  const appended: Script[] = [];
  const doc = { createElement: () => ({ src: "", async: false }), head: { appendChild: (s: (typeof appended)[number]) => appended.push(s) } };
  (globalThis as { document?: unknown }).document = doc;
  (globalThis as { window?: unknown }).window = globalThis;
  return appended;
}

afterEach(() => {
  delete (globalThis as { document?: unknown }).document;
  delete (globalThis as { window?: unknown }).window;
  delete (globalThis as Record<string, unknown>)[MONACO_GLOBAL];
});

describe("loadMonacoScript", () => {
  const url = "/gradlab/monaco.0123456789abcdef/editor.js";

  it("runs the bundle as an async classic script and resolves with what it defined", async () => {
    const appended = fakeDocument();
    const loading = loadMonacoScript(url);
    expect(appended).toHaveLength(1);
    expect(appended[0]).toMatchObject({ src: url, async: true });
    const exports = { monaco: {}, startWorkers: () => {} };
    (globalThis as Record<string, unknown>)[MONACO_GLOBAL] = exports;
    appended[0]!.onload!();
    await expect(loading).resolves.toBe(exports);
    // Loaded once: a second call (another mount) adds no script.
    await expect(loadMonacoScript(url)).resolves.toBe(exports);
    expect(appended).toHaveLength(1);
  });

  it("says what failed when the script does not load or defines nothing", async () => {
    const appended = fakeDocument();
    const failing = loadMonacoScript(url);
    appended[0]!.onerror!();
    await expect(failing).rejects.toThrow(`could not load ${url}`);
    const empty = loadMonacoScript(url);
    appended[1]!.onload!();
    await expect(empty).rejects.toThrow(`${url} ran but did not define the editor`);
    // The page translates the failure by its kind (messages/*/workbench.json editorLoad.*), with the URL as detail.
    const kinds: unknown[] = [];
    for (const settle of [(s: Script) => s.onerror!(), (s: Script) => s.onload!()]) {
      const p = loadMonacoScript(url).catch((e: unknown) => e);
      settle(appended[appended.length - 1]!);
      const e = await p;
      expect(e).toBeInstanceOf(MonacoLoadError);
      kinds.push([(e as MonacoLoadError).kind, (e as MonacoLoadError).url]);
    }
    expect(kinds).toEqual([["download", url], ["undefined", url]]);
  });
});
