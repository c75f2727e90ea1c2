/**
 * A batch of learner calls (RawSession.callMany, one sandbox crossing) behaves exactly as the same
 * calls made one by one: same outcomes in order, each call timed alone, and no call after the first
 * failure runs. In process and through the sandbox child.
 */
import { afterEach, describe, expect, it } from "vitest";
import { harnessScript } from "./bundle.ts";
import { IsolateTransport, type SandboxLimits } from "./isolate-transport.ts";
import { ChildTransport } from "./child-transport.ts";
import { transpileLearner } from "../../lib/sandbox/transpile.ts";
import { BATCH_REPLY_BYTES, PacketSession, type SandboxTransport } from "../../lib/sandbox/transport.ts";
import { callEachInOrder, Learner, type BatchCall } from "../../lib/checks/learner.ts";
import { CheckFailure, SandboxLimitError } from "../../lib/checks/failure.ts";
import { Tensor } from "../../lib/nd/index.ts";

const LEARNER = `
const g = globalThis as any;
export function f(x: unknown): unknown {
  g.runs = (g.runs ?? 0) + 1;
  if (x === "throw") throw new RangeError("bad x");
  if (x === "promise") return Promise.resolve(1);
  if (x === "loop") for (;;) {}
  return (x as number) * 2;
}
export function runs(): number { return g.runs ?? 0; }
export function bump(a: Float64Array): number { a[0] += 1; return a[0]; }
export function big(n: number): Float64Array { return new Float64Array(n); }
export const notAFunction = 3;
`;

const LIMITS: SandboxLimits = { timeoutMs: 2_000, memoryMb: 128, maxLogChars: 4096 };
const opened: SandboxTransport[] = [];
afterEach(() => {
  for (const t of opened.splice(0)) t.dispose();
});

type Open = (limits: SandboxLimits, scripts: { harness: string }) => Promise<SandboxTransport>;

/** A session with LEARNER loaded; `crossings` counts requests to the transport. */
async function session(open: Open, limits = LIMITS, source = LEARNER) {
  const t = await open(limits, { harness: await harnessScript() });
  opened.push(t);
  const compiled = await transpileLearner(source);
  if (!compiled.ok) throw new Error(compiled.message);
  const loaded = await t.load(compiled.script);
  expect(loaded.ok).toBe(true);
  const counter = { crossings: 0 };
  const counted: SandboxTransport = {
    load: (s) => t.load(s),
    call: (...a) => (counter.crossings++, t.call(...a)),
    put: (p) => (counter.crossings++, t.put(p)),
    get: (id) => (counter.crossings++, t.get(id)),
    callMany: (cs) => (counter.crossings++, t.callMany!(cs)),
    logs: () => t.logs(),
    dispose: () => t.dispose(),
  };
  const raw = new PacketSession(counted, compiled.mapLocation);
  return { raw, counter, learner: new Learner(raw) };
}

const call = (name: string, ...args: unknown[]): BatchCall => ({ op: "call", name, args });
const inProcess: Open = (l, s) => IsolateTransport.open(l, s);
const child: Open = (l, s) => ChildTransport.open(l, s);

describe("a batch of calls in process", () => {
  it("gives the outcomes of sequential calls, in order, and stops after a throw, a missing export or a promise", async () => {
    for (const failing of [call("f", "throw"), call("nothing"), call("notAFunction"), call("f", "promise")]) {
      const calls = [call("f", 1), call("f", 2), failing, call("f", 3)];
      const one = await session(inProcess);
      const many = await session(inProcess);
      const sequential = await callEachInOrder(one.raw, calls);
      const batched = await many.raw.callMany(calls);
      expect(batched).toEqual(sequential);
      expect(batched).toHaveLength(3);
      expect(batched[2].status).not.toBe("ok");
      expect(many.counter.crossings).toBe(1);
      // f(3) never ran in either: the learner's own counter says 2 (plus the failing f, if it is f).
      const ran = failing.op === "call" && failing.name === "f" ? 3 : 2;
      expect(await one.learner.call("runs")).toBe(ran);
      expect(await many.learner.call("runs")).toBe(ran);
    }
  });

  it("a thrown error keeps its message and the learner's line", async () => {
    const s = await session(inProcess);
    const [ok, threw] = await s.raw.callMany([call("f", 4), call("f", "throw")]);
    expect(ok).toEqual({ status: "ok", value: 8, args: undefined });
    expect(threw).toMatchObject({ status: "threw", error: { name: "RangeError", message: "bad x", location: expect.stringMatching(/^solution\.ts:5:/) } });
  });

  it("Learner: calls issued together cross once; the first failure stops the rest, which report it", async () => {
    const s = await session(inProcess);
    const results = await s.learner.callMany("f", [[1], [2], ["throw"], [3], [4]]);
    expect(s.counter.crossings).toBe(1);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected", "rejected"]);
    expect(results.slice(0, 2).map((r) => (r as PromiseFulfilledResult<unknown>).value)).toEqual([2, 4]);
    const failures = results.slice(2).map((r) => (r as PromiseRejectedResult).reason as CheckFailure);
    for (const f of failures) expect(f).toBeInstanceOf(CheckFailure);
    expect(failures[0].message).toMatch(/^f\(…\) threw RangeError: bad x/);
    expect(failures[1].message).toBe(failures[0].message);
    expect(await s.learner.call("runs")).toBe(3);
  });

  it("Learner: calls awaited one by one still cross one at a time", async () => {
    const s = await session(inProcess);
    for (const x of [1, 2, 3]) expect(await s.learner.call("f", x)).toBe(2 * x);
    expect(s.counter.crossings).toBe(3);
  });

  it("returnArgs and reads of kept values work inside a batch", async () => {
    const s = await session(inProcess);
    const a = new Float64Array([1, 5]);
    const h = await s.learner.put(a);
    const [first, second, read] = await Promise.all([s.learner.callInPlace("bump", a), s.learner.call("bump", h), s.learner.get(h, "a")]);
    expect(s.counter.crossings).toBe(2); // the put, then one batch
    expect(first).toEqual({ value: 2, args: [new Float64Array([2, 5])] });
    expect(second).toBe(2);
    expect(read).toEqual(new Float64Array([2, 5]));
  });

  it("a time limit mid-batch stops the submission as a single call does, and nothing after it runs", async () => {
    const s = await session(inProcess, { ...LIMITS, timeoutMs: 300 });
    const results = await s.learner.callMany("f", [[1], ["loop"], [3]]);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(SandboxLimitError);
      expect(((r as PromiseRejectedResult).reason as SandboxLimitError).kind).toBe("timeout");
    }
  });

  it("each call of a batch is timed alone against the remaining budget", async () => {
    const s = await session(inProcess, { ...LIMITS, timeoutMs: 300 });
    // 200 cheap calls fit the budget however they are grouped.
    const results = await s.learner.callMany("f", Array.from({ length: 200 }, (_, i) => [i]));
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    expect(s.counter.crossings).toBe(1);
  });

  it("answers past the byte budget end a batch early, and the rest are sent again, in order", async () => {
    const s = await session(inProcess);
    const n = BATCH_REPLY_BYTES / 8 / 2 + 1; // two of these pass the budget
    const out = await s.raw.callMany([call("big", n), call("big", n), call("big", n), call("f", 1)]);
    expect(out.map((o) => o.status)).toEqual(["ok", "ok", "ok", "ok"]);
    expect((out[2] as { value: Tensor | Float64Array }).value).toHaveLength(n);
    expect(s.counter.crossings).toBe(2);
  });

  it("a session without callMany gets the calls one by one, with the same stop", async () => {
    const s = await session(inProcess);
    const sequentialOnly = new Learner({ call: (n, a, o) => s.raw.call(n, a, o), put: (v) => s.raw.put(v), get: (h) => s.raw.get(h) });
    const results = await sequentialOnly.callMany("f", [[1], ["throw"], [3]]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected"]);
    expect(s.counter.crossings).toBe(2);
    expect(await s.learner.call("runs")).toBe(2);
  });
});

/** Learner code that, during a batch, turns on what the harness's batch loop could rely on. */
const TAMPERING = `
const g = globalThis as any;
let kept: Float64Array | undefined;
export function out(x: number): Float64Array {
  if (kept) kept.fill(-1); // an earlier reply's numbers, if the learner could still reach them
  kept = new Float64Array([x, x + 1]);
  return kept;
}
export function tamper(): number {
  const noop = () => {};
  Array.prototype.push = function () { return 0; };
  (Reflect as any).defineProperty = () => true;
  Object.defineProperty = (() => ({})) as any;
  JSON.stringify = () => "[]";
  for (const k of ["0", "1", "2", "packet", "ok", "op", "name", "handle", "length", "json", "buffers"]) {
    Object.defineProperty(Object.prototype, k, { get: () => { throw new Error("read " + k); }, set: noop, configurable: true });
  }
  Object.defineProperty(Array.prototype, Symbol.iterator, { get: () => { throw new Error("iterated"); } });
  return 7;
}
export function twice(x: number): number { return 2 * x; }
`;

describe("a batch inside the isolate (the harness's callMany: one entry for the whole batch)", () => {
  it("learner code run by one call cannot change what the next calls are or what earlier replies say", async () => {
    const s = await session(inProcess, LIMITS, TAMPERING);
    const out = await s.raw.callMany([call("out", 1), call("tamper"), call("twice", 3), call("out", 5), call("twice", 4)]);
    expect(s.counter.crossings).toBe(1);
    expect(out.map((o) => o.status)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(out.map((o) => (o as { value: unknown }).value)).toEqual([new Float64Array([1, 2]), 7, 6, new Float64Array([5, 6]), 8]);
  });

  it("stops after a throw or a missing export even when the learner replaced the globals first", async () => {
    const s = await session(inProcess, LIMITS, TAMPERING);
    const out = await s.raw.callMany([call("tamper"), call("nothing"), call("twice", 1)]);
    expect(out.map((o) => o.status)).toEqual(["ok", "missing"]);
  });
});

describe("a batch of calls through the sandbox child", () => {
  it("one IPC request, the outcomes of sequential calls, and a time limit that ends the child's work", async () => {
    const one = await session(child);
    const many = await session(child);
    const calls = [call("f", 1), call("f", 2), call("f", "throw"), call("f", 3)];
    const sequential = await callEachInOrder(one.raw, calls);
    const batched = await many.raw.callMany(calls);
    expect(batched).toEqual(sequential);
    expect(many.counter.crossings).toBe(1);
    expect(await many.learner.call("runs")).toBe(3);

    const slow = await session(child, { ...LIMITS, timeoutMs: 300 });
    const results = await slow.learner.callMany("f", [[1], ["loop"], [3]]);
    for (const r of results) expect(((r as PromiseRejectedResult).reason as SandboxLimitError).kind).toBe("timeout");
  }, 60_000);
});
