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

/** Limits that bound what an encoder will produce from an untrusted value (and a decoder accept). */
export interface WireLimits {
  /** Total numbers across every array and tensor (plain numbers included). */
  maxElements: number;
  /** Nesting depth of arrays/objects. */
  maxDepth: number;
  /** Keys of one object / items of one plain array. */
  maxItems: number;
  /** Characters of one string. */
  maxString: number;
  /** Characters of one object key. */
  maxKey: number;
  /** Characters of the whole JSON structure (strings, keys and nodes together). */
  maxJsonChars: number;
}

export const DEFAULT_WIRE_LIMITS: WireLimits = {
  maxElements: 5_000_000,
  maxDepth: 16,
  maxItems: 10_000,
  maxString: 10_000,
  maxKey: 200,
  maxJsonChars: 8_000_000,
};

/** Characters of an `invalid` node's reason that a decoder keeps. */
const MAX_WHY = 500;

/**
 * Intrinsics, captured when this module loads: inside the isolate and the browser worker that is
 * before any learner code runs. Learner code may then replace JSON.stringify, Array.prototype.push,
 * Object.keys, typed-array methods, Symbol.species or add setters to Object.prototype: the
 * encoder calls none of those through the (replaceable) globals, so its limits hold whatever the
 * learner did. What it reads from the learner's value (getters, proxy traps) runs under the
 * call's time limit and is read exactly once.
 */
const I = (() => {
  const TypedArray = Object.getPrototypeOf(Int8Array) as { prototype: object };
  const getter = (o: object, k: PropertyKey) => Object.getOwnPropertyDescriptor(o, k)!.get as (this: unknown) => unknown;
  const toWellFormed = (String.prototype as { toWellFormed?: () => string }).toWellFormed;
  return {
    apply: Reflect.apply,
    defineProperty: Reflect.defineProperty,
    stringify: JSON.stringify as (v: unknown) => string,
    parse: JSON.parse as (s: string) => unknown,
    isArray: Array.isArray,
    keys: Object.keys,
    isInteger: Number.isInteger,
    isFinite: Number.isFinite,
    typedArrayTag: getter(TypedArray.prototype, Symbol.toStringTag),
    typedArrayLength: getter(TypedArray.prototype, "length"),
    typedArrayBuffer: getter(TypedArray.prototype, "buffer"),
    typedArraySet: (TypedArray.prototype as { set: (this: unknown, src: unknown) => void }).set,
    byteLength: getter(ArrayBuffer.prototype, "byteLength"),
    toWellFormed: typeof toWellFormed === "function" ? toWellFormed : undefined,
    stringSlice: String.prototype.slice,
    Float64Array,
    Int32Array,
    Uint8Array,
  };
})();

/** "Float64Array", "Int32Array", …, for a real typed array (never a proxy or a look-alike); else undefined. */
function typedArrayKind(v: object): string | undefined {
  return I.apply(I.typedArrayTag, v, []) as string | undefined;
}

/** Bytes of a real ArrayBuffer, or -1 for anything else (the getter is the brand check). */
function arrayBufferBytes(v: unknown): number {
  try {
    return I.apply(I.byteLength, v, []) as number;
  } catch {
    return -1;
  }
}

/** 5000000 → "5,000,000", without Number.prototype.toLocaleString (replaceable). */
function grouped(n: number): string {
  let s = `${n}`;
  let out = "";
  while (s.length > 3) {
    out = `,${I.apply(I.stringSlice, s, [-3])}${out}`;
    s = I.apply(I.stringSlice, s, [0, -3]) as string;
  }
  return s + out;
}

/** Append without Array.prototype.push or an index write a prototype setter could catch. */
function append<T>(arr: T[], v: T): void {
  I.defineProperty(arr, arr.length, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
}

/** A string whose lone surrogates are replaced (cheap: one native pass over a bounded string). */
export function wellFormed(s: string): string {
  return I.toWellFormed ? (I.apply(I.toWellFormed, s, []) as string) : s;
}

const handleBrand = new WeakSet<object>();
const weakSetAdd = WeakSet.prototype.add;
const weakSetHas = WeakSet.prototype.has;

/** A reference to a value that stays inside the sandbox (a learner's model, optimizer state). */
export class Handle {
  readonly id: number;
  constructor(id: number) {
    this.id = id;
    I.apply(weakSetAdd, handleBrand, [this]);
  }
}

function isHandle(v: object): v is Handle {
  return I.apply(weakSetHas, handleBrand, [v]) as boolean;
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

function numberText(v: number): string {
  // String concatenation converts a primitive number without consulting Number.prototype.
  if (I.isFinite(v)) return `{"t":"num","v":${v}}`;
  return v !== v ? `{"t":"num","v":"NaN"}` : v > 0 ? `{"t":"num","v":"Infinity"}` : `{"t":"num","v":"-Infinity"}`;
}

function decodeNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  throw new Error("wire: malformed number");
}

/** Thrown inside encode when the structure outgrows maxJsonChars; never leaves encode. */
const TOO_BIG: object = Object.freeze({ __proto__: null });

const invalidText = (why: string) => `{"t":"invalid","why":${I.stringify(why)}}`;

/**
 * Encode a value into JSON text and numeric buffers. Safe on hostile values only when run where
 * a hostile getter cannot hurt (inside the isolate, under its time limit): it reads properties of
 * the value, each once. Whatever the value or the globals, the packet stays within `limits`.
 */
export function encode(value: unknown, overrides: Partial<WireLimits> = {}): WirePacket {
  const limits: WireLimits = { ...DEFAULT_WIRE_LIMITS, ...overrides };
  const buffers: ArrayBuffer[] = [];
  let elements = 0;
  let chars = 0;

  const spend = (text: string): string => {
    chars += text.length;
    if (chars > limits.maxJsonChars) throw TOO_BIG;
    return text;
  };

  const takeElements = (n: number): string | undefined => {
    elements += n;
    if (elements > limits.maxElements) return `the value holds more than ${grouped(limits.maxElements)} numbers in all (the result size limit)`;
    return undefined;
  };

  const pushBuffer = (b: ArrayBuffer): number => {
    append(buffers, b);
    return buffers.length - 1;
  };

  /** A real typed array's numbers as float64, or the reason it cannot be carried. */
  const typedNumbers = (v: object, kind: string): number | string => {
    const length = I.apply(I.typedArrayLength, v, []) as number;
    const over = takeElements(length);
    if (over) return over;
    if (kind === "BigInt64Array" || kind === "BigUint64Array") return "a BigInt64Array (use Float64Array)";
    const out = new I.Float64Array(length);
    I.apply(I.typedArraySet, out, [v]);
    return pushBuffer(I.apply(I.typedArrayBuffer, out, []) as ArrayBuffer);
  };

  /** Whether the last listNumbers met an element that was not a number. */
  let mixed = false;
  /** Numbers of a plain array-like: each element read once; non-numbers become NaN (the host names them). */
  const listNumbers = (data: ArrayLike<unknown>, length: number): number | string => {
    const over = takeElements(length);
    if (over) return over;
    const out = new I.Float64Array(length);
    mixed = false;
    for (let i = 0; i < length; i++) {
      const x = data[i];
      if (typeof x === "number") out[i] = x;
      else {
        out[i] = NaN;
        mixed = true;
      }
    }
    return pushBuffer(I.apply(I.typedArrayBuffer, out, []) as ArrayBuffer);
  };

  const validLength = (n: unknown): n is number => typeof n === "number" && I.isInteger(n) && n >= 0;

  const node = (v: unknown, depth: number): string => {
    if (depth > limits.maxDepth) return spend(invalidText(`nested more than ${limits.maxDepth} levels deep`));
    switch (typeof v) {
      case "number": {
        const over = takeElements(1);
        return spend(over ? invalidText(over) : numberText(v));
      }
      case "string":
        return v.length > limits.maxString
          ? spend(invalidText(`a string of ${v.length} characters (limit ${limits.maxString})`))
          : spend(`{"t":"str","v":${I.stringify(v)}}`);
      case "boolean":
        return spend(v ? `{"t":"bool","v":true}` : `{"t":"bool","v":false}`);
      case "undefined":
        return spend(`{"t":"undef"}`);
      case "bigint":
        return spend(invalidText("a bigint (use a plain number)"));
      case "function":
        return spend(invalidText("a function"));
      case "symbol":
        return spend(invalidText("a symbol"));
    }
    if (v === null) return spend(`{"t":"null"}`);
    const o = v as object;
    if (isHandle(o)) return spend(`{"t":"handle","id":${typeof o.id === "number" && I.isInteger(o.id) ? o.id : -1}}`);
    if (o instanceof SandboxFn) {
      let args = "";
      const list = o.args;
      for (let i = 0; i < list.length; i++) args += (i ? "," : "") + node(list[i], depth + 1);
      return spend(`{"t":"fn","name":${I.stringify(String(o.name))},"args":[`) + args + spend("]}");
    }
    const kind = typedArrayKind(o);
    if (kind === "Int32Array") {
      const length = I.apply(I.typedArrayLength, o, []) as number;
      const over = takeElements(length);
      if (over) return spend(invalidText(over));
      const copy = new I.Int32Array(length);
      I.apply(I.typedArraySet, copy, [o]);
      return spend(`{"t":"i32","buf":${pushBuffer(I.apply(I.typedArrayBuffer, copy, []) as ArrayBuffer)}}`);
    }
    if (kind !== undefined) {
      const buf = typedNumbers(o, kind);
      return spend(typeof buf === "string" ? invalidText(buf) : `{"t":"f64","buf":${buf}}`);
    }
    if (I.isArray(o)) {
      const arr = o as unknown[];
      const length: unknown = arr.length; // a proxy's trap may say anything: read once, check
      if (!validLength(length)) return spend(invalidText("an array whose length is not a valid size"));
      if (length > limits.maxItems) {
        // Only all-number arrays travel as a buffer.
        const values = listNumbers(arr, length);
        if (typeof values === "string") return spend(invalidText(values));
        if (mixed) return spend(invalidText(`an array of ${length} items (limit ${limits.maxItems})`));
        return spend(`{"t":"f64","buf":${values}}`);
      }
      let items = "";
      for (let i = 0; i < length; i++) items += (i ? "," : "") + node(arr[i], depth + 1);
      return spend(`{"t":"arr","v":[`) + items + spend("]}");
    }
    const obj = o as Record<string, unknown>;
    if ("shape" in obj && "data" in obj) return tensorNode(obj.shape, obj.data);
    const keys = I.keys(obj);
    if (keys.length > limits.maxItems) return spend(invalidText(`an object with ${keys.length} keys (limit ${limits.maxItems})`));
    let entries = "";
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k.length > limits.maxKey) return spend(invalidText(`an object with a key of ${k.length} characters (limit ${limits.maxKey})`));
      entries += (i ? "," : "") + spend(`[${I.stringify(k)},`) + node(obj[k], depth + 1) + spend("]");
    }
    return spend(`{"t":"obj","v":[`) + entries + spend("]}");
  };

  const tensorNode = (shape: unknown, data: unknown): string => {
    if (!I.isArray(shape)) return spend(invalidText(`a tensor-like object whose shape is ${describe(shape)}, not an array of sizes`));
    const rank: unknown = (shape as unknown[]).length;
    if (!validLength(rank) || rank > 8) return spend(invalidText(`a tensor-like object with ${rank} dimensions (limit 8)`));
    let dims = "";
    let expected = 1;
    for (let i = 0; i < rank; i++) {
      const d: unknown = (shape as unknown[])[i];
      if (!validLength(d)) return spend(invalidText(`a tensor-like object whose shape contains ${describe(d)} (sizes must be non-negative integers)`));
      dims += (i ? "," : "") + d;
      expected *= d;
    }
    if (data === null || typeof data !== "object") return spend(invalidText(`a tensor-like object whose data is ${describe(data)}, not an array of numbers`));
    const kind = typedArrayKind(data);
    const length: unknown = kind !== undefined ? I.apply(I.typedArrayLength, data, []) : (data as { length?: unknown }).length;
    if (!validLength(length)) return spend(invalidText(`a tensor-like object whose data is ${describe(data)}, not an array of numbers`));
    if (length !== expected) {
      return spend(invalidText(`a tensor-like object with shape [${dims}] (${expected} elements) but data of length ${length}`));
    }
    const buf = kind !== undefined ? typedNumbers(data, kind) : listNumbers(data as ArrayLike<unknown>, expected);
    return spend(typeof buf === "string" ? invalidText(buf) : `{"t":"tensor","shape":[${dims}],"buf":${buf}}`);
  };

  try {
    return { json: node(value, 0), buffers };
  } catch (e) {
    if (e !== TOO_BIG) throw e;
    const why = `a value too large to carry (more than ${limits.maxJsonChars.toLocaleString("en-US")} characters of structure and text)`;
    return { json: invalidText(why), buffers: [] };
  }
}

/** Builders the decoder calls, so each side makes its own kind of tensor, handle and function. */
export interface DecodeHooks {
  tensor(shape: number[], data: Float64Array): unknown;
  handle?(id: number): unknown;
  fn?(name: string, args: unknown[]): unknown;
}

function malformed(what: string): never {
  throw new Error(`wire: malformed packet (${what})`);
}

/**
 * Decode a packet, checking every node against `limits` (the host decodes what an untrusted
 * sandbox sent). Throws only on a malformed packet (which only a bug or an attack produces).
 * Strings come back well-formed (lone surrogates replaced) and bounded.
 */
export function decode(packet: WirePacket, hooks: DecodeHooks, overrides: Partial<WireLimits> = {}): unknown {
  const limits: WireLimits = { ...DEFAULT_WIRE_LIMITS, ...overrides };
  if (typeof packet.json !== "string") malformed("no structure");
  if (packet.json.length > limits.maxJsonChars + 1_000) malformed(`${packet.json.length} characters of structure`);
  if (!I.isArray(packet.buffers) || packet.buffers.length > limits.maxElements) malformed("buffer list");
  const count = packet.buffers.length;
  const sizes = new I.Float64Array(count);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    sizes[i] = arrayBufferBytes(packet.buffers[i]);
    if (sizes[i] < 0) malformed(`buffer ${i}`);
    bytes += sizes[i];
  }
  if (bytes > limits.maxElements * 8) malformed(`${bytes} bytes of numbers`);
  const root = I.parse(packet.json) as WireNode;
  // Each buffer backs one value: two views of one buffer would alias on the host.
  const used = new I.Uint8Array(count);
  const buffer = (i: unknown, unit: number): ArrayBuffer => {
    if (typeof i !== "number" || !I.isInteger(i) || i < 0 || i >= count || used[i]) malformed("buffer reference");
    used[i] = 1;
    if (sizes[i] % unit !== 0) malformed(`buffer ${i} length`);
    return packet.buffers[i];
  };
  const list = (v: unknown, max: number): unknown[] => {
    if (!I.isArray(v) || v.length > max) malformed("list");
    return v as unknown[];
  };
  const node = (n: WireNode, depth: number): unknown => {
    if (depth > limits.maxDepth + 2) malformed("nesting");
    if (n === null || typeof n !== "object") malformed("node");
    switch (n.t) {
      case "num":
        return decodeNumber(n.v);
      case "str":
        if (typeof n.v !== "string" || n.v.length > limits.maxString) malformed("string");
        return wellFormed(n.v);
      case "bool":
        if (typeof n.v !== "boolean") malformed("boolean");
        return n.v;
      case "null":
        return null;
      case "undef":
        return undefined;
      case "arr": {
        const items = list(n.v, limits.maxItems);
        const out: unknown[] = [];
        for (let i = 0; i < items.length; i++) append(out, node(items[i] as WireNode, depth + 1));
        return out;
      }
      case "obj": {
        const o: Record<string, unknown> = {};
        const entries = list(n.v, limits.maxItems);
        for (let i = 0; i < entries.length; i++) {
          const entry = list(entries[i], 2);
          const k = entry[0];
          const v = entry[1] as WireNode;
          if (typeof k !== "string" || k.length > limits.maxKey) malformed("key");
          if (k === "__proto__") continue;
          I.defineProperty(o, wellFormed(k), { __proto__: null, value: node(v, depth + 1), writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
        }
        return o;
      }
      case "tensor": {
        const shape = list(n.shape, 8);
        let size = 1;
        for (let i = 0; i < shape.length; i++) {
          const d = shape[i];
          if (typeof d !== "number" || !I.isInteger(d) || d < 0) malformed("shape");
          size *= d;
        }
        const data = new I.Float64Array(buffer(n.buf, 8));
        if (data.length !== size) malformed("tensor size");
        return hooks.tensor(shape as number[], data);
      }
      case "f64":
        return new I.Float64Array(buffer(n.buf, 8));
      case "i32":
        return new I.Int32Array(buffer(n.buf, 4));
      case "handle":
        if (!hooks.handle) throw new Error("wire: handles are not accepted here");
        if (typeof n.id !== "number" || !I.isInteger(n.id)) malformed("handle");
        return hooks.handle(n.id);
      case "fn": {
        if (!hooks.fn) throw new Error("wire: functions are not accepted here");
        if (typeof n.name !== "string") malformed("function name");
        const args: unknown[] = [];
        const given = list(n.args, limits.maxItems);
        for (let i = 0; i < given.length; i++) append(args, node(given[i] as WireNode, depth + 1));
        return hooks.fn(n.name, args);
      }
      case "invalid":
        return new InvalidValue(wellFormed(String(typeof n.why === "string" ? n.why : "a value that could not be carried").slice(0, MAX_WHY)));
      default:
        malformed("unknown node");
    }
  };
  return node(root, 0);
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
  // Intrinsics only: the encoder calls this inside the isolate, after learner code ran.
  if (typeof v === "number") return `${v}`;
  if (typeof v === "string") return `the string ${I.stringify(v.length > 40 ? I.apply(I.stringSlice, v, [0, 40]) + "…" : v)}`;
  if (I.isArray(v)) {
    const length: unknown = (v as unknown[]).length;
    return typeof length === "number" ? `an array of length ${length}` : "an array";
  }
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}
