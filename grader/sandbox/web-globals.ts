/**
 * Standard, harmless web globals for learner code, installed by the harness where the host lacks
 * them. A bare isolated-vm isolate has none of these; the browser's Run worker has them all, so
 * there nothing is replaced and both places behave alike: performance.now() (monotonic ms),
 * structuredClone, queueMicrotask, TextEncoder/TextDecoder (UTF-8), atob/btoa.
 * Nothing here reaches the host: every one is plain JavaScript over the isolate's own objects.
 */

type Global = Record<string, unknown>;

/** What browsers throw as a DOMException of that name (there is no DOMException here). */
function domError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

// ---- performance.now --------------------------------------------------------------------------

/** Milliseconds since the sandbox started; never goes backwards (Date.now can, with the wall clock). */
export function makePerformance(dateNow: () => number = Date.now): { now(): number; readonly timeOrigin: number } {
  const origin = dateNow();
  let last = 0;
  return {
    now(): number {
      const t = dateNow() - origin;
      if (t > last) last = t;
      return last;
    },
    get timeOrigin(): number {
      return origin;
    },
  };
}

// ---- structuredClone --------------------------------------------------------------------------

const typedArrayCtors: Record<string, new (buffer: ArrayBuffer, offset: number, length: number) => ArrayBufferView> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};
const errorCtors: Record<string, ErrorConstructor> = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), Symbol.toStringTag)!.get!;
const objectToString = Object.prototype.toString;

/** The HTML structured clone algorithm for the types learner code meets (no transfer list). */
export function structuredCloneImpl(value: unknown): unknown {
  const seen = new Map<object, unknown>();
  const clone = (v: unknown): unknown => {
    if (typeof v === "symbol") throw domError("DataCloneError", `${String(v)} could not be cloned.`);
    if (typeof v === "function") throw domError("DataCloneError", `${(v as { name?: string }).name || "function"} could not be cloned.`);
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return seen.get(v);
    const tag = objectToString.call(v).slice(8, -1);
    const typed = typedArrayTag.call(v) as string | undefined;
    if (typed) {
      const view = v as ArrayBufferView & { length: number };
      const out = new typedArrayCtors[typed](clone(view.buffer) as ArrayBuffer, view.byteOffset, view.length);
      seen.set(v, out);
      return out;
    }
    switch (tag) {
      case "ArrayBuffer": {
        const out = (v as ArrayBuffer).slice(0);
        seen.set(v, out);
        return out;
      }
      case "DataView": {
        const dv = v as DataView;
        const out = new DataView(clone(dv.buffer) as ArrayBuffer, dv.byteOffset, dv.byteLength);
        seen.set(v, out);
        return out;
      }
      case "Date": {
        const out = new Date((v as Date).getTime());
        seen.set(v, out);
        return out;
      }
      case "RegExp": {
        const re = v as RegExp;
        const out = new RegExp(re.source, re.flags);
        seen.set(v, out);
        return out;
      }
      case "Boolean":
      case "Number":
      case "String": {
        const out = Object((v as { valueOf(): unknown }).valueOf());
        seen.set(v, out);
        return out;
      }
      case "Map": {
        const out = new Map();
        seen.set(v, out);
        for (const [k, x] of v as Map<unknown, unknown>) out.set(clone(k), clone(x));
        return out;
      }
      case "Set": {
        const out = new Set();
        seen.set(v, out);
        for (const x of v as Set<unknown>) out.add(clone(x));
        return out;
      }
      case "Error": {
        const err = v as Error;
        const Ctor = errorCtors[err.name] ?? Error;
        const out = new Ctor(String(err.message));
        seen.set(v, out);
        if (typeof err.stack === "string") out.stack = err.stack;
        return out;
      }
      case "Array": {
        const out: unknown[] = new Array((v as unknown[]).length);
        seen.set(v, out);
        for (const k of Object.keys(v)) (out as unknown as Global)[k] = clone((v as unknown as Global)[k]);
        return out;
      }
      case "Object": {
        const out: Global = {};
        seen.set(v, out);
        for (const k of Object.keys(v)) out[k] = clone((v as Global)[k]);
        return out;
      }
      default:
        throw domError("DataCloneError", `#<${tag}> could not be cloned.`);
    }
  };
  return clone(value);
}

// ---- TextEncoder / TextDecoder (UTF-8) ---------------------------------------------------------

class TextEncoderImpl {
  get encoding(): string {
    return "utf-8";
  }

  encode(input: unknown = ""): Uint8Array {
    const s = String(input);
    const out = new Uint8Array(s.length * 3);
    const { written } = this.encodeInto(s, out);
    return out.slice(0, written);
  }

  encodeInto(input: unknown, dest: Uint8Array): { read: number; written: number } {
    const s = String(input);
    let read = 0;
    let written = 0;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      let units = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          units = 2;
        }
      }
      if (units === 1 && c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate
      const bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (written + bytes > dest.length) break;
      if (bytes === 1) dest[written++] = c;
      else if (bytes === 2) {
        dest[written++] = 0xc0 | (c >> 6);
        dest[written++] = 0x80 | (c & 0x3f);
      } else if (bytes === 3) {
        dest[written++] = 0xe0 | (c >> 12);
        dest[written++] = 0x80 | ((c >> 6) & 0x3f);
        dest[written++] = 0x80 | (c & 0x3f);
      } else {
        dest[written++] = 0xf0 | (c >> 18);
        dest[written++] = 0x80 | ((c >> 12) & 0x3f);
        dest[written++] = 0x80 | ((c >> 6) & 0x3f);
        dest[written++] = 0x80 | (c & 0x3f);
      }
      read += units;
      i += units - 1;
    }
    return { read, written };
  }
}

function bytesOf(input: unknown): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError("The provided value is not of type '(ArrayBuffer or ArrayBufferView)'");
}

/** The WHATWG UTF-8 decoder: replacement characters for bad sequences (or a TypeError when fatal), streaming. */
class TextDecoderImpl {
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  private pending: number[] = [];
  private bomSeen = false;

  constructor(label: unknown = "utf-8", options: { fatal?: unknown; ignoreBOM?: unknown } = {}) {
    const l = String(label).trim().toLowerCase();
    if (l !== "utf-8" && l !== "utf8" && l !== "unicode-1-1-utf-8") {
      throw new RangeError(`The encoding label provided ('${String(label)}') is not supported here: only UTF-8 is.`);
    }
    this.fatal = !!options?.fatal;
    this.ignoreBOM = !!options?.ignoreBOM;
  }

  get encoding(): string {
    return "utf-8";
  }

  decode(input?: unknown, options: { stream?: unknown } = {}): string {
    const stream = !!options?.stream;
    const fresh = bytesOf(input);
    const bytes = this.pending.length ? Uint8Array.from([...this.pending, ...fresh]) : fresh;
    this.pending = [];
    let out = "";
    let i = 0;
    const bad = (): void => {
      if (this.fatal) throw new TypeError("The encoded data was not valid.");
      out += "\ufffd";
    };
    while (i < bytes.length) {
      const b = bytes[i];
      let need = 0;
      let cp = 0;
      let lower = 0x80;
      let upper = 0xbf;
      if (b < 0x80) {
        out += String.fromCharCode(b);
        i++;
        continue;
      } else if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        cp = b & 0xf;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        cp = b & 0x7;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else {
        bad();
        i++;
        continue;
      }
      let j = 1;
      for (; j <= need && i + j < bytes.length; j++) {
        const c = bytes[i + j];
        if (c < lower || c > upper) break;
        lower = 0x80;
        upper = 0xbf;
        cp = (cp << 6) | (c & 0x3f);
      }
      if (j > need) {
        out += String.fromCodePoint(cp);
        i += need + 1;
      } else if (i + j >= bytes.length && stream) {
        this.pending = Array.from(bytes.subarray(i));
        break;
      } else {
        bad();
        i += j; // the bytes read so far form one bad sequence; the offending byte starts the next
      }
    }
    if (!this.ignoreBOM && !this.bomSeen && out.length > 0) {
      if (out.charCodeAt(0) === 0xfeff) out = out.slice(1);
      this.bomSeen = true;
    }
    if (!stream) this.bomSeen = false;
    return out;
  }
}

// ---- atob / btoa ------------------------------------------------------------------------------

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function btoaImpl(input: unknown): string {
  const s = String(input);
  let out = "";
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i);
    const b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    const c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
    if (a > 0xff || b > 0xff || c > 0xff) throw domError("InvalidCharacterError", "Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.");
    const n = (a << 16) | (b << 8) | c;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : "=") + (i + 2 < s.length ? B64[n & 63] : "=");
  }
  return out;
}

export function atobImpl(input: unknown): string {
  let s = String(input).replace(/[\t\n\f\r ]/g, "");
  if (s.length % 4 === 0) s = s.replace(/={1,2}$/, "");
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw domError("InvalidCharacterError", "Failed to execute 'atob': The string to be decoded is not correctly encoded.");
  let out = "";
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < s.length; i++) {
    acc = (acc << 6) | B64.indexOf(s[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
  }
  return out;
}

// ---- installation ------------------------------------------------------------------------------

/** Define each global the host lacks, as browsers do (writable, configurable, not enumerable). */
export function installWebGlobals(g: Global): void {
  const define = (name: string, value: unknown) => {
    if (typeof g[name] !== "undefined") return;
    Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
  };
  define("performance", makePerformance());
  define("structuredClone", function structuredClone(value: unknown) {
    return structuredCloneImpl(value);
  });
  define("queueMicrotask", function queueMicrotask(callback: unknown) {
    if (typeof callback !== "function") throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
    void Promise.resolve().then(() => (callback as () => void)());
  });
  define("TextEncoder", TextEncoderImpl);
  define("TextDecoder", TextDecoderImpl);
  define("btoa", function btoa(data: unknown) {
    return btoaImpl(data);
  });
  define("atob", function atob(data: unknown) {
    return atobImpl(data);
  });
}
