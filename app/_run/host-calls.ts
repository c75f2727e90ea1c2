/**
 * Calls into server-only modules (`*.host.ts`), recorded at build time and replayed in Run.
 *
 * The build (app/_build/run-assets.ts) runs each exercise's visible checks against its solution
 * in Node with the real host modules wrapped by `recordHostCall`: every call's (function, hash of
 * its arguments) → result is kept. In the browser each host export is a stub that answers with
 * `replayHostCall`: the recorded result when the arguments match a recorded call (the visible
 * inputs are fixed and public, so are their expected values), else undefined, noting that the
 * check wanted something only the server computes (app/_run/host-only.ts).
 *
 * Arguments and results cross as wire packets (lib/wire.ts): nd Tensors, typed arrays, numbers,
 * strings, plain objects and arrays. A call with anything else (a function, a tfjs tensor) is
 * neither recorded nor replayed.
 */
import { Tensor } from "../../lib/nd/index.ts";
import { decode, encode, type WirePacket } from "../../lib/wire.ts";
import { hostOnly } from "./host-only.ts";

/** One recorded result: the wire packet, its buffers in base64; `async` when the call returned a promise. */
export interface RecordedResult {
  json: string;
  buffers: string[];
  async?: true;
}

/** A host module's recordings: per exported function (by its index among the exports), argument hash → result. */
export type HostTable = Record<string, RecordedResult>[];

const INVALID = '"t":"invalid"';

/** 53 bits of a string (cyrb53): a stable key, the same in Node and every browser. */
function mix(h1: number, h2: number, s: string): [number, number] {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  return [h1, h2];
}

function bytesText(b: ArrayBuffer): string {
  const u = new Uint8Array(b);
  let s = "";
  for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
  return s;
}

/**
 * The arguments with every float rounded to float32. Visible inputs drawn from the seeded RNG go
 * through Math.cos and Math.log, whose last bit differs between V8 builds (Node's and a browser's
 * libm): the key must not. (The recorded answer then differs from the browser's exact one in the
 * last bits, far inside every tolerance.)
 */
function canonical(v: unknown, depth = 0): unknown {
  if (typeof v === "number") return Math.fround(v);
  if (v === null || typeof v !== "object" || depth > 16) return v;
  if (v instanceof Int32Array) return v;
  if (v instanceof Float64Array || v instanceof Float32Array) return Float64Array.from(v, Math.fround);
  if (Array.isArray(v)) return v.map((x) => canonical(x, depth + 1));
  if (v instanceof Tensor) return { shape: v.shape, data: Float64Array.from(v.data, Math.fround) };
  // Anything but a plain object (a tfjs tensor...) goes to the encoder as it is, which refuses it.
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = canonical((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

/** The key of a call's arguments, or undefined when they cannot be carried (a function, a tfjs tensor...). */
export function argsKey(args: unknown[]): string | undefined {
  const p = encode(canonical(args));
  if (p.json.includes(INVALID)) return undefined;
  let [h1, h2] = mix(0xdeadbeef, 0x41c6ce57, p.json);
  for (const b of p.buffers) [h1, h2] = mix(h1, h2, `|${bytesText(b)}`);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(h2 >>> 0).toString(36)}.${(h1 >>> 0).toString(36)}`;
}

const toBase64 = (b: ArrayBuffer) => btoa(bytesText(b));
function fromBase64(s: string): ArrayBuffer {
  const t = atob(s);
  const u = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) u[i] = t.charCodeAt(i);
  return u.buffer;
}

function unpack(r: RecordedResult): unknown {
  const packet: WirePacket = { json: r.json, buffers: r.buffers.map(fromBase64) };
  return decode(packet, { tensor: (shape, data) => new Tensor(data, shape) });
}

// ---- recording (build time, in Node, with the real modules) --------------------------------

/** module (path relative to the repository) → its table. */
const recordings = new Map<string, HostTable>();
/** Calls that could not be recorded, for the build's error: "module: function (why)". */
const unrecordable: string[] = [];

function keep(module: string, fn: number, key: string, value: unknown, isAsync: boolean, name: string): void {
  const p = encode(value);
  if (p.json.includes(INVALID)) {
    unrecordable.push(`${module}: ${name} returned a value Run cannot carry (${p.json.slice(0, 200)})`);
    return;
  }
  const table = recordings.get(module) ?? [];
  recordings.set(module, table);
  const mine = (table[fn] ??= {});
  mine[key] = { json: p.json, buffers: p.buffers.map(toBase64), ...(isAsync ? { async: true as const } : {}) };
}

/** The real function's result, recorded under (module, function index, hash of the arguments). */
export function recordHostCall(module: string, fn: number, name: string, args: unknown[], real: (...a: unknown[]) => unknown): unknown {
  const key = argsKey(args);
  const result = real(...args);
  if (key === undefined) {
    unrecordable.push(`${module}: ${name} was called with an argument Run cannot carry (a function or a tfjs tensor?)`);
    return result;
  }
  if (result instanceof Promise) return result.then((v) => (keep(module, fn, key, v, true, name), v));
  keep(module, fn, key, result, false, name);
  return result;
}

/** What was recorded since the last call (and forget it). */
export function takeRecordings(): { tables: Map<string, HostTable>; unrecordable: string[] } {
  const out = { tables: new Map(recordings), unrecordable: unrecordable.splice(0) };
  recordings.clear();
  return out;
}

// ---- replaying (the browser's Run) ---------------------------------------------------------

/** Calls that found no recording since the last takeHostMisses (the build checks there are none for the solution). */
const misses: string[] = [];

/** The recorded result of this call, else undefined (and the check is noted as wanting the server). */
export function replayHostCall(table: Record<string, RecordedResult> | undefined, args: unknown[], what: string): unknown {
  const key = argsKey(args);
  const hit = key === undefined ? undefined : table?.[key];
  if (!hit) {
    misses.push(what);
    return hostOnly();
  }
  const value = unpack(hit);
  return hit.async ? Promise.resolve(value) : value;
}

export function takeHostMisses(): string[] {
  return misses.splice(0);
}
