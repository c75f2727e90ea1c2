// The warm pool of sandbox children, and the harness's WebAssembly matmul kernel as learner code sees it.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { loadCatalogue } from "../exercises.ts";
import { gradeCode } from "../grade.ts";
import { ChildPool, PooledSandbox, sandboxReuse } from "./child-pool.ts";
import { ChildTransport } from "./child-transport.ts";
import { harnessScript } from "./bundle.ts";
import { DEFAULT_LIMITS, IsolateTransport } from "./isolate-transport.ts";
import { PacketSession, type SandboxTransport } from "../../lib/sandbox/transport.ts";
import { transpileLearner } from "../../lib/sandbox/transpile.ts";
import { Rng, matmul, randn } from "../../lib/nd/index.ts";

const limits = { ...DEFAULT_LIMITS, timeoutMs: 5_000 };
const alive = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};
const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

async function session(t: SandboxTransport, code: string): Promise<PacketSession> {
  const compiled = await transpileLearner(code);
  if (!compiled.ok) throw new Error(compiled.message);
  const s = new PacketSession(t, compiled.mapLocation);
  const loaded = await s.load(compiled.script);
  if (!loaded.ok) throw new Error(loaded.message);
  return s;
}

const pools: ChildPool[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) p.close();
});

describe("ChildPool", () => {
  it("hands each waiting child out once, and starts the next one", async () => {
    const pool = new ChildPool();
    pools.push(pool);
    const harness = await harnessScript();
    await pool.prewarm(limits, harness);
    const a = (await pool.open(limits, { harness })) as ChildTransport;
    const b = (await pool.open(limits, { harness })) as ChildTransport;
    expect(a.pid).toBeDefined();
    expect(b.pid).not.toBe(a.pid);
    expect(pool.stats.warm).toBe(2);
    // Each serves its own submission; disposing one kills it and leaves the other alone.
    const sa = await session(a, "export const f = () => 1;");
    const sb = await session(b, "export const f = () => 2;");
    expect(await sa.call("f", [], {})).toMatchObject({ status: "ok", value: 1 });
    a.dispose();
    expect(await until(() => !alive(a.pid))).toBe(true);
    expect(await sb.call("f", [], {})).toMatchObject({ status: "ok", value: 2 });
    b.dispose();
  }, 60_000);

  it("never serves a submission with a child started for other limits", async () => {
    const pool = new ChildPool();
    pools.push(pool);
    const harness = await harnessScript();
    await pool.prewarm(limits, harness);
    const other = { ...limits, memoryMb: 64 };
    const t = await pool.open(other, { harness });
    expect(pool.stats).toEqual({ warm: 0, cold: 1 });
    t.dispose();
  }, 60_000);

  it("gives a prepared child the exercise's driver before the learner's code", async () => {
    const pool = new ChildPool();
    pools.push(pool);
    const harness = await harnessScript();
    await pool.prewarm(limits, harness);
    const { wrapModule } = await import("../../lib/sandbox/transpile.ts");
    const driver = wrapModule(`module.exports = { twice: (learner, x) => 2 * learner.f(x) };`, "driver");
    const t = await pool.open(limits, { harness, driver });
    expect(pool.stats.warm).toBe(1);
    const s = await session(t, "export const f = (x: number) => x + 1;");
    expect(await s.call("driver:twice", [4], {})).toMatchObject({ status: "ok", value: 10 });
    t.dispose();
  }, 60_000);

  it("close() stops the waiting children, and a one-shot pool leaves none behind", async () => {
    const pool = new ChildPool({ refill: false });
    const harness = await harnessScript();
    let started: ChildTransport | undefined;
    const spy = new ChildPool({
      refill: false,
      prepare: async (l, h) => (started = await ChildTransport.prepare(l, h)),
    });
    await spy.prewarm(limits, harness);
    expect(await until(() => started !== undefined)).toBe(true);
    await started!.ready;
    expect(alive(started!.pid)).toBe(true);
    spy.close();
    expect(await until(() => !alive(started!.pid))).toBe(true);
    // one-shot: open takes the prewarmed child and starts no other
    let count = 0;
    const counting = new ChildPool({ refill: false, prepare: (l, h) => (count++, ChildTransport.prepare(l, h)) });
    await counting.prewarm(limits, harness);
    const t = await counting.open(limits, { harness });
    expect(count).toBe(1);
    t.dispose();
    counting.close();
    pool.close();
  }, 60_000);
});

describe("the harness's matmul kernel, from learner code", () => {
  const learner = `
    import { Rng, randn, matmul } from "gradlab/nd";
    export function product(seed: number, n: number, k: number, m: number) {
      const rng = new Rng(seed);
      const a = randn([n, k], rng);
      const b = randn([k, m], rng);
      return matmul(a, b);
    }
    export function probe() {
      return [typeof WebAssembly, typeof (globalThis as any).WebAssembly].join(",");
    }
    export function tampered(seed: number) {
      // A learner breaking TypedArray methods only spoils their own values, never the kernel's copies.
      (Float64Array.prototype as any).set = () => { throw new Error("nope"); };
      (Object.getPrototypeOf(Float64Array.prototype) as any).set = () => { throw new Error("nope"); };
      (Object.getPrototypeOf(Float64Array.prototype) as any).subarray = () => { throw new Error("nope"); };
      return product(seed, 64, 128, 10);
    }
  `;

  it("computes exactly what nd computes in the host, and WebAssembly stays out of reach", async () => {
    const t = await IsolateTransport.open(limits, { harness: await harnessScript() });
    try {
      const s = await session(t, learner);
      expect(await s.call("probe", [], {})).toMatchObject({ status: "ok", value: "undefined,undefined" });
      for (const [seed, n, k, m] of [
        [1, 64, 784, 128],
        [2, 64, 128, 64],
        [3, 64, 64, 10],
        [4, 7, 33, 5],
      ]) {
        const o = await s.call("product", [seed, n, k, m], {});
        expect(o.status).toBe("ok");
        const rng = new Rng(seed!);
        const host = matmul(randn([n!, k!], rng), randn([k!, m!], rng));
        const got = (o as { value: { data: Float64Array } }).value.data;
        expect(Array.from(got).every((v, i) => Object.is(v, host.data[i]))).toBe(true);
      }
      const o = await s.call("tampered", [5], {});
      expect(o.status).toBe("ok");
      const rng = new Rng(5);
      const host = matmul(randn([64, 128], rng), randn([128, 10], rng));
      expect(Array.from((o as { value: { data: Float64Array } }).value.data)).toEqual(Array.from(host.data));
    } finally {
      t.dispose();
    }
  }, 60_000);
});

describe("a sandbox child serving several submissions (GRADLAB_SANDBOX_REUSE)", () => {
  const dead = (t: SandboxTransport) => until(() => !alive((t as PooledSandbox).child.pid));
  const pidOf = (t: SandboxTransport) => (t as PooledSandbox).child.pid;

  /** One submission through the pool as the grading thread runs it: open, run `fn`, settle with how it ended. */
  async function submit<T>(pool: ChildPool, fn: (t: SandboxTransport) => Promise<T>, clean = true, lim = limits, driver?: string): Promise<{ t: SandboxTransport; out: T }> {
    const sandboxes = pool.submission();
    const t = await sandboxes.open(lim, { harness: await harnessScript(), driver });
    try {
      return { t, out: await fn(t) };
    } finally {
      sandboxes.settle(clean);
    }
  }

  // Everything a previous submission in the same child could have spoiled, as the next learner sees it.
  const probe = `
    import { tensor, matmul, Tensor } from "gradlab/nd";
    export function observe() {
      const g = globalThis as any;
      return JSON.stringify({
        globals: Object.getOwnPropertyNames(globalThis).sort(),
        objectProto: Object.getOwnPropertyNames(Object.prototype).sort(),
        arrayProto: Object.getOwnPropertyNames(Array.prototype).length,
        polluted: [g.stolen, g.leaked, ({} as any).polluted, typeof g.keep],
        map: [1, 2, 3].map((x) => x * 2),
        json: JSON.stringify({ a: 1 }),
        tensorProto: Object.getOwnPropertyNames(Tensor.prototype).sort(),
        product: Array.from(matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).data),
        console: typeof console.log,
        then: typeof (Promise.prototype as any).then,
      });
    }
  `;
  const hostile = `
    import * as nd from "gradlab/nd";
    export function attack() {
      const g = globalThis as any;
      g.stolen = "from the previous learner";
      (Object.prototype as any).polluted = true;
      Array.prototype.map = function () { return ["spoiled"]; } as any;
      JSON.stringify = () => "spoiled";
      (nd.Tensor.prototype as any).extra = 1;
      try { (nd as any).matmul = () => nd.tensor([[666]]); } catch { /* nd's exports may be read-only */ }
      (Promise.prototype as any).then = function () { return this; };
      new Promise(() => {});
      Promise.resolve().then(() => { g.leaked = "a late promise"; });
      queueMicrotask(() => { g.leaked = "a late microtask"; });
      g.keep = new Float64Array(10_000_000); // 80 MB, kept alive by a global
      g.keep.fill(1);
      return 1;
    }
    export function spoiled() {
      return [[1, 2].map((x) => x), (nd.tensor([1]) as any).extra, (globalThis as any).stolen];
    }
  `;

  it("serves N clean submissions, each in a fresh isolate, then is replaced", async () => {
    const pool = new ChildPool({ reuse: 3 });
    pools.push(pool);
    await pool.prewarm(limits, await harnessScript());
    const pids: (number | undefined)[] = [];
    let first: SandboxTransport | undefined;
    for (let i = 0; i < 4; i++) {
      const { t, out } = await submit(pool, async (t) => (await session(t, `let n = 0; export const f = () => ++n;`)).call("f", [], {}));
      expect(out).toMatchObject({ status: "ok", value: 1 }); // module state starts again in each submission
      pids.push(pidOf(t));
      first ??= t;
      if (i === 2) expect(await dead(t)).toBe(true); // the third was its last
    }
    expect(pids[1]).toBe(pids[0]);
    expect(pids[2]).toBe(pids[0]);
    // A finished submission's handle reaches nothing, though its child serves the next one.
    await expect(first!.put({ json: "[1]", buffers: [] })).rejects.toThrow(/closed/);
    expect(pids[3]).not.toBe(pids[0]);
    expect(pool.stats).toEqual({ warm: 4, cold: 0 });
    expect(pool.reuseStats.recycled).toBe(3); // the first child twice, then its successor
  }, 120_000);

  it("a hostile submission (globals, prototypes, nd, promises, a huge allocation) leaves nothing for the next one in the same child", async () => {
    const fresh = await ChildTransport.open(limits, { harness: await harnessScript() });
    let expected: unknown;
    try {
      expected = await (await session(fresh, probe)).call("observe", [], {});
    } finally {
      fresh.dispose();
    }
    expect(expected).toMatchObject({ status: "ok" });
    const pool = new ChildPool({ reuse: 4 });
    pools.push(pool);
    await pool.prewarm(limits, await harnessScript());
    const first = await submit(pool, async (t) => {
      const s = await session(t, hostile);
      return [await s.call("attack", [], {}), await s.call("spoiled", [], {})];
    });
    expect(first.out[0], JSON.stringify(first.out[0])).toMatchObject({ status: "ok", value: 1 });
    expect(first.out[1], JSON.stringify(first.out[1])).toMatchObject({ status: "ok", value: [["spoiled"], 1, "from the previous learner"] }); // in its own isolate, the attack worked
    const second = await submit(pool, async (t) => (await session(t, probe)).call("observe", [], {}));
    expect(pidOf(second.t)).toBe(pidOf(first.t));
    expect(second.out).toEqual(expected);
  }, 120_000);

  it("a timeout, a memory kill, an error from the sandbox, an internal error on the host, a load error or too much output: the child is killed, not reused", async () => {
    const short = { ...limits, timeoutMs: 1_000, maxLogChars: 1_000 };
    const pool = new ChildPool({ reuse: 32 });
    pools.push(pool);
    await pool.prewarm(short, await harnessScript());
    const cases: [string, (t: SandboxTransport) => Promise<unknown>, boolean][] = [
      ["timeout", async (t) => (await session(t, "export const f = () => { for (;;) {} };")).call("f", [], {}).catch((e: Error) => e.message), true],
      ["memory", async (t) => (await session(t, "export const f = () => { const a: number[][] = []; for (;;) a.push(new Array(1e6).fill(1.5)); };")).call("f", [], {}).catch((e: Error) => e.message), true],
      ["sandbox error", (t) => t.put({ json: "not json", buffers: [] }).catch((e: Error) => e.message), true],
      ["internal error on the host", async (t) => (await session(t, "export const f = () => 1;")).call("f", [], {}), false],
      ["load error", (t) => session(t, "throw new Error('at the top level');").catch((e: Error) => e.message), true],
      ["output budget", async (t) => {
        await (await session(t, "export const f = () => { for (let i = 0; i < 100; i++) console.log('x'.repeat(100)); };")).call("f", [], {});
        return t.logs();
      }, true],
    ];
    let previous: number | undefined;
    for (const [what, fn, clean] of cases) {
      const { t, out } = await submit(pool, fn, clean, short);
      expect(out, what).toBeDefined();
      expect(pidOf(t), what).not.toBe(previous);
      expect(await dead(t), what).toBe(true);
      previous = pidOf(t);
    }
    expect(pool.reuseStats).toEqual({ recycled: 0, killed: cases.length });
  }, 180_000);

  it("a recycle sends the harness again only when it changed, and the next isolate runs the harness it was given", async () => {
    const harness = await harnessScript();
    const marked = `${harness}\n;globalThis.__harnessMark = "second";`;
    const t = await ChildTransport.open(limits, { harness }, true);
    try {
      const sent: { op?: string; harness?: unknown }[] = [];
      const child = (t as unknown as { child: import("node:child_process").ChildProcess }).child;
      const send = child.send.bind(child);
      child.send = ((m: { op?: string; harness?: unknown }, cb?: (e: Error | null) => void) => (sent.push(m), send(m, cb))) as typeof child.send;
      const mark = async () => (await session(t, "export const mark = () => String((globalThis as any).__harnessMark);")).call("mark", [], {});
      expect(await mark()).toMatchObject({ status: "ok", value: "undefined" });
      await t.recycle(harness);
      expect(await mark()).toMatchObject({ status: "ok", value: "undefined" });
      await t.recycle(marked);
      expect(await mark()).toMatchObject({ status: "ok", value: "second" });
      await t.recycle(marked);
      expect(await mark()).toMatchObject({ status: "ok", value: "second" });
      const recycles = sent.filter((m) => m.op === "recycle").map((m) => (typeof m.harness === "string" ? m.harness.length : "kept"));
      expect(recycles).toEqual(["kept", marked.length, "kept"]);
    } finally {
      t.dispose();
    }
  }, 60_000);

  it("never carries one exercise's driver into the next submission", async () => {
    const pool = new ChildPool({ reuse: 4 });
    pools.push(pool);
    const harness = await harnessScript();
    await pool.prewarm(limits, harness);
    const { wrapModule } = await import("../../lib/sandbox/transpile.ts");
    const driver = wrapModule(`module.exports = { twice: (learner, x) => 2 * learner.f(x) };`, "driver");
    const a = await submit(pool, async (t) => (await session(t, "export const f = (x: number) => x + 1;")).call("driver:twice", [4], {}), true, limits, driver);
    expect(a.out).toMatchObject({ status: "ok", value: 10 });
    const b = await submit(pool, async (t) => (await session(t, "export const f = (x: number) => x + 1;")).call("driver:twice", [4], {}));
    expect(pidOf(b.t)).toBe(pidOf(a.t));
    expect(b.out).toMatchObject({ status: "threw", error: { message: expect.stringContaining("the driver has no driver:twice") } });
  }, 120_000);

  it("the bench's layer mix, graded as the worker grades it: one child per limits, started once, none retired", async () => {
    // Two limits in this mix (5 s and 10 s). Before: a spare was started beside each cold child (and
    // killed after one use), and children were retired for address-space growth (glibc's malloc
    // arenas) every 2-12 submissions.
    const ids = ["dense", "conv2d", "softmax-cross-entropy", "optimizers", "activations", "lr-schedule"];
    const exercises = await Promise.all(ids.map(async (id) => (await loadCatalogue(undefined, { only: id })).exercises.find((e) => e.id === id)!));
    const pool = new ChildPool({ reuse: 32 });
    pools.push(pool);
    const statuses: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const ex of exercises) {
        const sandboxes = pool.submission();
        let clean = false;
        try {
          const r = await gradeCode(ex, readFileSync(ex.files.solution, "utf8") + `\n// submission ${round}\n`, { openTransport: sandboxes.open });
          clean = r.status === "passed" || r.status === "failed";
          statuses.push(r.status);
        } finally {
          sandboxes.settle(clean);
        }
      }
    }
    expect(statuses).toEqual(Array(18).fill("passed"));
    expect(pool.why.started).toEqual({ "cold: no child was waiting": 2 });
    expect(pool.why.ended).toEqual({});
    expect(pool.reuseStats).toEqual({ recycled: 18, killed: 0 });
  }, 240_000);

  it("GRADLAB_SANDBOX_REUSE=1 (and open() without a verdict) give one process per submission", async () => {
    expect(sandboxReuse({})).toBe(32);
    expect(sandboxReuse({ GRADLAB_SANDBOX_REUSE: "1" })).toBe(1);
    expect(() => sandboxReuse({ GRADLAB_SANDBOX_REUSE: "0" })).toThrow(/at least 1/);
    const one = new ChildPool({ reuse: sandboxReuse({ GRADLAB_SANDBOX_REUSE: "1" }) });
    const many = new ChildPool({ reuse: 32 });
    pools.push(one, many);
    await one.prewarm(limits, await harnessScript());
    await many.prewarm(limits, await harnessScript());
    const run = async (t: SandboxTransport) => (await session(t, "export const f = () => 1;")).call("f", [], {});
    const a = await submit(one, run);
    const b = await submit(one, run);
    expect(pidOf(b.t)).not.toBe(pidOf(a.t));
    expect(await dead(a.t)).toBe(true);
    // open(): the caller cannot say how the submission ended, so its child is never reused.
    const c = await many.open(limits, { harness: await harnessScript() });
    await run(c);
    c.dispose();
    expect(await dead(c)).toBe(true);
    expect(one.reuseStats.recycled + many.reuseStats.recycled).toBe(0);
  }, 120_000);
});
