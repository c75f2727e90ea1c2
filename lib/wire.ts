/**
 * The wire format: how values cross the sandbox boundary, in both directions.
 *
 * A value becomes `{ json, buffers }`: a JSON string describing the structure, and the numeric
 * payloads as ArrayBuffers referenced by index (so big tensors cost a memcpy, not a JSON parse,
 * and NaN/±Infinity survive). The same code runs inside the isolate (the harness), in the host
 * and in the browser worker. Encoding an untrusted value never throws: what cannot be
 * represented becomes an `invalid` node that says why, and the host turns that into a clear
 * message for the learner.
 */

/** One node of the structure. Numeric payloads live in `buffers[i]`. */
export type WireNode =
  | { t: "num"; v: number | "NaN" | "Infinity" | "-Infinity" }
  | { t: "str"; v: string }
  | { t: "bool"; v: boolean }
  | { t: "null" }
  | { t: "undef" }
  | { t: "arr"; v: WireNode[] }
  | { t: "obj"; v: [string, WireNode][] }
  | { t: "tensor"; shape: number[]; buf: number }
  | { t: "f64"; buf: number }
  | { t: "i32"; buf: number }
  | { t: "handle"; id: number }
  | { t: "fn"; name: string; args: WireNode[] }
  | { t: "invalid"; why: string };

export interface WirePacket {
  json: string;
  buffers: ArrayBuffer[];
}

/** Limits that bound what an encoder will produce from an untrusted value. */
export interface WireLimits {
  /** Total numbers across every array and tensor. */
  maxElements: number;
  /** Nesting depth of arrays/objects. */
  maxDepth: number;
  /** Keys of one object / items of one plain array. */
  maxItems: number;
  /** Characters of one string. */
  maxString: number;
}

export const DEFAULT_WIRE_LIMITS: WireLimits = {
  maxElements: 5_000_000,
  maxDepth: 16,
  maxItems: 10_000,
  maxString: 10_000,
};

/** A reference to a value that stays inside the sandbox (a learner's model, optimizer state). */
export class Handle {
  readonly id: number;
  constructor(id: number) {
    this.id = id;
  }
}

/**
 * A function argument built inside the sandbox from a trusted library (see lib/sandbox-fns.ts):
 * the learner receives a real function, the host only names it.
 */
export class SandboxFn {
  readonly name: string;
  readonly args: unknown[];
  constructor(name: string, args: unknown[] = []) {
    this.name = name;
    this.args = args;
  }
}

/** What a tensor looks like on either side: the nd Tensor, or a plain `{shape, data}`. */
export interface TensorLike {
  shape: number[];
  data: ArrayLike<number>;
}

function encodeNumber(v: number): WireNode {
  if (Number.isFinite(v)) return { t: "num", v };
  return { t: "num", v: Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity" };
}

function decodeNumber(v: number | string): number {
  if (typeof v === "number") return v;
  return v === "NaN" ? NaN : v === "Infinity" ? Infinity : -Infinity;
}

/**
 * Encode a value. Safe on hostile values only when run where a hostile getter cannot hurt
 * (inside the isolate, under its time limit): it reads properties of the value.
 */
export function encode(value: unknown, limits: WireLimits = DEFAULT_WIRE_LIMITS): WirePacket {
  const buffers: ArrayBuffer[] = [];
  let elements = 0;

  const takeElements = (n: number): string | undefined => {
    elements += n;
    if (elements > limits.maxElements) {
      return `the value holds more than ${limits.maxElements.toLocaleString("en-US")} numbers in all (the result size limit)`;
    }
    return undefined;
  };

  const copyNumbers = (data: ArrayLike<number>, length: number): number | string => {
    const over = takeElements(length);
    if (over) return over;
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const x = data[i];
      // Non-numbers become NaN so the host rejects them as "not a finite number" with the index.
      out[i] = typeof x === "number" ? x : NaN;
    }
    buffers.push(out.buffer);
    return buffers.length - 1;
  };

  const node = (v: unknown, depth: number): WireNode => {
    if (depth > limits.maxDepth) return { t: "invalid", why: `nested more than ${limits.maxDepth} levels deep` };
    switch (typeof v) {
      case "number":
        return encodeNumber(v);
      case "string":
        return v.length > limits.maxString
          ? { t: "invalid", why: `a string of ${v.length} characters (limit ${limits.maxString})` }
          : { t: "str", v };
      case "boolean":
        return { t: "bool", v };
      case "undefined":
        return { t: "undef" };
      case "bigint":
        return { t: "invalid", why: "a bigint (use a plain number)" };
      case "function":
        return { t: "invalid", why: "a function" };
      case "symbol":
        return { t: "invalid", why: "a symbol" };
    }
    if (v === null) return { t: "null" };
    if (v instanceof Handle) return { t: "handle", id: v.id };
    if (v instanceof SandboxFn) return { t: "fn", name: v.name, args: v.args.map((a) => node(a, depth + 1)) };
    if (v instanceof Int32Array) {
      const over = takeElements(v.length);
      if (over) return { t: "invalid", why: over };
      buffers.push(v.slice().buffer);
      return { t: "i32", buf: buffers.length - 1 };
    }
    if (v instanceof Float64Array || v instanceof Float32Array) {
      const buf = copyNumbers(v, v.length);
      return typeof buf === "string" ? { t: "invalid", why: buf } : { t: "f64", buf };
    }
    if (Array.isArray(v)) {
      const length = v.length;
      if (length > limits.maxItems && v.every((x) => typeof x === "number")) {
        const buf = copyNumbers(v, length);
        return typeof buf === "string" ? { t: "invalid", why: buf } : { t: "f64", buf };
      }
      if (length > limits.maxItems) return { t: "invalid", why: `an array of ${length} items (limit ${limits.maxItems})` };
      const items: WireNode[] = [];
      for (let i = 0; i < length; i++) items.push(node(v[i], depth + 1));
      return { t: "arr", v: items };
    }
    const obj = v as Record<string, unknown>;
    if ("shape" in obj && "data" in obj) return tensorNode(obj.shape, obj.data);
    const keys = Object.keys(obj);
    if (keys.length > limits.maxItems) return { t: "invalid", why: `an object with ${keys.length} keys (limit ${limits.maxItems})` };
    const entries: [string, WireNode][] = [];
    for (const k of keys) entries.push([k, node(obj[k], depth + 1)]);
    return { t: "obj", v: entries };
  };

  const tensorNode = (shape: unknown, data: unknown): WireNode => {
    if (!Array.isArray(shape)) return { t: "invalid", why: `a tensor-like object whose shape is ${describe(shape)}, not an array of sizes` };
    if (shape.length > 8) return { t: "invalid", why: `a tensor-like object with ${shape.length} dimensions (limit 8)` };
    const dims: number[] = [];
    for (const d of shape) {
      if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
        return { t: "invalid", why: `a tensor-like object whose shape contains ${describe(d)} (sizes must be non-negative integers)` };
      }
      dims.push(d);
    }
    if (data === null || typeof data !== "object" || typeof (data as { length?: unknown }).length !== "number") {
      return { t: "invalid", why: `a tensor-like object whose data is ${describe(data)}, not an array of numbers` };
    }
    const arr = data as ArrayLike<number>;
    const expected = dims.reduce((a, b) => a * b, 1);
    if (arr.length !== expected) {
      return {
        t: "invalid",
        why: `a tensor-like object with shape [${dims.join(",")}] (${expected} elements) but data of length ${arr.length}`,
      };
    }
    const buf = copyNumbers(arr, expected);
    return typeof buf === "string" ? { t: "invalid", why: buf } : { t: "tensor", shape: dims, buf };
  };

  const root = node(value, 0);
  return { json: JSON.stringify(root), buffers };
}

/** Builders the decoder calls, so each side makes its own kind of tensor, handle and function. */
export interface DecodeHooks {
  tensor(shape: number[], data: Float64Array): unknown;
  handle?(id: number): unknown;
  fn?(name: string, args: unknown[]): unknown;
}

/** Decode a packet. Throws only on a malformed packet (which only a bug or an attack produces). */
export function decode(packet: WirePacket, hooks: DecodeHooks): unknown {
  const root = JSON.parse(packet.json) as WireNode;
  const buffer = (i: number): ArrayBuffer => {
    const b = packet.buffers[i];
    if (!(b instanceof ArrayBuffer)) throw new Error(`wire: missing buffer ${i}`);
    return b;
  };
  const node = (n: WireNode): unknown => {
    switch (n.t) {
      case "num":
        return decodeNumber(n.v);
      case "str":
      case "bool":
        return n.v;
      case "null":
        return null;
      case "undef":
        return undefined;
      case "arr":
        return n.v.map(node);
      case "obj": {
        const o: Record<string, unknown> = {};
        for (const [k, v] of n.v) {
          if (k === "__proto__") continue;
          o[k] = node(v);
        }
        return o;
      }
      case "tensor":
        return hooks.tensor(n.shape, new Float64Array(buffer(n.buf)));
      case "f64":
        return new Float64Array(buffer(n.buf));
      case "i32":
        return new Int32Array(buffer(n.buf));
      case "handle":
        if (!hooks.handle) throw new Error("wire: handles are not accepted here");
        return hooks.handle(n.id);
      case "fn":
        if (!hooks.fn) throw new Error("wire: functions are not accepted here");
        return hooks.fn(n.name, n.args.map(node));
      case "invalid":
        return new InvalidValue(n.why);
      default:
        throw new Error(`wire: unknown node ${JSON.stringify((n as { t: unknown }).t)}`);
    }
  };
  return node(root);
}

/** Stands where the learner returned something that cannot be carried (with the reason). */
export class InvalidValue {
  readonly why: string;
  constructor(why: string) {
    this.why = why;
  }
}

/** A short description of a value for messages ("a string", "undefined", "[object Map]"). */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}
