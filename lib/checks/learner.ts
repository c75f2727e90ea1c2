/**
 * The learner's module as checks see it: call an export with host values and get back validated
 * host values, or a CheckFailure that says exactly what went wrong. Isomorphic: the server
 * grader backs it with an isolated-vm sandbox, the browser with a Web Worker.
 */
import { Tensor } from "../nd/index.ts";
import { Handle, InvalidValue, describe } from "../wire.ts";
import { CheckFailure } from "./failure.ts";

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
        `${label}: your module does not export a function named ${label.split("(")[0]} (found ${o.type === "undefined" ? "nothing" : "a " + o.type}).`,
        { hint: "Export it exactly as the starter does: `export function name(...) { ... }`." },
      );
    case "promise":
      return new CheckFailure(`${label} returned a Promise; exercise functions must be synchronous (no async, no await).`);
    case "threw": {
      const where = o.error.location ? ` (at ${o.error.location})` : "";
      return new CheckFailure(`${label} threw ${o.error.name}: ${o.error.message}${where}`);
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

// ---- validating what came back: missing → type → shape → non-finite ------------------------

/** The returned value as a Tensor of `shape`, or a CheckFailure naming what is wrong. */
export function asTensorResult(label: string, v: unknown, shape?: number[]): Tensor {
  if (v instanceof InvalidValue) throw new CheckFailure(`${label} returned ${v.why}.`);
  if (v === undefined) throw new CheckFailure(`${label} returned nothing (undefined); expected a tensor${shape ? ` of shape [${shape}]` : ""}.`, { hint: "Did you forget a `return`?" });
  if (!(v instanceof Tensor)) {
    throw new CheckFailure(`${label} returned ${describe(v)}; expected a tensor (an nd Tensor or {shape, data})${shape ? ` of shape [${shape}]` : ""}.`);
  }
  if (shape && (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i]))) {
    throw new CheckFailure(`${label} has shape [${v.shape}], expected [${shape}].`, { hint: shapeHint(v.shape, shape) });
  }
  const bad = firstNonFinite(v.data);
  if (bad >= 0) {
    throw new CheckFailure(`${label} contains ${v.data[bad]} at ${indexLabel(v.shape, bad)}; every element must be a finite number.`, {
      hint: Number.isNaN(v.data[bad]) ? "NaN usually comes from log(0), 0/0, or exp overflow: subtract the max before exp, clamp before log." : "An infinity usually comes from exp overflow or division by zero.",
    });
  }
  return v;
}

/** The returned value as a finite number. Accepts a size-1 tensor too. */
export function asNumberResult(label: string, v: unknown): number {
  if (v instanceof InvalidValue) throw new CheckFailure(`${label} returned ${v.why}.`);
  let x = v;
  if (v instanceof Tensor && v.data.length === 1) x = v.data[0];
  if (typeof x !== "number") throw new CheckFailure(`${label} returned ${describe(v)}; expected a number.`, x === undefined ? { hint: "Did you forget a `return`?" } : {});
  if (!Number.isFinite(x)) throw new CheckFailure(`${label} returned ${x}; expected a finite number.`);
  return x;
}

/** The returned value as an Int32Array-like list of integers of `length`. */
export function asIntsResult(label: string, v: unknown, length: number): Int32Array {
  if (v instanceof InvalidValue) throw new CheckFailure(`${label} returned ${v.why}.`);
  let data: ArrayLike<number> | undefined;
  if (v instanceof Int32Array || v instanceof Float64Array) data = v;
  else if (v instanceof Tensor) data = v.data;
  else if (Array.isArray(v)) data = v as number[];
  if (!data) throw new CheckFailure(`${label} returned ${describe(v)}; expected an Int32Array of ${length} class ids.`);
  if (data.length !== length) throw new CheckFailure(`${label} returned ${data.length} values; expected ${length} (one per row).`);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const x = data[i];
    if (typeof x !== "number" || !Number.isInteger(x)) throw new CheckFailure(`${label}[${i}] is ${x}; expected an integer class id.`);
    out[i] = x;
  }
  return out;
}

/** A plain object result with the listed keys. */
export function asObjectResult(label: string, v: unknown, keys: string[]): Record<string, unknown> {
  if (v instanceof InvalidValue) throw new CheckFailure(`${label} returned ${v.why}.`);
  if (v === null || typeof v !== "object" || v instanceof Tensor || Array.isArray(v)) {
    throw new CheckFailure(`${label} returned ${describe(v)}; expected an object with ${keys.map((k) => `'${k}'`).join(", ")}.`);
  }
  const o = v as Record<string, unknown>;
  const missing = keys.filter((k) => !(k in o) || o[k] === undefined);
  if (missing.length) throw new CheckFailure(`${label} returned an object without ${missing.map((k) => `'${k}'`).join(", ")}; expected keys ${keys.map((k) => `'${k}'`).join(", ")}.`);
  return o;
}

function firstNonFinite(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/** "[1,2]" style index of flat position `pos` in `shape`. */
export function indexLabel(shape: number[], pos: number): string {
  if (shape.length === 0) return "[]";
  const idx: number[] = new Array(shape.length);
  let rem = pos;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = rem % shape[d];
    rem = Math.floor(rem / shape[d]);
  }
  return `[${idx.join(",")}]`;
}

function shapeHint(got: number[], want: number[]): string | undefined {
  if (got.length === want.length && got.length === 2 && got[0] === want[1] && got[1] === want[0]) return "The shape is transposed: check the order of the matmul operands or a missing transpose.";
  if (got.length === want.length + 1 && got[got.length - 1] === 1) return "There is an extra trailing dimension of size 1: reshape or sum it away.";
  if (got.length + 1 === want.length) return "A dimension is missing: did you reduce (sum/mean) along an axis you should keep?";
  const gotN = got.reduce((a, b) => a * b, 1);
  const wantN = want.reduce((a, b) => a * b, 1);
  if (gotN === wantN) return "Right number of elements, wrong shape: reshape to the expected shape.";
  return undefined;
}
