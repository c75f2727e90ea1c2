import { describe, expect, it } from "vitest";
import { atobImpl, btoaImpl, installWebGlobals, makePerformance, structuredCloneImpl } from "./web-globals.ts";
import { explainMissingGlobal } from "../../lib/sandbox/missing-globals.ts";
import { gradeCode } from "../grade.ts";
import { exercise } from "../../tests/helpers.ts";

/** The isolate's versions, installed on an empty object (Node's own stay untouched for comparison). */
function isolateGlobals(): Record<string, any> {
  const g: Record<string, any> = {};
  installWebGlobals(g);
  return g;
}

describe("web globals for the isolate (same behaviour as the browser's)", () => {
  it("performance.now() is monotonic milliseconds since start, even when the clock steps back", () => {
    const clock = [1000, 1005, 990, 1020];
    const p = makePerformance(() => clock.shift()!);
    expect([p.now(), p.now(), p.now()]).toEqual([5, 5, 20]);
    expect(p.timeOrigin).toBe(1000);
  });

  it("structuredClone copies what the browser copies (cycles, typed arrays sharing a buffer, Map, Set, Date) and refuses functions", () => {
    const { structuredClone } = isolateGlobals();
    const buf = new ArrayBuffer(16);
    const src: Record<string, any> = { a: [1, { b: "x" }], d: new Date(5), m: new Map([[1, { z: 2 }]]), s: new Set([3]), f32: new Float32Array(buf, 0, 2), u8: new Uint8Array(buf), re: /a+/gi };
    src.self = src;
    const ours = structuredClone(src);
    const node = globalThis.structuredClone(src);
    expect(ours).toEqual(node);
    expect(ours.self).toBe(ours);
    expect(ours.f32.buffer).toBe(ours.u8.buffer);
    expect(ours.f32.buffer).not.toBe(buf);
    class Params {
      w = [1, 2];
      get total() {
        return 3;
      }
    }
    expect(structuredCloneImpl(new Params())).toEqual({ w: [1, 2] });
    expect(() => structuredClone({ f: () => 1 })).toThrow(/could not be cloned/);
  });

  it("TextEncoder/TextDecoder round-trip UTF-8 as Node's do, lone surrogates and bad bytes included", () => {
    const { TextEncoder: Enc, TextDecoder: Dec } = isolateGlobals();
    for (const s of ["", "abc", "é€𝄞", "a\ud800b", "\udc00"]) {
      expect(Array.from(new Enc().encode(s))).toEqual(Array.from(new globalThis.TextEncoder().encode(s)));
    }
    const bytes = new Uint8Array([0x61, 0xe2, 0x82, 0xac, 0xf0, 0x9d, 0x84, 0x9e, 0xff, 0xe2, 0x82, 0x61, 0xc3]);
    expect(new Dec().decode(bytes)).toBe(new globalThis.TextDecoder().decode(bytes));
    const d = new Dec();
    expect(d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + d.decode(new Uint8Array([0xac]))).toBe("€");
    expect(() => new Dec("utf-8", { fatal: true }).decode(new Uint8Array([0xff]))).toThrow(TypeError);
  });

  it("atob/btoa match Node's, errors included", () => {
    for (const s of ["", "f", "fo", "foo", "foob", "\u00ff\u0000x"]) {
      expect(btoaImpl(s)).toBe(btoa(s));
      expect(atobImpl(btoa(s))).toBe(s);
    }
    expect(atobImpl(" Zm9v\nYg== ")).toBe(atob(" Zm9v\nYg== "));
    expect(() => btoaImpl("€")).toThrow(/Latin1/);
    expect(() => atobImpl("a")).toThrow(/not correctly encoded/);
  });

  it("names a missing web or Node API in plain words", () => {
    expect(explainMissingGlobal("fetch is not defined")).toBe("`fetch` is not available in the grader: your code runs in a sandbox without network access; remove it.");
    expect(explainMissingGlobal("Your module threw while loading: require is not defined")).toMatch(/^Your module threw while loading: `require` is not available in the grader: .*gradlab\/nd/);
    expect(explainMissingGlobal("globalThis.setTimeout is not a function")).toMatch(/^`setTimeout` is not available .* synchronously/);
    expect(explainMissingGlobal("myVar is not defined")).toBe("myVar is not defined");
  });
});

describe("web globals in graded code", () => {
  it("a training loop with a performance.now() time guard and structuredClone snapshots gets full marks (linear-regression)", async () => {
    const code = `
import { Tensor } from "gradlab/nd";
export function fit(x: Tensor, y: Tensor, h: { lr: number; epochs: number }) {
  const started = performance.now();
  const n = x.shape[0];
  let p = { w: 0, b: 0 };
  const history: { w: number; b: number }[] = [];
  const losses: number[] = [];
  const enc = new TextEncoder();
  if (new TextDecoder().decode(enc.encode("ok")) !== "ok" || atob(btoa("ok")) !== "ok") throw new Error("text helpers");
  queueMicrotask(() => {});
  for (let e = 0; e < h.epochs; e++) {
    if (performance.now() - started > 5000) throw new Error("too slow");
    history.push(structuredClone(p));
    let loss = 0, dw = 0, db = 0;
    for (let i = 0; i < n; i++) {
      const r = p.w * x.data[i] + p.b - y.data[i];
      loss += r * r; dw += 2 * r * x.data[i]; db += 2 * r;
    }
    losses.push(loss / n);
    p = { w: p.w - (h.lr * dw) / n, b: p.b - (h.lr * db) / n };
  }
  if (history.length !== h.epochs || history[0].w !== 0) throw new Error("snapshots");
  return { ...p, losses };
}`;
    const r = await gradeCode(await exercise("linear-regression"), code, { revealHidden: true });
    expect(r.tests.filter((t) => t.status !== "passed").map((t) => t.output)).toEqual([]);
    expect(r.score).toBe(r.maxScore);
  }, 60_000);

  it("says in plain words that fetch is not available, instead of a bare ReferenceError", async () => {
    const code = `export function fit() { fetch("https://example.org/answers.json"); return { w: 0, b: 0, losses: [] }; }`;
    const r = await gradeCode(await exercise("linear-regression"), code, { only: "visible" });
    expect(r.tests[0].output).toContain("threw ReferenceError: `fetch` is not available in the grader: your code runs in a sandbox without network access; remove it.");
  }, 60_000);
});
