/**
 * The exercise page's service worker (public/gradlab-sw.js) and the URL it is registered under
 * (app/exercises/[id]/service-worker.ts). The worker runs here in a vm with stand-ins for its
 * globals: it answers only the fingerprinted assets its URL lists, never HTML or API requests, and
 * a new version deletes the old version's cache. tests/e2e/open-fast.test.ts runs it in Chromium.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runInNewContext } from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { precacheList, registerServiceWorkerScript, serviceWorkerUrl } from "../../app/exercises/[id]/service-worker.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SW = readFileSync(join(ROOT, "public", "gradlab-sw.js"), "utf8");
const ORIGIN = "https://gradlab.test";

const assets = {
  monaco: "/gradlab/monaco.0123456789abcdef/",
  ndTypes: "/gradlab/nd-types.1111111111111111.json",
  tfjs: "/gradlab/tfjs.2222222222222222/",
  esbuildWasm: "/gradlab/esbuild.3333333333333333.wasm",
  runWorker: "/gradlab/run/run-worker.4444444444444444.js",
};
const pub = mkdtempSync(join(tmpdir(), "gradlab-sw-test-"));
for (const f of ["monaco.0123456789abcdef/editor.js", "monaco.0123456789abcdef/editor.js.br", "monaco.0123456789abcdef/editor.js.gz", "monaco.0123456789abcdef/ts.worker.js", "tfjs.2222222222222222/tfjs-backend-wasm-simd.wasm"]) {
  mkdirSync(join(pub, "gradlab", f, ".."), { recursive: true });
  writeFileSync(join(pub, "gradlab", f), "x");
}
afterAll(() => rmSync(pub, { recursive: true, force: true }));

type Listener = (event: Record<string, unknown>) => void;

/** Loads the worker at `url` with an in-memory Cache Storage (`stores`, shared between versions) and a server that answers every fetch with 200. */
function loadWorker(url: string, stores: Map<string, Map<string, { url: string; body: string }>>) {
  const listeners = new Map<string, Listener>();
  const fetched: string[] = [];
  const cacheOf = (name: string) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name)!;
    const key = (r: string) => new URL(r, ORIGIN).href;
    return {
      put: async (r: string, res: { url: string; body: string }) => void store.set(key(r), res),
      match: async (r: string) => store.get(key(r)),
    };
  };
  const self = {
    location: new URL(url, ORIGIN),
    addEventListener: (type: string, fn: Listener) => listeners.set(type, fn),
    skipWaiting: async () => {},
    clients: { claim: async () => {} },
  };
  const fetch = async (r: string | { url: string }) => {
    const u = new URL(typeof r === "string" ? r : r.url, ORIGIN).href;
    fetched.push(u);
    return { ok: true, type: "basic", url: u, body: `bytes of ${u}`, clone() { return this; } };
  };
  const caches = { open: async (n: string) => cacheOf(n), keys: async () => [...stores.keys()], delete: async (n: string) => stores.delete(n) };
  runInNewContext(SW, { self, fetch, caches, URL, Promise, Set });
  const lifecycle = async (type: "install" | "activate") => {
    let done: Promise<unknown> = Promise.resolve();
    listeners.get(type)!({ waitUntil: (p: Promise<unknown>) => (done = p) });
    await done;
  };
  /** What the worker answers for a request: undefined when it lets the request through. */
  const request = async (path: string, method = "GET") => {
    let answer: Promise<{ url: string; body: string }> | undefined;
    listeners.get("fetch")!({ request: { method, url: new URL(path, ORIGIN).href }, respondWith: (p: Promise<{ url: string; body: string }>) => (answer = p) });
    return answer ? await answer : undefined;
  };
  return { lifecycle, request, fetched };
}

describe("the service worker's URL", () => {
  it("lists every hashed file the exercise page loads, without the precompressed copies", () => {
    expect(precacheList(assets, pub)).toEqual([
      "/gradlab/monaco.0123456789abcdef/editor.js",
      "/gradlab/monaco.0123456789abcdef/ts.worker.js",
      "/gradlab/tfjs.2222222222222222/tfjs-backend-wasm-simd.wasm",
      assets.esbuildWasm,
      assets.ndTypes,
      `${assets.runWorker}?esbuild=${encodeURIComponent(assets.esbuildWasm)}&tfjs=${encodeURIComponent(assets.tfjs)}`,
    ]);
  });

  it("changes with the build's fingerprints", () => {
    const a = new URL(serviceWorkerUrl(assets, pub), ORIGIN);
    const b = new URL(serviceWorkerUrl({ ...assets, esbuildWasm: "/gradlab/esbuild.5555555555555555.wasm" }, pub), ORIGIN);
    expect(a.pathname).toBe("/gradlab-sw.js");
    expect(a.searchParams.get("v")).toMatch(/^[0-9a-f]{16}$/);
    expect(b.searchParams.get("v")).not.toBe(a.searchParams.get("v"));
    expect(a.searchParams.getAll("a")).toEqual(precacheList(assets, pub));
  });

  it("is registered by an inline script that cannot be closed by its data", () => {
    const script = registerServiceWorkerScript("/gradlab-sw.js?v=1&a=</script><script>alert(1)", "/exercises/");
    expect(script).not.toContain("</script>");
    expect(script).toContain('"/exercises/"');
  });
});

describe("the service worker", () => {
  const url = serviceWorkerUrl(assets, pub);

  it("installs the listed assets and answers them from its cache, the Run worker with its query", async () => {
    const stores = new Map();
    const sw = loadWorker(url, stores);
    await sw.lifecycle("install");
    expect(sw.fetched.length).toBe(precacheList(assets, pub).length);
    const before = sw.fetched.length;
    const editor = await sw.request("/gradlab/monaco.0123456789abcdef/editor.js");
    expect(editor?.url).toBe(`${ORIGIN}/gradlab/monaco.0123456789abcdef/editor.js`);
    const runWorker = precacheList(assets, pub).at(-1)!;
    expect((await sw.request(runWorker))?.url).toBe(new URL(runWorker, ORIGIN).href);
    expect(sw.fetched.length).toBe(before); // both from the cache
    // The Run worker with ?backend=: fetched once, then cached under its own URL.
    const withBackend = `${runWorker}&backend=cpu`;
    expect((await sw.request(withBackend))?.url).toBe(new URL(withBackend, ORIGIN).href);
    expect(sw.fetched.length).toBe(before + 1);
  });

  it("lets everything else through: pages, API answers, unlisted files, other methods", async () => {
    const sw = loadWorker(url, new Map());
    await sw.lifecycle("install");
    for (const path of ["/exercises/dense", "/api/exercises/dense/draft", "/gradlab/run/checks/dense.js", "/gradlab/monaco.0123456789abcdef/editor.css", "/", "/sign-in"]) expect(await sw.request(path), path).toBeUndefined();
    expect(await sw.request("/gradlab/monaco.0123456789abcdef/editor.js", "POST")).toBeUndefined();
  });

  it("takes only fingerprinted /gradlab/ paths from its URL", async () => {
    const stores = new Map();
    const sw = loadWorker(`/gradlab-sw.js?v=abc&a=/exercises/dense&a=/api/me&a=https://evil.test/gradlab/x.0123456789abcdef.js&a=${assets.ndTypes}`, stores);
    await sw.lifecycle("install");
    expect(sw.fetched).toEqual([`${ORIGIN}${assets.ndTypes}`]);
    expect(await sw.request("/exercises/dense")).toBeUndefined();
  });

  it("a new version deletes the old version's cache when it activates", async () => {
    const stores = new Map();
    const old = loadWorker(url, stores);
    await old.lifecycle("install");
    await old.lifecycle("activate");
    stores.set("someone-elses-cache", new Map());
    const nextUrl = serviceWorkerUrl({ ...assets, ndTypes: "/gradlab/nd-types.6666666666666666.json" }, pub);
    const next = loadWorker(nextUrl, stores);
    await next.lifecycle("install");
    await next.lifecycle("activate");
    const ours = [...stores.keys()].filter((k) => k.startsWith("gradlab-assets-"));
    expect(ours).toEqual([`gradlab-assets-${new URL(nextUrl, ORIGIN).searchParams.get("v")}`]);
    expect(stores.has("someone-elses-cache")).toBe(true);
  });
});
