/**
 * A warm pool of sandbox children. Starting a child (bubblewrap, a Node without its startup
 * snapshot, isolated-vm, an isolate with the harness) takes ~150-300 ms; the pool starts the
 * next one while the current submission is graded, so that a submission finds its sandbox
 * ready. The walls do not change:
 * - one child still serves exactly one submission: `open` hands a child out of the pool for
 *   good, and the grader disposes (SIGKILLs) it after that submission;
 * - a waiting child has run only the harness (no submission's data, no learner code), and was
 *   spawned with exactly the limits of the submission it will serve (children are pooled per
 *   limits: the rlimits are fixed at spawn);
 * - the watchdog and the learner's time budget start when the submission starts, as before.
 */
import type { SandboxLimits } from "./isolate-transport.ts";
import type { SandboxScripts, SandboxTransport } from "../../lib/sandbox/transport.ts";
import { ChildTransport } from "./child-transport.ts";
import { harnessScript } from "./bundle.ts";

export interface ChildPoolOptions {
  /** Children kept ready per limits (default 1). */
  size?: number;
  /** Distinct limits kept warm, least recently used dropped first (default 3). */
  maxKeys?: number;
  /**
   * Start a replacement whenever a child is handed out (default true). A one-shot process (the
   * CLI) prewarms one child and turns this off, so that nothing is left running after it.
   */
  refill?: boolean;
  /** Start children (tests can substitute). */
  prepare?: (limits: SandboxLimits, harness: string) => Promise<ChildTransport>;
}

interface Slot {
  key: string;
  harness: string;
  child: Promise<ChildTransport>;
}

const keyOf = (limits: SandboxLimits) => JSON.stringify([limits.timeoutMs, limits.cpuMs ?? null, limits.memoryMb, limits.maxLogChars]);

export class ChildPool {
  private readonly size: number;
  private readonly refillOnOpen: boolean;
  private readonly maxKeys: number;
  private readonly prepareChild: (limits: SandboxLimits, harness: string) => Promise<ChildTransport>;
  private readonly idle: Slot[] = [];
  /** Keys in order of last use (most recent last). */
  private readonly recent: string[] = [];
  private closed = false;
  /** Submissions served by a waiting child, and by a child started for them. */
  readonly stats = { warm: 0, cold: 0 };

  constructor(opts: ChildPoolOptions = {}) {
    this.size = Math.max(0, opts.size ?? 1);
    this.maxKeys = Math.max(1, opts.maxKeys ?? 3);
    this.refillOnOpen = opts.refill ?? true;
    this.prepareChild = opts.prepare ?? ChildTransport.prepare;
  }

  /** Start children for these limits now (e.g. as soon as the CLI knows the exercise). */
  async prewarm(limits: SandboxLimits, harness?: string): Promise<void> {
    this.touch(keyOf(limits));
    await this.refill(limits, harness ?? (await harnessScript()));
  }

  /** Same signature as ChildTransport.open: a sandbox for one submission. */
  open = async (limits: SandboxLimits, scripts: SandboxScripts): Promise<SandboxTransport> => {
    if (this.closed) return ChildTransport.open(limits, scripts);
    const key = keyOf(limits);
    this.touch(key);
    let t: ChildTransport | undefined;
    const i = this.idle.findIndex((s) => s.key === key && s.harness === scripts.harness);
    if (i >= 0) {
      const [slot] = this.idle.splice(i, 1);
      try {
        const c = await slot!.child;
        await c.ready;
        if (c.alive) t = c;
        else c.dispose();
      } catch {
        t = undefined;
      }
    }
    if (this.refillOnOpen) void this.refill(limits, scripts.harness);
    if (!t) {
      this.stats.cold++;
      return ChildTransport.open(limits, scripts);
    }
    try {
      if (scripts.driver) await t.loadDriver(scripts.driver);
    } catch {
      t.dispose();
      this.stats.cold++;
      return ChildTransport.open(limits, scripts);
    }
    this.stats.warm++;
    return t;
  };

  private touch(key: string): void {
    const j = this.recent.indexOf(key);
    if (j >= 0) this.recent.splice(j, 1);
    this.recent.push(key);
    while (this.recent.length > this.maxKeys) {
      const old = this.recent.shift()!;
      for (let k = this.idle.length - 1; k >= 0; k--) {
        if (this.idle[k]!.key !== old) continue;
        const [slot] = this.idle.splice(k, 1);
        void slot!.child.then((c) => c.dispose(), () => {});
      }
    }
  }

  private async refill(limits: SandboxLimits, harness: string): Promise<void> {
    const key = keyOf(limits);
    while (!this.closed && this.recent.includes(key) && this.idle.filter((s) => s.key === key).length < this.size) {
      const child = this.prepareChild(limits, harness);
      child.catch(() => {});
      this.idle.push({ key, harness, child });
    }
  }

  /** Kill every waiting child. */
  close(): void {
    this.closed = true;
    for (const slot of this.idle.splice(0)) void slot.child.then((c) => c.dispose(), () => {});
  }
}

let shared: ChildPool | undefined;

/** The process's pool (worker and CLI); GRADLAB_SANDBOX_POOL=0 turns it off (a fresh child per submission, started on demand). */
export function sharedChildPool(): ChildPool {
  shared ??= new ChildPool({ size: process.env.GRADLAB_SANDBOX_POOL === "0" ? 0 : 1 });
  return shared;
}
