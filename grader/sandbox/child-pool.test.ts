// The warm pool of sandbox children, and the harness's WebAssembly matmul kernel as learner code sees it.
import { afterEach, describe, expect, it } from "vitest";
import { ChildPool } from "./child-pool.ts";
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
