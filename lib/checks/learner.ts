/**
 * The learner's module as checks see it: call an export with host values and get back validated
 * host values, or a CheckFailure that says exactly what went wrong. Isomorphic: the server
 * grader backs it with an isolated-vm sandbox, the browser with a Web Worker.
 */
import type { Handle } from "../wire.ts";
import { CheckFailure } from "./failure.ts";
import { en } from "../messages/text.ts";
import { sandboxText } from "../messages/sandbox-texts.ts";

export type RawOutcome =
  | { status: "ok"; value: unknown; args?: unknown[] }
  | { status: "threw"; error: { name: string; message: string; location?: string } }
  | { status: "missing"; type: string }
  | { status: "promise" };

/** One request of a batch: a call of an export, or a read of a value kept in the sandbox. */
export type BatchCall =
  | { op: "call"; name: string; args: unknown[]; keep?: boolean; returnArgs?: boolean }
  | { op: "get"; handle: Handle };

/** What a sandbox provides. Methods throw SandboxLimitError when a limit stops the code. */
export interface RawSession {
  call(name: string, args: unknown[], opts: { keep?: boolean; returnArgs?: boolean }): Promise<RawOutcome>;
  put(value: unknown): Promise<Handle>;
  get(handle: Handle): Promise<RawOutcome>;
  /**
   * Several requests as one crossing (optional: a session without it gets them one by one). They run
   * in order, each timed and limited on its own as if sent alone, and the answer has one outcome per
   * request up to and including the first that is not ok: no request after a failure runs.
   */
  callMany?(calls: readonly BatchCall[]): Promise<RawOutcome[]>;
}

/** `calls` one at a time, stopping after the first outcome that is not ok: callMany's meaning. */
export async function callEachInOrder(session: Pick<RawSession, "call" | "get">, calls: readonly BatchCall[]): Promise<RawOutcome[]> {
  const outcomes: RawOutcome[] = [];
  for (const c of calls) {
    const o = c.op === "get" ? await session.get(c.handle) : await session.call(c.name, c.args, { keep: c.keep, returnArgs: c.returnArgs });
    outcomes.push(o);
    if (o.status !== "ok") break;
  }
  return outcomes;
}

type Queued = { call: BatchCall; label: string; resolve: (o: RawOutcome) => void; reject: (e: unknown) => void };

function outcomeFailure(label: string, o: Exclude<RawOutcome, { status: "ok" }>): CheckFailure {
  switch (o.status) {
    case "missing":
      return new CheckFailure(
        o.type === "undefined"
          ? en`${label}: your module does not export a function named ${label.split("(")[0]} (found nothing).`
          : en`${label}: your module does not export a function named ${label.split("(")[0]} (found a ${o.type}).`,
        { hint: en`Export it exactly as the starter does: \`export function name(...) { ... }\`.` },
      );
    case "promise":
      return new CheckFailure(en`${label} returned a Promise; exercise functions must be synchronous (no async, no await).`);
    case "threw": {
      // The message is the learner's own words, or the sandbox's (a value it could not read): those get their key.
      const { location } = o.error;
      const name = sandboxText(o.error.name);
      const message = sandboxText(o.error.message);
      return new CheckFailure(location ? en`${label} threw ${name}: ${message} (at ${location})` : en`${label} threw ${name}: ${message}`);
    }
  }
}

/**
 * Requests issued together (without awaiting each other, e.g. under Promise.allSettled) travel as
 * ONE batch (RawSession.callMany): they still run in the order issued, each timed on its own, and
 * the first that fails stops the rest, which then reject with that same failure. Code that awaits
 * each call sees no difference. Read the results of a batch in order (Promise.allSettled and a
 * loop) so that the first problem reported is the one sequential calls would have reported.
 */
export class Learner {
  readonly raw: RawSession;
  private queue: Queued[] = [];
  constructor(raw: RawSession) {
    this.raw = raw;
  }

  /** Call an export; returns whatever came back (already plain host data, possibly InvalidValue). */
  async call(name: string, ...args: unknown[]): Promise<unknown> {
    const o = await this.send({ op: "call", name, args });
    if (o.status !== "ok") throw outcomeFailure(`${name}(…)`, o);
    return o.value;
  }

  /** Call and also receive the arguments as they are after the call (for in-place updates). */
  async callInPlace(name: string, ...args: unknown[]): Promise<{ value: unknown; args: unknown[] }> {
    const o = await this.send({ op: "call", name, args, returnArgs: true });
    if (o.status !== "ok") throw outcomeFailure(`${name}(…)`, o);
    return { value: o.value, args: o.args ?? [] };
  }

  /** Call and leave the result in the sandbox (a model); returns a handle to pass back later. */
  async callKeep(name: string, ...args: unknown[]): Promise<Handle> {
    const o = await this.send({ op: "call", name, args, keep: true });
    if (o.status !== "ok") throw outcomeFailure(`${name}(…)`, o);
    return o.value as Handle;
  }

  /**
   * The same export called with each argument list, as one batch: the results in order, each the
   * value or the CheckFailure it gave (sequential calls stop at the first failure; so does the batch).
   */
  callMany(name: string, argLists: readonly unknown[][]): Promise<PromiseSettledResult<unknown>[]> {
    return Promise.allSettled(argLists.map((args) => this.call(name, ...args)));
  }

  /** Put a value into the sandbox (e.g. parameters that an optimizer updates in place). */
  put(value: unknown): Promise<Handle> {
    this.flush(); // requests issued before this one go first
    return this.raw.put(value);
  }

  /** Read a value kept in the sandbox. */
  async get(handle: Handle, label: string): Promise<unknown> {
    const o = await this.send({ op: "get", handle }, label);
    if (o.status !== "ok") throw outcomeFailure(label, o);
    return o.value;
  }

  /** Queue a request; everything queued in the same turn of the event loop goes out as one batch. */
  private send(call: BatchCall, label = call.op === "call" ? `${call.name}(…)` : ""): Promise<RawOutcome> {
    return new Promise<RawOutcome>((resolve, reject) => {
      this.queue.push({ call, label, resolve, reject });
      if (this.queue.length === 1) queueMicrotask(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const calls = batch.map((q) => q.call);
    const sent =
      calls.length === 1
        ? callEachInOrder(this.raw, calls)
        : this.raw.callMany
          ? this.raw.callMany(calls)
          : callEachInOrder(this.raw, calls);
    sent.then(
      (outcomes) => {
        let failed: RawOutcome | undefined;
        let failedAt = -1;
        for (let k = 0; k < batch.length; k++) {
          const o = failed ? undefined : outcomes[k];
          if (o) {
            batch[k].resolve(o);
            if (o.status !== "ok") [failed, failedAt] = [o, k];
          } else if (failed && failed.status !== "ok") {
            // Not run: sequential calls would have stopped at the failure before it.
            batch[k].reject(outcomeFailure(batch[failedAt].label, failed));
          } else {
            batch[k].reject(new Error("the sandbox answered a batch of calls with too few outcomes"));
          }
        }
      },
      (e: unknown) => {
        for (const q of batch) q.reject(e);
      },
    );
  }
}
