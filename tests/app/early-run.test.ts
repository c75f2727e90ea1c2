/**
 * The exercise page's inline script that starts Run before hydration (app/_run/early-run.ts):
 * it starts the worker named, sends "prepare", keeps a "ready" that comes before the workbench
 * listens, cannot be broken out of by the values it embeds, and the workbench adopts only the
 * worker it would have started itself.
 */
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { earlyRunScript, takeEarlyRun, type EarlyRun } from "../../app/_run/early-run.ts";

class FakeWorker {
  static started: FakeWorker[] = [];
  posted: unknown[] = [];
  listeners = new Map<string, ((ev: unknown) => void)[]>();
  terminated = false;
  readonly url: string;
  readonly options: unknown;
  constructor(url: string, options: unknown) {
    this.url = url;
    this.options = options;
    FakeWorker.started.push(this);
  }
  postMessage(m: unknown) {
    this.posted.push(m);
  }
  addEventListener(type: string, f: (ev: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), f]);
  }
  emit(type: string, ev: unknown) {
    for (const f of this.listeners.get(type) ?? []) f(ev);
  }
  terminate() {
    this.terminated = true;
  }
}

const prepare = { type: "prepare", exerciseId: "dense", timeoutMs: 10_000, hasDriver: false } as const;
const URL_ = "/gradlab/run/run-worker.0123456789abcdef.js?esbuild=%2Fgradlab%2Fesbuild.wasm";

/** Runs the script as the browser would, in a context of its own; returns its window. */
function runScript(script: string): Record<string, unknown> {
  const window: Record<string, unknown> = {};
  runInNewContext(script, { window, Worker: FakeWorker, JSON });
  return window;
}

afterEach(() => {
  FakeWorker.started = [];
  delete (globalThis as { window?: unknown }).window;
});

describe("the early Run script", () => {
  it("starts the Run worker as a module worker and sends prepare at once", () => {
    const win = runScript(earlyRunScript(URL_, prepare));
    expect(FakeWorker.started).toHaveLength(1);
    const w = FakeWorker.started[0]!;
    expect(w.url).toBe(URL_);
    expect(w.options).toEqual({ type: "module", name: "gradlab-run" });
    expect(w.posted).toEqual([prepare]);
    const early = win.__gradlabEarlyRun as EarlyRun;
    expect(early.url).toBe(URL_);
    expect(early.ready).toBeNull();
  });

  it("keeps the worker's ready and error for the workbench, and ignores other messages", () => {
    const win = runScript(earlyRunScript(URL_, prepare));
    const w = FakeWorker.started[0]!;
    w.emit("message", { data: { type: "progress", runId: 1 } });
    expect((win.__gradlabEarlyRun as EarlyRun).ready).toBeNull();
    w.emit("message", { data: { type: "ready", backend: "wasm" } });
    w.emit("error", { message: "boom" });
    expect((win.__gradlabEarlyRun as EarlyRun).ready).toEqual({ type: "ready", backend: "wasm" });
    expect((win.__gradlabEarlyRun as EarlyRun).error).toBe("boom");
  });

  it("embeds its values so that none can close the script element", () => {
    const script = earlyRunScript("/gradlab/run/x.js?a=</script><script>alert(1)</script>", { ...prepare, exerciseId: "</script>" });
    expect(script).not.toMatch(/<\/script/i);
    expect(script).not.toContain("<");
    runScript(script);
    expect(FakeWorker.started[0]!.url).toBe("/gradlab/run/x.js?a=</script><script>alert(1)</script>");
    expect(FakeWorker.started[0]!.posted).toEqual([{ ...prepare, exerciseId: "</script>" }]);
  });

  it("leaves the page working when workers cannot start (Run then starts as before)", () => {
    const window: Record<string, unknown> = {};
    class Refusing {
      constructor() {
        throw new Error("SecurityError");
      }
    }
    expect(() => runInNewContext(earlyRunScript(URL_, prepare), { window, Worker: Refusing, JSON })).not.toThrow();
    expect(window.__gradlabEarlyRun).toBeUndefined();
  });
});

describe("takeEarlyRun", () => {
  it("hands over the early worker once, when it runs the workbench's own URL", () => {
    (globalThis as { window?: unknown }).window = runScript(earlyRunScript(URL_, prepare));
    const early = takeEarlyRun(URL_);
    expect(early?.worker).toBe(FakeWorker.started[0]);
    expect(takeEarlyRun(URL_)).toBeUndefined();
  });

  it("ends an early worker that runs another URL (e.g. another ?backend=) and hands nothing over", () => {
    (globalThis as { window?: unknown }).window = runScript(earlyRunScript(URL_, prepare));
    expect(takeEarlyRun(`${URL_}&backend=webgl`)).toBeUndefined();
    expect(FakeWorker.started[0]!.terminated).toBe(true);
  });

  it("hands nothing over when no early script ran", () => {
    (globalThis as { window?: unknown }).window = {};
    expect(takeEarlyRun(URL_)).toBeUndefined();
  });
});
