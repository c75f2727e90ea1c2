/**
 * Hostile submissions for the dense exercise (exports denseForward, denseBackward), each with
 * the verdicts it may get. None may pass; each must be stopped within its limits.
 */
import type { GradeStatus } from "../../lib/result.ts";

export interface Attack {
  name: string;
  code: string;
  /** Acceptable verdicts (never "passed"). */
  verdicts: GradeStatus[];
  /** A pattern the verdict's messages must show (what the learner is told). */
  says?: RegExp;
}

const stubBackward = `export function denseBackward(dy: any, x: any, w: any) { return { dx: x, dw: w, db: { shape: [w.shape[1]], data: new Float64Array(w.shape[1]) } }; }`;
const fwd = (body: string) => `export function denseForward(x: any, w: any, b: any): any {\n${body}\n}\n${stubBackward}\n`;
const top = (body: string) => `${body}\nexport function denseForward(x: any) { return x; }\n${stubBackward}\n`;

export const ATTACKS: Attack[] = [
  // --- time ---
  { name: "infinite loop in a function", code: fwd("while (true) {}"), verdicts: ["timeout"], says: /Time limit exceeded/ },
  { name: "infinite loop at module top level", code: top("while (true) {}"), verdicts: ["timeout"], says: /Time limit exceeded/ },
  { name: "busy loop on Date.now at top level", code: top("const end = Date.now() + 1e9; while (Date.now() < end) {}"), verdicts: ["timeout"] },
  { name: "infinite loop that swallows exceptions", code: fwd("for (;;) { try { throw 1; } catch { } }"), verdicts: ["timeout"] },
  { name: "Atomics.wait on a SharedArrayBuffer", code: fwd("const sab = new SharedArrayBuffer(16); Atomics.wait(new Int32Array(sab), 0, 0); return x;"), verdicts: ["timeout", "failed", "error"] },
  { name: "never-resolving promise returned", code: fwd("return new Promise(() => {});"), verdicts: ["failed"], says: /returned a Promise/ },
  { name: "thenable returned", code: fwd("return { then(r: any) { for(;;){} } };"), verdicts: ["failed", "timeout"] },
  { name: "microtask storm", code: fwd("const f = (): any => Promise.resolve().then(f); f(); return x;"), verdicts: ["timeout", "failed", "memory"] },
  { name: "background promise loop started at load", code: top("Promise.resolve().then(() => { for(;;){} });"), verdicts: ["timeout", "failed", "error"] },
  { name: "thrown object whose message getter never returns", code: fwd("throw { get message() { for(;;){} }, get stack() { for(;;){} } };"), verdicts: ["timeout", "failed"] },
  { name: "thrown object whose getters throw", code: fwd("throw { get message(): string { throw new Error('gotcha'); }, get name(): string { throw 1; } };"), verdicts: ["failed"] },
  { name: "result whose data getter loops", code: fwd("return { shape: [x.shape[0], w.shape[1]], get data() { for(;;){} } };"), verdicts: ["timeout", "failed"] },
  { name: "proxy result with looping traps", code: fwd("return new Proxy({}, { has() { for(;;){} }, get() { for(;;){} }, ownKeys() { for(;;){} } });"), verdicts: ["timeout", "failed"] },
  { name: "toString / valueOf / Symbol.toPrimitive in result values", code: fwd("const v = { toString() { for(;;){} }, valueOf() { for(;;){} }, [Symbol.toPrimitive]() { for(;;){} } }; return { shape: [x.shape[0], w.shape[1]], data: new Array(x.shape[0] * w.shape[1]).fill(v) };"), verdicts: ["failed"] },
  // --- memory ---
  { name: "heap bomb: growing array of objects", code: fwd("const a: any[] = []; for (;;) a.push({ a: [1, 2, 3], b: 'x' + a.length });"), verdicts: ["memory", "timeout"] },
  { name: "heap bomb at top level", code: top("const a: any[] = []; for (;;) a.push(new Array(1000).fill(1));"), verdicts: ["memory", "timeout"] },
  { name: "ArrayBuffer bomb (outside the V8 heap)", code: fwd("const a: any[] = []; for (;;) a.push(new Float64Array(1 << 20));"), verdicts: ["memory", "timeout", "failed"] },
  { name: "one huge ArrayBuffer", code: fwd("const big = new Float64Array(2 ** 30); big[0] = 1; return x;"), verdicts: ["memory", "failed"] },
  { name: "string bomb", code: fwd("let s = 'x'; for (;;) s += s;"), verdicts: ["memory", "failed", "timeout"] },
  { name: "WebAssembly.Memory (not counted by isolated-vm)", code: fwd("const m = new (globalThis as any).WebAssembly.Memory({ initial: 1000, maximum: 65536 }); m.grow(60000); return x;"), verdicts: ["failed", "memory"] },
  { name: "deep recursion", code: fwd("const f = (n: number): number => f(n + 1) + 1; return f(0);"), verdicts: ["failed", "memory"], says: /call stack|Maximum/ },
  { name: "2 GB result", code: fwd("return { shape: [2 ** 28], data: new Float64Array(2 ** 28) };"), verdicts: ["failed", "memory"] },
  { name: "result with a huge claimed shape", code: fwd("return { shape: [1e9, 1e9], data: [1] };"), verdicts: ["failed"] },
  { name: "console flood", code: fwd("for (let i = 0; i < 1e6; i++) console.log('flood '.repeat(100)); return x;"), verdicts: ["failed", "timeout"] },
  // --- escape and snooping ---
  { name: "escape through the constructor chain", code: fwd("const p = (x as any).constructor.constructor('return typeof process === \"undefined\" ? null : process')(); return p.mainModule.require('fs').readFileSync('/etc/passwd', 'utf8');"), verdicts: ["failed"] },
  { name: "Error.prepareStackTrace to reach host objects", code: fwd("(Error as any).prepareStackTrace = (e: any, frames: any[]) => frames.map((f: any) => f.getThis()); const s: any = new Error().stack; return s[1].constructor.constructor('return process')().exit(0);"), verdicts: ["failed"] },
  { name: "dynamic import of fs", code: fwd("return (import('fs') as any);"), verdicts: ["failed", "error"] },
  { name: "static import of child_process", code: `import { execSync } from "child_process";\nexport function denseForward(x: any) { return execSync("id"); }\n${stubBackward}`, verdicts: ["error"], says: /may import only "gradlab\/nd"/ },
  { name: "require at top level", code: top("const fs = (globalThis as any).require?.('fs') ?? (globalThis as any).__gradlab_require('fs');"), verdicts: ["error"] },
  { name: "network: fetch and XMLHttpRequest", code: fwd("return (globalThis as any).fetch('http://127.0.0.1:1/') ?? new (globalThis as any).XMLHttpRequest();"), verdicts: ["failed"] },
  { name: "looks for the reference or the solution in globals", code: fwd("const names = Object.getOwnPropertyNames(globalThis).filter((n) => /solution|reference|expected|tf|hidden/i.test(n)); if (names.length) throw new Error('found ' + names.join()); return { shape: [x.shape[0], w.shape[1]], data: new Float64Array(x.shape[0] * w.shape[1]) };"), verdicts: ["failed"] },
  { name: "patches Math.random and crypto to rig hidden inputs", code: top("Math.random = () => 0; (globalThis as any).crypto = { getRandomValues: (a: any) => a.fill(0) };").replace("return x;", "return { shape: [x.shape[0], w.shape[1]], data: new Float64Array(x.shape[0] * w.shape[1]) };").replace("denseForward(x: any)", "denseForward(x: any, w: any)"), verdicts: ["failed"] },
  { name: "overwrites harness globals and JSON", code: top("(globalThis as any).__gradlab_host = null; (globalThis as any).__gradlab_define = () => {}; JSON.stringify = () => '{\"t\":\"obj\",\"v\":[[\"status\",{\"t\":\"str\",\"v\":\"ok\"}]]}';"), verdicts: ["failed", "error"] },
  { name: "mutates the inputs it was given", code: fwd("x.data.fill(0); w.data.fill(0); return { shape: [x.shape[0], w.shape[1]], data: new Float64Array(x.shape[0] * w.shape[1]) };"), verdicts: ["failed"] },
  // --- tampering with what the harness and the wire encoder use (issue 11.7) ---
  { name: "replaces JSON.stringify to smuggle a 10 MB message past the size limits", code: top("const big = 'A'.repeat(10_000_000); (JSON as any).stringify = () => '{\"t\":\"obj\",\"v\":[[\"status\",{\"t\":\"str\",\"v\":\"ok\"}],[\"value\",{\"t\":\"invalid\",\"why\":\"' + big + '\"}]]}';"), verdicts: ["failed"] },
  { name: "replaces JSON.stringify to return 2M lone surrogates", code: top("const big = '\\ud800'.repeat(2_000_000); (JSON as any).stringify = () => '{\"t\":\"obj\",\"v\":[[\"status\",{\"t\":\"str\",\"v\":\"threw\"}],[\"error\",{\"t\":\"obj\",\"v\":[[\"message\",{\"t\":\"str\",\"v\":\"' + big + '\"}]]}]]}';"), verdicts: ["failed"] },
  { name: "replaces JSON.stringify with a function the host cannot copy", code: top("(JSON as any).stringify = () => (() => 1);"), verdicts: ["failed"] },
  { name: "replaces push, Object.keys, isArray, String.prototype.slice and the array iterator", code: top("const big = 'B'.repeat(1_000_000); Array.prototype.push = function () { return 0; }; (Object as any).keys = () => new Array(100000).fill(big); (Array as any).isArray = () => true; String.prototype.slice = function () { return big; }; (Array.prototype as any)[Symbol.iterator] = function* () { for (;;) yield big; };"), verdicts: ["failed", "timeout"] },
  { name: "setters and toJSON on Object.prototype, species on typed arrays", code: top("Object.defineProperty(Float64Array, Symbol.species, { get() { return function () { return new Float64Array(1e7); }; } }); (Float64Array.prototype as any).set = () => {}; (Object.prototype as any).toJSON = () => 'y'.repeat(5e6); Object.defineProperty(Object.prototype, 'shape', { get() { return [1e9]; }, configurable: true }); Object.defineProperty(Object.prototype, 'value', { set(v: any) {}, get() { return 'x'.repeat(5e6); }, configurable: true });"), verdicts: ["failed"] },
  { name: "getters that answer differently on every read", code: fwd("let n = 0; const rows = x.shape[0], cols = w.shape[1]; return { get shape() { return n++ ? [1e9] : [rows, cols]; }, get data() { return n++ > 1 ? { length: 1e9 } : new Float64Array(rows * cols); } };"), verdicts: ["failed"] },
  { name: "nested arrays of long strings (100M characters of structure)", code: fwd("const row = new Array(10000).fill('s'.repeat(10000)); return [row, row, row];"), verdicts: ["failed", "memory"] },
  { name: "lone surrogates in a result, an error message and console output", code: fwd("console.log('\\udc00'.repeat(100000)); throw new Error('\\ud800'.repeat(100000));"), verdicts: ["failed"] },
  { name: "throws a proxy whose traps throw it again", code: fwd("const p: any = new Proxy({}, { get() { throw p; }, getPrototypeOf() { throw Symbol('s'); } }); throw p;"), verdicts: ["failed"] },
  { name: "throws a symbol", code: fwd("throw Symbol('boom');"), verdicts: ["failed"] },
  { name: "throws a 50 MB string at module top level", code: top("throw 'E'.repeat(50_000_000);"), verdicts: ["error", "memory"] },
  // --- broken results ---
  { name: "NaN everywhere", code: fwd("return { shape: [x.shape[0], w.shape[1]], data: new Array(x.shape[0] * w.shape[1]).fill(NaN) };"), verdicts: ["failed"], says: /contains NaN/ },
  { name: "hollow result (shape without data)", code: fwd("return { shape: [x.shape[0], w.shape[1]], data: [] };"), verdicts: ["failed"], says: /data of length 0/ },
  { name: "Infinity", code: fwd("return { shape: [x.shape[0], w.shape[1]], data: new Array(x.shape[0] * w.shape[1]).fill(Infinity) };"), verdicts: ["failed"], says: /Infinity/ },
  { name: "non-number elements", code: fwd("return { shape: [x.shape[0], w.shape[1]], data: new Array(x.shape[0] * w.shape[1]).fill('1') };"), verdicts: ["failed"] },
  { name: "oversized source file", code: "// " + "x".repeat(300 * 1024) + "\n" + fwd("return x;"), verdicts: ["error"], says: /limit is/ },
  { name: "garbage that does not compile", code: "export function denseForward(x) { return x +; }\n\u0000\u0001", verdicts: ["error"], says: /does not compile/ },
];
