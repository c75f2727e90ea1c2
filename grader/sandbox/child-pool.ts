/**
 * A warm pool of sandbox children. Starting a child (bubblewrap, a Node without its startup
 * snapshot, isolated-vm, an isolate with the harness) takes ~250 ms of CPU, most of it Node's own
 * boot; the pool starts the next one while the current submission is graded, and lets one child
 * serve several submissions, each in a brand-new isolate. The walls do not change:
 * - every submission gets a fresh isolate: between two submissions the child disposes the
 *   previous one (and checks it is gone) and opens the next one with the harness only, so a
 *   waiting child has run only the harness in its current isolate;
 * - a child serves at most `reuse` submissions (GRADLAB_SANDBOX_REUSE, default 32; 1: one
 *   process per submission) and none after `maxAgeMs` (10 min) from its start;
 * - only a submission that ended cleanly returns its child: anything abnormal (a limit, a crash,
 *   the watchdog, an internal or harness error, a protocol violation, a load or compile error,
 *   output past its budget, a verdict other than passed/failed) kills it. A caller that cannot
 *   tell how the submission ended (`open`) never returns it;
 * - a child was spawned with exactly the limits of the submissions it serves (pooled per limits:
 *   the rlimits are fixed at spawn; RLIMIT_CPU is sized for reuse, see child-transport.ts);
 * - the watchdog and the learner's time budget start when the submission starts, as before.
 * docs/sandbox.md has the threat model of reuse.
 */
import type { SandboxLimits } from "./isolate-transport.ts";
import type { LoadOutcome, PacketCall, SandboxScripts, SandboxTransport } from "../../lib/sandbox/transport.ts";
import type { WirePacket } from "../../lib/wire.ts";
import { ChildTransport } from "./child-transport.ts";
import { harnessScript } from "./bundle.ts";

const DEFAULT_SANDBOX_REUSE = 32;
const DEFAULT_SANDBOX_MAX_AGE_MS = 10 * 60_000;

export interface ChildPoolOptions {
  /** Children kept ready per limits (default 1; 0: none, and no reuse). */
  size?: number;
  /** Distinct limits kept warm, least recently used dropped first (default 3). */
  maxKeys?: number;
  /**
   * Start a replacement whenever a child is handed out (default true). A one-shot process (the
   * CLI) prewarms one child and turns this off, so that nothing is left running after it.
   */
  refill?: boolean;
  /** Submissions one child may serve, each in a fresh isolate (default 1 here; sharedChildPool reads GRADLAB_SANDBOX_REUSE). */
  reuse?: number;
  /** No submission is served by a child older than this (default 10 min). */
  maxAgeMs?: number;
  /** Start children (tests can substitute). */
  prepare?: (limits: SandboxLimits, harness: string, reusable: boolean) => Promise<ChildTransport>;
  /** Told why each child is started and why each one ends (GRADLAB_DEBUG_POOL=1 logs them to stderr). */
  onEvent?: (e: PoolEvent) => void;
}

/** Why a child was started, or why one ended: the pool's accounting (bench/sandbox-reuse.ts prints it). */
export interface PoolEvent {
  kind: "started" | "ended";
  why: string;
  key: string;
  /** Submissions the child had served when it ended. */
  served?: number;
  /** What the child reported (a retirement's figures). */
  detail?: string;
}

interface Slot {
  key: string;
  harness: string;
  child: Promise<ChildTransport>;
}

const keyOf = (limits: SandboxLimits) => JSON.stringify([limits.timeoutMs, limits.cpuMs ?? null, limits.memoryMb, limits.maxLogChars]);

/**
 * One submission's sandbox from the pool. It watches what the submission does to its child (any
 * failed request, a load that did not succeed, output past its budget) and, once the submission is
 * over, `settle` hands the child back for another submission or kills it.
 */
export class PooledSandbox implements SandboxTransport {
  readonly child: ChildTransport;
  private readonly limits: SandboxLimits;
  private readonly onSettle: (s: PooledSandbox, reusable: boolean) => void;
  /** false: dispose() kills the child (the caller cannot say how the submission ended). */
  private readonly deferred: boolean;
  private abnormal = false;
  private ended = false;
  private settled = false;

  constructor(child: ChildTransport, limits: SandboxLimits, onSettle: (s: PooledSandbox, reusable: boolean) => void, deferred: boolean) {
    this.child = child;
    this.limits = limits;
    this.onSettle = onSettle;
    this.deferred = deferred;
  }

  /** The child's OS pid (bwrap's, under bubblewrap). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Once the submission is over, this handle reaches nothing (its child may serve someone else). */
  private watch<T>(request: () => Promise<T>): Promise<T> {
    if (this.ended) return Promise.reject(new Error("this submission's sandbox is closed"));
    return request().catch((e: unknown) => {
      this.abnormal = true;
      throw e;
    });
  }

  async load(script: string): Promise<LoadOutcome> {
    const r = await this.watch(() => this.child.load(script));
    // A compile error or a throwing top level: the isolate goes anyway, but no doubt is worth a process.
    if (!r || r.ok !== true) this.abnormal = true;
    return r;
  }

  call(name: string, packet: WirePacket, keep: boolean, returnArgs: boolean): Promise<WirePacket> {
    return this.watch(() => this.child.call(name, packet, keep, returnArgs));
  }

  callMany(calls: readonly PacketCall[]): Promise<WirePacket[]> {
    return this.watch(() => this.child.callMany(calls));
  }

  put(packet: WirePacket): Promise<number> {
    return this.watch(() => this.child.put(packet));
  }

  get(id: number): Promise<WirePacket> {
    return this.watch(() => this.child.get(id));
  }

  async logs(): Promise<string> {
    if (this.ended) return "";
    const text = await this.child.logs();
    if (!this.child.alive || text.length >= this.limits.maxLogChars) this.abnormal = true;
    return text;
  }

  /** The submission is over (grade.ts calls this in its `finally`). */
  dispose(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.deferred) this.settle(false);
  }

  /** How the submission ended: only `clean` and nothing abnormal seen here returns the child to the pool. */
  settle(clean: boolean): void {
    if (this.settled) return;
    this.settled = true;
    const reusable = clean && this.ended && !this.abnormal && this.child.alive && !this.child.violated;
    this.onSettle(this, reusable);
  }
}

/** The sandboxes one submission opened, settled together once its verdict is known. */
export interface SubmissionSandboxes {
  open: (limits: SandboxLimits, scripts: SandboxScripts) => Promise<SandboxTransport>;
  settle(clean: boolean): void;
}

interface Lent {
  key: string;
  harness: string;
  limits: SandboxLimits;
  /** Counted in `expected`: the pool did not start a replacement, it waits for this one. */
  expected: boolean;
}

export class ChildPool {
  private readonly size: number;
  private readonly refillOnOpen: boolean;
  private readonly maxKeys: number;
  private readonly reuse: number;
  private readonly maxAgeMs: number;
  private readonly prepareChild: (limits: SandboxLimits, harness: string, reusable: boolean) => Promise<ChildTransport>;
  private readonly idle: Slot[] = [];
  /** Children lent out that are expected back, per key (they stand in for a waiting child). */
  private readonly expected = new Map<string, number>();
  private readonly lent = new WeakMap<PooledSandbox, Lent>();
  /** Submissions served so far, per child. */
  private readonly served = new WeakMap<ChildTransport, number>();
  /** Keys in order of last use (most recent last). */
  private readonly recent: string[] = [];
  private closed = false;
  /** Submissions served by a waiting child (fresh or recycled), and by a child started for them. */
  readonly stats = { warm: 0, cold: 0 };
  /** Children handed back for another submission, and children killed when their submission ended (abnormal, last use, too old, retired). */
  readonly reuseStats = { recycled: 0, killed: 0 };
  /** Children started and ended, by why (see PoolEvent). */
  readonly why: { started: Record<string, number>; ended: Record<string, number> } = { started: {}, ended: {} };
  private readonly onEvent: ((e: PoolEvent) => void) | undefined;

  constructor(opts: ChildPoolOptions = {}) {
    this.size = Math.max(0, opts.size ?? 1);
    this.maxKeys = Math.max(1, opts.maxKeys ?? 3);
    this.refillOnOpen = opts.refill ?? true;
    this.reuse = this.size === 0 ? 1 : Math.max(1, Math.floor(opts.reuse ?? 1));
    this.maxAgeMs = opts.maxAgeMs ?? DEFAULT_SANDBOX_MAX_AGE_MS;
    this.prepareChild = opts.prepare ?? ChildTransport.prepare;
    this.onEvent = opts.onEvent ?? (process.env.GRADLAB_DEBUG_POOL === "1" ? (e) => process.stderr.write(`sandbox pool: ${JSON.stringify(e)}\n`) : undefined);
  }

  private record(e: PoolEvent): void {
    const counts = this.why[e.kind];
    counts[e.why] = (counts[e.why] ?? 0) + 1;
    this.onEvent?.(e);
  }

  private get reusable(): boolean {
    return this.reuse > 1;
  }

  /** Start children for these limits now (e.g. as soon as the CLI knows the exercise). */
  async prewarm(limits: SandboxLimits, harness?: string): Promise<void> {
    this.touch(keyOf(limits));
    await this.refill(limits, harness ?? (await harnessScript()), "prewarm");
  }

  /**
   * A sandbox for one submission whose caller cannot say how it ended: its child is killed on
   * dispose, never reused (the CLI, benches). Same signature as ChildTransport.open.
   */
  open = (limits: SandboxLimits, scripts: SandboxScripts): Promise<SandboxTransport> => this.lend(limits, scripts, false);

  /**
   * Sandboxes for one submission whose caller settles them with its verdict (the grading thread):
   * `settle(true)` only for a verdict that ended cleanly (passed or failed, no internal error).
   */
  submission(): SubmissionSandboxes {
    const opened: PooledSandbox[] = [];
    return {
      open: async (limits, scripts) => {
        const s = await this.lend(limits, scripts, true);
        opened.push(s);
        return s;
      },
      settle: (clean) => {
        for (const s of opened.splice(0)) {
          s.dispose();
          s.settle(clean);
        }
      },
    };
  }

  private tooOld(c: ChildTransport): boolean {
    return Date.now() - c.startedAt >= this.maxAgeMs;
  }

  /** A waiting child with these limits (the oldest first, fresh or recycled), if one is usable. */
  private async takeWaiting(key: string, harness: string): Promise<ChildTransport | undefined> {
    for (;;) {
      const i = this.idle.findIndex((s) => s.key === key && s.harness === harness);
      if (i < 0) return undefined;
      const [slot] = this.idle.splice(i, 1);
      try {
        const c = await slot!.child;
        await c.ready;
        if (c.alive && !c.violated && !this.tooOld(c)) return c;
        this.record({ kind: "ended", why: !c.alive ? "died while waiting" : c.violated ? "protocol violation while waiting" : "too old", key, served: this.served.get(c) ?? 0 });
        c.dispose();
      } catch {
        /* failed to start or to recycle: already killed (and recorded, if by a recycle) */
      }
    }
  }

  private async lend(limits: SandboxLimits, scripts: SandboxScripts, deferred: boolean): Promise<PooledSandbox> {
    if (this.closed) return new PooledSandbox(await ChildTransport.open(limits, scripts), limits, (s) => s.child.dispose(), false);
    const key = keyOf(limits);
    this.touch(key);
    let t = await this.takeWaiting(key, scripts.harness);
    const waited = !!t;
    // None waiting: start one as a pool's child (it may serve later submissions), not a one-off
    // child with a spare started beside it (two start-ups, one of them killed after one use).
    if (!t && this.size > 0) t = await this.startNow(key, limits, scripts.harness);
    let served = t ? (this.served.get(t) ?? 0) + 1 : 1;
    // Expected back when this is not its last submission (a clean end returns it); else its successor starts now.
    let expected = !!t && deferred && this.reusable && served < this.reuse;
    if (expected) this.expected.set(key, (this.expected.get(key) ?? 0) + 1);
    else if (this.refillOnOpen) {
      const why = !t ? "spare: no child was waiting" : !deferred ? "successor of a one-shot open" : !this.reusable ? "successor (no reuse)" : "successor of a child on its last use";
      void this.refill(limits, scripts.harness, why);
    }
    if (t && scripts.driver) {
      try {
        await t.loadDriver(scripts.driver);
      } catch {
        this.record({ kind: "ended", why: "driver failed to load", key, served: served - 1 });
        t.dispose();
        t = undefined;
        if (expected) {
          expected = false;
          this.expected.set(key, this.expected.get(key)! - 1);
          if (this.refillOnOpen) void this.refill(limits, scripts.harness, "successor of a child whose driver failed");
        }
      }
    }
    if (t && waited) this.stats.warm++;
    else this.stats.cold++;
    if (!t) {
      this.record({ kind: "started", why: "cold: no pool child could serve", key });
      t = await ChildTransport.open(limits, scripts, this.reusable);
      served = 1;
    }
    this.served.set(t, served);
    const s = new PooledSandbox(t, limits, (sandbox, ok) => this.giveBack(sandbox, ok), deferred);
    this.lent.set(s, { key, harness: scripts.harness, limits, expected });
    return s;
  }

  /** A child started for a submission that found none waiting (undefined if it failed to start). */
  private async startNow(key: string, limits: SandboxLimits, harness: string): Promise<ChildTransport | undefined> {
    this.record({ kind: "started", why: "cold: no child was waiting", key });
    try {
      const c = await this.prepareChild(limits, harness, this.reusable);
      await c.ready;
      return c;
    } catch {
      return undefined;
    }
  }

  /** A submission is over: recycle its child for the next one, or kill it (and start a successor if none is on the way). */
  private giveBack(s: PooledSandbox, reusable: boolean): void {
    const lent = this.lent.get(s);
    const c = s.child;
    if (!lent) return c.dispose();
    this.lent.delete(s);
    if (lent.expected) this.expected.set(lent.key, Math.max(0, (this.expected.get(lent.key) ?? 0) - 1));
    const waiting = this.idle.filter((x) => x.key === lent.key).length + (this.expected.get(lent.key) ?? 0);
    const served = this.served.get(c) ?? 1;
    // The first reason that stops the child serving again (none: it is recycled).
    const end = !reusable
      ? "abnormal end (or no verdict)"
      : this.closed
        ? "pool closed"
        : !c.reusable
          ? "one-shot child"
          : served >= this.reuse
            ? "last use"
            : this.tooOld(c)
              ? "too old"
              : !this.recent.includes(lent.key)
                ? "its limits were dropped (least recently used)"
                : waiting >= this.size
                  ? "a child with its limits is already waiting"
                  : undefined;
    if (end) {
      this.record({ kind: "ended", why: end, key: lent.key, served });
      c.dispose();
      this.reuseStats.killed++;
      if (lent.expected && this.refillOnOpen) void this.refill(lent.limits, lent.harness, `successor of a child ended by: ${end}`);
      return;
    }
    this.reuseStats.recycled++;
    const slot: Slot = { key: lent.key, harness: lent.harness, child: c.recycle(lent.harness).then(() => c) };
    slot.child.catch((e: unknown) => {
      // retired (CPU or address space) or failed: its successor starts now
      const i = this.idle.indexOf(slot);
      if (i >= 0) this.idle.splice(i, 1);
      this.reuseStats.killed++;
      const msg = e instanceof Error ? e.message : String(e);
      const why = msg.startsWith("retired: address space") ? "retired: address space grew" : msg.startsWith("retired:") ? "retired: CPU used" : "recycle failed";
      this.record({ kind: "ended", why, key: lent.key, served, detail: msg.slice(0, 200) });
      if (this.refillOnOpen) void this.refill(lent.limits, lent.harness, `successor of a child ${why}`);
    });
    this.idle.push(slot);
  }

  private touch(key: string): void {
    const j = this.recent.indexOf(key);
    if (j >= 0) this.recent.splice(j, 1);
    this.recent.push(key);
    while (this.recent.length > this.maxKeys) {
      const old = this.recent.shift()!;
      for (let k = this.idle.length - 1; k >= 0; k--) {
        if (this.idle[k]!.key !== old) continue;
        const [slot] = this.idle.splice(k, 1);
        this.record({ kind: "ended", why: "its limits were dropped (least recently used)", key: old });
        void slot!.child.then((c) => c.dispose(), () => {});
      }
    }
  }

  private async refill(limits: SandboxLimits, harness: string, why: string): Promise<void> {
    const key = keyOf(limits);
    const waiting = () => this.idle.filter((s) => s.key === key).length + (this.expected.get(key) ?? 0);
    while (!this.closed && this.recent.includes(key) && waiting() < this.size) {
      this.record({ kind: "started", why, key });
      const child = this.prepareChild(limits, harness, this.reusable);
      child.catch(() => {});
      this.idle.push({ key, harness, child });
    }
  }

  /** Kill every waiting child (children lent out die when their submission settles). */
  close(): void {
    this.closed = true;
    for (const slot of this.idle.splice(0)) void slot.child.then((c) => c.dispose(), () => {});
  }
}

/** GRADLAB_SANDBOX_REUSE: submissions one sandbox child may serve (each in a fresh isolate); 1 restores one process per submission. */
export function sandboxReuse(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GRADLAB_SANDBOX_REUSE;
  if (raw === undefined || raw.trim() === "") return DEFAULT_SANDBOX_REUSE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`GRADLAB_SANDBOX_REUSE must be a whole number of submissions, at least 1 (got '${raw}')`);
  return n;
}

let shared: ChildPool | undefined;

/**
 * The process's pool (worker and CLI); GRADLAB_SANDBOX_POOL=0 turns it off (a fresh child per
 * submission, started on demand); GRADLAB_SANDBOX_REUSE sets how many submissions a child serves.
 */
export function sharedChildPool(): ChildPool {
  shared ??= new ChildPool({ size: process.env.GRADLAB_SANDBOX_POOL === "0" ? 0 : 1, reuse: sandboxReuse() });
  return shared;
}
