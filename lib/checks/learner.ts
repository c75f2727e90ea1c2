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

/** What a sandbox provides. Methods throw SandboxLimitError when a limit stops the code. */
export interface RawSession {
  call(name: string, args: unknown[], opts: { keep?: boolean; returnArgs?: boolean }): Promise<RawOutcome>;
  put(value: unknown): Promise<Handle>;
  get(handle: Handle): Promise<RawOutcome>;
}

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

export class Learner {
  readonly raw: RawSession;
  constructor(raw: RawSession) {
    this.raw = raw;
  }

  /** Call an export; returns whatever came back (already plain host data, possibly InvalidValue). */
  async call(name: string, ...args: unknown[]): Promise<unknown> {
    const o = await this.raw.call(name, args, {});
    if (o.status !== "ok") throw outcomeFailure(`${name}(…)`, o);
    return o.value;
  }

  /** Call and also receive the arguments as they are after the call (for in-place updates). */
  async callInPlace(name: string, ...args: unknown[]): Promise<{ value: unknown; args: unknown[] }> {
    const o = await this.raw.call(name, args, { returnArgs: true });
    if (o.status !== "ok") throw outcomeFailure(`${name}(…)`, o);
    return { value: o.value, args: o.args ?? [] };
  }

  /** Call and leave the result in the sandbox (a model); returns a handle to pass back later. */
  async callKeep(name: string, ...args: unknown[]): Promise<Handle> {
    const o = await this.raw.call(name, args, { keep: true });
    if (o.status !== "ok") throw outcomeFailure(`${name}(…)`, o);
    return o.value as Handle;
  }

  /** Put a value into the sandbox (e.g. parameters that an optimizer updates in place). */
  put(value: unknown): Promise<Handle> {
    return this.raw.put(value);
  }

  /** Read a value kept in the sandbox. */
  async get(handle: Handle, label: string): Promise<unknown> {
    const o = await this.raw.get(handle);
    if (o.status !== "ok") throw outcomeFailure(label, o);
    return o.value;
  }
}
